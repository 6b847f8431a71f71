import assert from 'node:assert/strict'
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { tempDir, waitFor } from '@p2pcloud/test-utils'
import { farmerHome, runCli, spawnDaemon, type CliDaemon } from './helpers/index.js'

describe('store from the CLI', () => {
  it('put and get print the size once; get without -o writes the object to stdout and its summary to stderr', async () => {
    const farmers: CliDaemon[] = []
    const twinHome = await tempDir('store-cli-twin')
    assert.equal((await runCli(['init', '--home', twinHome])).code, 0)
    try {
      for (const name of ['store-cli-a', 'store-cli-b']) {
        const home = await farmerHome(name, { cru: 1, mru: '1G', sru: 0, hru: '1G' }, { capabilities: ['zdb'], farm: name })
        farmers.push(await spawnDaemon(home, { args: farmers.length > 0 ? ['--bootstrap', farmers[0].ready.addresses[0]] : [] }))
      }
      farmers.push(await spawnDaemon(twinHome, { args: ['--bootstrap', farmers[0].ready.addresses[0]] }))
      const cli = async (...args: string[]): Promise<{ code: number | null, stdout: string, stderr: string }> => runCli([...args, '--home', twinHome])
      await waitFor('a 1+1 pool', async () => (await cli('store', 'init', '--data', '1', '--parity', '1', '--size', '64M')).code === 0, 30_000, 1000)

      const file = join(twinHome, 'hello.txt')
      const text = 'hello from the pool\n'.repeat(1000)
      await writeFile(file, text)
      const put = await cli('store', 'put', file)
      assert.equal(put.code, 0, put.stderr)
      const id = put.stdout.split(' ')[0]
      assert.match(put.stdout, /^[0-9a-f]{32} {2}hello\.txt, 19\.5 KiB in 1 segment\(s\), 1\+1, [\d.]+ MB\/s\n$/)

      const got = await cli('store', 'get', id)
      assert.equal(got.code, 0, got.stderr)
      assert.equal(got.stdout, text, 'the object itself on stdout')
      assert.match(got.stderr, new RegExp(`^(reading: .*\\n)?${id} → stdout: 19\\.5 KiB, [\\d.]+ MB/s\\n$`), 'progress, then the summary')

      const back = join(twinHome, 'back.txt')
      const written = await cli('store', 'get', id, '-o', back)
      assert.match(written.stdout, new RegExp(`^${id} → ${back}: 19\\.5 KiB, [\\d.]+ MB/s\\n$`))
    } finally {
      for (const daemon of farmers.reverse()) await daemon.stop()
    }
  })
})
