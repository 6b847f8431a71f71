import assert from 'node:assert/strict'
import { rm, statfs, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { peerIdFromString } from '@libp2p/peer-id'
import { multiaddr } from '@multiformats/multiaddr'
import { loopMountUnavailable, mountImage, unmount } from '@p2pcloud/farmer'
import { parseDeploymentSpec } from '@p2pcloud/twin'
import { ZdbClient } from '@p2pcloud/zdb'
import { waitFor } from '@p2pcloud/test-utils'
import { farmerHome, spawnDaemon, startMarketPeer, type CliDaemon } from './helpers/index.js'

const MiB = 2 ** 20
/** The farmer's real disk for its namespaces, far below the 1 GiB of HDD it advertises. */
const DISK_BYTES = 32 * MiB
const VALUE_BYTES = 512 * 1024

describe('a farmer whose disk fills', { skip: loopMountUnavailable() ?? false }, () => {
  it('refuses new writes and new namespaces clearly, and keeps every value it acknowledged, across a restart', async () => {
    const home = await farmerHome('disk-full', { cru: 2, mru: '4G', sru: '1G', hru: '1G' }, { capabilities: ['zdb'] })
    const zdbRoot = join(home, 'zdb')
    await mountImage(join(home, 'zdb.img'), zdbRoot, DISK_BYTES)
    let daemon: CliDaemon = await spawnDaemon(home)
    const twin = await startMarketPeer()
    try {
      await twin.node.dial(multiaddr(daemon.ready.addresses[0]))
      await waitFor('the farmer\'s advert', async () => twin.market.directory.size > 0)
      const farmerId = peerIdFromString(daemon.ready.peerId)
      // a namespace larger than the disk is refused at deploy time, in the farmer's words
      await assert.rejects(twin.twin.deploy(parseDeploymentSpec('name: huge\nlease: 1h\nworkloads:\n  - {name: ns, type: zdb, size: 256M}\n')), (err: any) => {
        console.log(`a namespace larger than the disk: ${err.message}`)
        return /disk has .* free/.test(err.message)
      })
      const deployed = await twin.twin.deploy(parseDeploymentSpec('name: big\nlease: 1h\nworkloads:\n  - {name: ns, type: zdb, size: 16M}\n'))
      // then something else fills the disk (logs, another tenant's files): 4 MiB are left
      const disk = await statfs(zdbRoot)
      await writeFile(join(zdbRoot, 'filler'), Buffer.alloc(disk.bavail * disk.bsize - 4 * MiB))
      const db = new ZdbClient(twin.node, { farmer: farmerId, contractId: deployed.contractId, namespace: 'ns' })
      const value = (i: number): Buffer => Buffer.alloc(VALUE_BYTES, i % 251)
      const kept: number[] = []
      let refusal: any
      for (let i = 0; i < (16 * MiB) / VALUE_BYTES; i++) {
        try {
          await db.set(Buffer.from(`k${i}`), value(i))
          kept.push(i)
        } catch (err) {
          refusal = err
          break
        }
      }
      console.log(`the farmer took ${kept.length} values of ${VALUE_BYTES / 1024} KiB on its ${DISK_BYTES / MiB} MiB disk, then: ${refusal?.message}`)
      assert.ok(refusal != null, 'the writes past the disk are refused')
      assert.equal(refusal.name, 'RemoteError', `an answer from the farmer, not a dropped stream: ${refusal.message}`)
      assert.match(refusal.message, /the farmer's disk is full/)
      // a refused write leaves nothing half-written: the next one is refused the same way, the rest reads back
      await assert.rejects(db.set(Buffer.from('again'), value(0)), { name: 'RemoteError' })
      for (const i of kept) assert.equal(Buffer.compare(Buffer.from(await db.get(Buffer.from(`k${i}`)) ?? []), value(i)), 0, `value k${i}`)

      // a new namespace on the full disk: refused in the farmer's words, not a hang
      await assert.rejects(twin.twin.deploy(parseDeploymentSpec('name: more\nlease: 1h\nworkloads:\n  - {name: ns, type: zdb, size: 16M}\n')), (err: any) => {
        console.log(`a new namespace on the full disk: ${err.name}: ${err.message}`)
        return /disk has .* free/.test(err.message)
      })

      // what it acknowledged survives a restart
      assert.equal(await daemon.stop(), 0)
      daemon = await spawnDaemon(home)
      await twin.node.dial(multiaddr(daemon.ready.addresses[0]))
      // UNAVAILABLE while the farmer brings its namespaces up again
      await waitFor('the namespace to be open again', async () => await db.exists(Buffer.from('k0')).then(() => true, (err: any) => err.code !== 'UNAVAILABLE' ? Promise.reject(err) : false))
      for (const i of kept) assert.equal(Buffer.compare(Buffer.from(await db.get(Buffer.from(`k${i}`)) ?? []), value(i)), 0, `value k${i} after the restart`)
    } finally {
      await twin.node.stop()
      await daemon.stop()
      await unmount(zdbRoot)
      await rm(home, { recursive: true, force: true })
    }
  })
})
