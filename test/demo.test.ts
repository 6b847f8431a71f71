import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { readdir } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, it } from 'node:test'
import { runCli, tempDir } from './helpers/index.js'

const DEMO = fileURLToPath(new URL('../../scripts/demo.mjs', import.meta.url))

describe('npm start (the demo mesh)', () => {
  it('brings up three connected peers the CLI can drive, and Ctrl-C stops them cleanly', async () => {
    const demoDir = await tempDir('demo')
    const demo = spawn(process.execPath, [DEMO], { env: { ...process.env, P2PCLOUD_DEMO_DIR: demoDir }, stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    demo.stderr.on('data', chunk => { stderr += chunk })
    const exited = new Promise<number | null>(resolve => demo.on('exit', resolve))
    await new Promise<void>((resolve, reject) => {
      demo.stdout.on('data', chunk => {
        stdout += chunk
        if (stdout.includes('demo mesh ready')) resolve()
      })
      void exited.then(code => { reject(new Error(`demo exited with ${code}: ${stderr}`)) })
    })
    assert.match(stdout, /3 peers, each connected to the 2 others/)
    assert.match(stdout, /npx p2pcloud --home .*peer-2 peers/)

    const peers = JSON.parse((await runCli(['peers', '--json', '--home', join(demoDir, 'peer-2')])).stdout)
    assert.equal(peers.length, 2)

    demo.kill('SIGINT')
    assert.equal(await exited, 0, stderr)
    for (const name of ['peer-1', 'peer-2', 'peer-3']) {
      const files = await readdir(join(demoDir, name))
      assert.ok(!files.includes('daemon.lock') && !files.includes('api.json'), `${name} stopped cleanly: ${files.join(', ')}`)
    }
  })
})
