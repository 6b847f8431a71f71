import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { chmod, chown, copyFile, mkdir, readdir, rm, writeFile } from 'node:fs/promises'
import { randomBytes } from 'node:crypto'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { after, before, describe, it } from 'node:test'
import type { DaemonLibp2p } from '@p2pcloud/daemon'
import { buildFromDirectory, loadFlist } from '@p2pcloud/flist'
import { runcUnavailable } from '@p2pcloud/runtime'
import { dialAddress, farmerSettings, startLoopbackDaemon, writeRepeatedBlockFlist, writeUnderstatedFlist } from '@p2pcloud/sim'
import { parseDeploymentSpec, type Twin } from '@p2pcloud/twin'
import { tempDir, waitFor } from '@p2pcloud/test-utils'
import { resources } from './helpers/index.js'

const MiB = 2 ** 20
const GiB = 2 ** 30
/** The farmer's flist cache (farmer.flistCacheBytes): small, so that an attack that gets through is seen at once. */
const CACHE_BYTES = 64 * MiB
const skip = await runcUnavailable()

/** Bytes the files under `dir` take on disk (du: allocated blocks, hard links once). */
async function diskUse (dir: string): Promise<number> {
  const { stdout } = await promisify(execFile)('du', ['-s', '--block-size=1', dir])
  return Number(stdout.split('\t')[0])
}

/** A farmer offering containers, as a daemon runs one, its flist cache holding CACHE_BYTES. */
async function startFarmer (home: string): Promise<DaemonLibp2p> {
  const farmer = farmerSettings({ farm: 'gent', country: 'BE', city: '', total: resources(4, 8, 10), capabilities: ['container'], cuHour: 0.1 })
  return startLoopbackDaemon({ home, config: { farmer: { ...farmer, flistCacheBytes: CACHE_BYTES } }, tuning: { capacity: { debounceMs: 50 } } })
}

/** A 3Bot: publishes flists and deploys with the twin SDK. */
async function startThreeBot (home: string, farmer: DaemonLibp2p): Promise<DaemonLibp2p> {
  return startLoopbackDaemon({ home, config: { bootstrap: [dialAddress(farmer)] }, tuning: { twin: { settleTimeoutMs: 120_000 } } })
}

const containerSpec = (name: string, flist: string): ReturnType<typeof parseDeploymentSpec> => parseDeploymentSpec(`
name: ${name}
lease: 1h
workloads:
  - name: web
    type: container
    flist: ${flist}
    cpu: 1
    memory: 64M
    rootfs: 64M
`, 'test spec')

describe('hostile flists against a real farmer', { skip }, () => {
  let work: string
  let farmer: DaemonLibp2p
  let bot: DaemonLibp2p
  let twin: Twin
  let flists: string

  before(async () => {
    work = await tempDir('hostile-flists')
    farmer = await startFarmer(join(work, 'farmer'))
    bot = await startThreeBot(join(work, 'bot'), farmer)
    twin = bot.services.twin
    flists = join(work, 'farmer', 'flists')
    await waitFor('the 3Bot to hear the farmer', () => bot.services.capacity.directory.size === 1)
  })

  after(async () => {
    await Promise.all([bot, farmer].map(async node => node.stop()))
    await rm(work, { recursive: true, force: true })
  })

  /** Deploys a container of flist `cid` on the farmer: the deploy must fail with `expected`. */
  async function deployFails (name: string, cid: string, expected: RegExp): Promise<void> {
    await assert.rejects(twin.deploy(containerSpec(name, cid)), (err: any) => {
      assert.equal(err.name, 'DeployFailed', err.message)
      assert.match(err.message, /workload "web": /)
      assert.match(err.message, expected)
      return true
    })
  }

  it('a flist whose few KB of blocks declare a 2 GiB tree is refused before any data block is fetched or anything written', async () => {
    const { cid, archiveBytes } = await writeRepeatedBlockFlist(join(work, 'repeated.flist'), 2 * GiB)
    assert.ok(archiveBytes < 1 * MiB, `${archiveBytes}: the attack is small`)
    await bot.services.flists.publish(join(work, 'repeated.flist'))
    await deployFails('repeated', cid.toString(),
      new RegExp(`flist ${cid.toString()}: its manifest declares at least 2\\.0 GiB \\(\\d+ bytes\\) of disk \\(so far: manifest .*, tree 2\\.0 GiB, .*\\), more than the 64 MiB \\(67108864 bytes\\) this farmer.s flist cache holds`))
    assert.deepEqual(await readdir(join(flists, 'cache', 'trees')), [], 'no tree')
    assert.deepEqual((await readdir(join(flists, 'cache', 'tmp'))).filter(name => !name.startsWith('state.')), [], 'no partial tree')
    const used = await diskUse(flists)
    assert.ok(used < 1 * MiB, `the farmer's flists take ${used} bytes, not its 512 KiB block nor its tree`)
  })

  it('a flist whose manifest understates its blocks (1 KiB declared, 512 KiB each) is stopped at its first block', async () => {
    // 96 MiB of distinct blocks behind a manifest that declares ~600 KiB in all
    const { cid } = await writeUnderstatedFlist(join(work, 'understated.flist'), 192, 1024)
    await bot.services.flists.publish(join(work, 'understated.flist'))
    await deployFails('understated', cid.toString(),
      new RegExp(`flist ${cid.toString()}: block \\w+ is 524288 bytes, its manifest declares 1024`))
    assert.deepEqual(await readdir(join(flists, 'cache', 'trees')), [], 'no tree')
    const used = await diskUse(flists)
    assert.ok(used < 1 * MiB, `the farmer's flists take ${used} bytes, not its 96 MiB of blocks`)
  })

  it('a flist whose fetch fails part way (a block nobody has) leaves none of the blocks it fetched', async () => {
    const src = join(work, 'honest')
    await mkdir(src)
    for (let i = 0; i < 24; i++) await writeFile(join(src, `f${i}`), randomBytes(MiB))
    const { cid } = await buildFromDirectory(src, join(work, 'honest.flist'))
    const botFlists = bot.services.flists
    await botFlists.publish(join(work, 'honest.flist'))
    const lost = (await loadFlist(botFlists.store, cid)).entries.at(-1)?.blocks[0]
    assert.ok(lost != null)
    await botFlists.store.delete(lost)
    await deployFails('honest', cid.toString(), new RegExp(`1 block\\(s\\) could not be fetched \\(${lost.toString()}\\)`))
    const used = await diskUse(flists)
    assert.ok(used < 1 * MiB, `the farmer's flists take ${used} bytes, not the 23.5 MiB of blocks it fetched`)
  })

  it('a flist with a setuid file owned by uid 4294867295 (+100000 wraps to -1, "leave it root\'s") is refused naming the entry; no tree is made', async () => {
    const src = join(work, 'setuid')
    await mkdir(join(src, 'bin'), { recursive: true })
    await copyFile('/bin/busybox', join(src, 'bin/su'))
    await chown(join(src, 'bin/su'), 4294867295, 0)
    await chmod(join(src, 'bin/su'), 0o4755)
    const { cid } = await buildFromDirectory(src, join(work, 'setuid.flist'))
    await bot.services.flists.publish(join(work, 'setuid.flist'))
    await deployFails('setuid', cid.toString(), /entry "bin\/su": uid 4294867295 is outside a container's ids 0…65535/)
    assert.deepEqual(await readdir(join(flists, 'cache', 'trees')), [], 'no tree')
    assert.deepEqual((await readdir(join(flists, 'cache', 'tmp'))).filter(name => !name.startsWith('state.')), [], 'no partial tree')
  })
})
