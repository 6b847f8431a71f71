import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { readFile, readdir, rm, stat, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { describe, it } from 'node:test'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { DeploymentClient, isMounted, loopMountUnavailable, type Deployment, type DeploymentStatusView } from '@p2pcloud/farmer'
import { deploymentMessages } from '@p2pcloud/wire'
import { tempDir, waitFor } from '@p2pcloud/test-utils'
import { resources, restartableFarmer, startMarketPeer, type MarketPeer, type RestartableFarmer } from './helpers/index.js'

const HOUR = 3_600_000
const MiB = 2 ** 20

function volume (name: string, sizeMiB: number, version = 1): Deployment['workloads'][number] {
  return { name, type: 'volume', version, data: deploymentMessages.VolumeData.encode({ size: sizeMiB * MiB }) }
}

function clientOf (twin: MarketPeer): DeploymentClient {
  return new DeploymentClient(twin.node, (twin.node as any).components.privateKey)
}

async function reserve (twin: MarketPeer, farmer: MarketPeer, sruMiB: number): Promise<string> {
  const { envelope } = await twin.contracts.client.quote(farmer.node.peerId, { cru: 0, mru: 0, sru: sruMiB * MiB, hru: 0, ipv4u: 0 }, HOUR)
  return (await twin.contracts.client.propose(farmer.node.peerId, envelope)).id
}

async function untilSettled (client: DeploymentClient, farmer: MarketPeer, contractId: string): Promise<DeploymentStatusView> {
  let status: DeploymentStatusView | undefined
  await waitFor('every workload to leave init', async () => {
    status = await client.get(farmer.node.peerId, contractId)
    return status.workloads.every(w => w.state !== 'init')
  })
  return status as DeploymentStatusView
}

/** A restartable farmer with its home in `dir` (its volumes under `dir/volumes`), and its twin. */
async function restartableVolumeFarmer (dir: string): Promise<RestartableFarmer & { volumesRoot: string }> {
  return Object.assign(await restartableFarmer(dir, { farm: 'gent', country: 'BE', total: resources(4, 8, 1) }), { volumesRoot: join(dir, 'volumes') })
}

describe('deployments of volumes', { skip: loopMountUnavailable() }, () => {
  it('deploys, updates and deletes a volume deployment; the farmer checks signature, contract, version and fit', async () => {
    const home = await tempDir('vol')
    const volumesRoot = join(home, 'volumes')
    const farmer = await startMarketPeer({ farmer: { farm: 'gent', country: 'BE', total: resources(4, 8, 1), home } })
    const twin = await startMarketPeer({ bootstrap: farmer.node })
    const other = await startMarketPeer({ bootstrap: farmer.node })
    try {
      await waitFor('the twins to be connected', () => [twin, other].every(t => t.node.getConnections(farmer.node.peerId).length > 0))
      const contractId = await reserve(twin, farmer, 100)
      const client = clientOf(twin)
      const base = { contractId, twin: twin.node.peerId.toString(), name: 'my-app', signedAt: Date.now() }

      const first = await client.deploy(farmer.node.peerId, { ...base, version: 1, workloads: [volume('data', 10)] })
      assert.equal(first.version, 1)
      const settled = await untilSettled(client, farmer, contractId)
      assert.deepEqual(settled.workloads.map(w => [w.name, w.state]), [['data', 'ok']])
      assert.ok((await stat(join(volumesRoot, contractId, 'data'))).isDirectory())

      // version rules and fit, each refused at once with the farmer's reason
      await assert.rejects(client.deploy(farmer.node.peerId, { ...base, version: 1, workloads: [volume('data', 10)] }), { code: 'STALE_VERSION' })
      await assert.rejects(client.deploy(farmer.node.peerId, { ...base, version: 2, workloads: [volume('data', 10), volume('big', 200, 2)] }), (err: any) => {
        assert.equal(err.code, 'DOES_NOT_FIT')
        assert.match(err.message, /sru=/)
        return true
      })
      await assert.rejects(client.deploy(farmer.node.peerId, { ...base, version: 2, workloads: [volume('data', 20, 1)] }), { code: 'BAD_REQUEST' })
      await assert.rejects(client.deploy(farmer.node.peerId, { ...base, version: 2, workloads: [{ name: 'web', type: 'container', version: 2, data: new Uint8Array() }] }), { code: 'UNSUPPORTED_WORKLOAD' })
      // another twin: not its contract, not its deployment
      await assert.rejects(clientOf(other).get(farmer.node.peerId, contractId), { code: 'NOT_FOUND' })
      await assert.rejects(clientOf(other).delete(farmer.node.peerId, contractId), { code: 'NOT_FOUND' })
      await assert.rejects(clientOf(other).deploy(farmer.node.peerId, { ...base, twin: other.node.peerId.toString(), version: 2, workloads: [] }), { code: 'NOT_FOUND' })
      // a deployment signed by a key that is not the twin's
      const stranger = new DeploymentClient(twin.node, await generateKeyPair('Ed25519'))
      await assert.rejects(stranger.deploy(farmer.node.peerId, { ...base, version: 2, workloads: [] }), { code: 'INVALID_SIGNATURE' })

      // update: add a volume (only it carries the new version), then drop the first
      await client.deploy(farmer.node.peerId, { ...base, version: 2, workloads: [volume('data', 10), volume('logs', 5, 2)] })
      assert.deepEqual((await untilSettled(client, farmer, contractId)).workloads.map(w => [w.name, w.version, w.state]), [['data', 1, 'ok'], ['logs', 2, 'ok']])
      await client.deploy(farmer.node.peerId, { ...base, version: 3, workloads: [volume('logs', 5, 2)] })
      await waitFor('the dropped volume to be removed', async () => (await readdir(join(volumesRoot, contractId))).every(f => !f.startsWith('data')))

      await client.delete(farmer.node.peerId, contractId)
      await waitFor('every volume to be removed', async () => (await readdir(join(volumesRoot, contractId))).length === 0)
      await assert.rejects(client.get(farmer.node.peerId, contractId), { code: 'NOT_FOUND' })
    } finally {
      await Promise.all([other, twin, farmer].map(async p => p.node.stop()))
    }
  })

  it('a farmer restart brings volume deployments back, and cancelling the contract removes them', async () => {
    const peers = await restartableVolumeFarmer(await tempDir('farmer-restart'))
    const { twin, volumesRoot } = peers
    try {
      const contractId = await reserve(twin, peers.farmer, 50)
      const client = clientOf(twin)
      await client.deploy(peers.farmer.node.peerId, { contractId, twin: twin.node.peerId.toString(), name: 'keep', version: 1, signedAt: Date.now(), workloads: [volume('data', 10)] })
      await untilSettled(client, peers.farmer, contractId)

      // the volume's directory is gone while the farmer is down (a wiped disk, a new machine)
      await peers.restart(async () => { await rm(join(volumesRoot, contractId), { recursive: true, force: true }) })
      const status = await untilSettled(client, peers.farmer, contractId)
      assert.deepEqual(status.workloads.map(w => [w.name, w.state]), [['data', 'ok']])
      assert.ok((await stat(join(volumesRoot, contractId, 'data'))).isDirectory(), 'brought back after the restart')

      await twin.contracts.client.cancel(peers.farmer.node.peerId, contractId)
      await waitFor('the cancelled contract\'s volumes to be removed', async () => (await readdir(join(volumesRoot, contractId))).length === 0)
    } finally {
      await peers.stop()
    }
  })
})

describe('volume sizes', { skip: loopMountUnavailable() }, () => {
  it('a volume refuses writes past its size, keeps its data over a farmer restart, and its removal frees the loop device and the image', async () => {
    const dir = await tempDir('volume-size')
    const peers = await restartableVolumeFarmer(dir)
    const { twin, volumesRoot } = peers
    try {
      const contractId = await reserve(twin, peers.farmer, 50)
      const client = clientOf(twin)
      await client.deploy(peers.farmer.node.peerId, { contractId, twin: twin.node.peerId.toString(), name: 'sized', version: 1, signedAt: Date.now(), workloads: [volume('data', 4)] })
      assert.deepEqual((await untilSettled(client, peers.farmer, contractId)).workloads.map(w => [w.name, w.state]), [['data', 'ok']])
      const path = join(volumesRoot, contractId, 'data')
      const image = join(volumesRoot, contractId, 'data.img')
      await writeFile(join(path, 'kept'), 'written before the restart\n')
      await assert.rejects(writeFile(join(path, 'big'), Buffer.alloc(8 * MiB)), { code: 'ENOSPC' })
      await rm(join(path, 'big'))
      assert.ok((await stat(image)).blocks * 512 <= 4 * MiB, 'the host gives the volume no more than its size')

      await peers.restart(async () => { assert.equal(await isMounted(path), false, 'a stopped farmer leaves its volumes unmounted') })
      assert.deepEqual((await untilSettled(client, peers.farmer, contractId)).workloads.map(w => [w.name, w.state]), [['data', 'ok']])
      assert.equal(await readFile(join(path, 'kept'), 'utf8'), 'written before the restart\n')

      await twin.contracts.client.cancel(peers.farmer.node.peerId, contractId)
      await waitFor('the cancelled contract\'s volume to be removed', async () => (await readdir(join(volumesRoot, contractId))).length === 0)
      assert.equal(await isMounted(path), false)
      const { stdout } = await promisify(execFile)('losetup', ['-j', image])
      assert.equal(stdout, '', 'no loop device left on the image')
    } finally {
      await peers.stop()
      await rm(dir, { recursive: true, force: true })
    }
  })
})

describe('watching a deployment', { skip: loopMountUnavailable() }, () => {
  it('pushes each state change as it happens and ends when the deployment is deleted', async () => {
    const farmer = await startMarketPeer({ farmer: { farm: 'gent', country: 'BE', total: resources(4, 8, 1) } })
    const twin = await startMarketPeer({ bootstrap: farmer.node })
    try {
      await waitFor('the twin to be connected', () => twin.node.getConnections(farmer.node.peerId).length > 0)
      const contractId = await reserve(twin, farmer, 50)
      const client = clientOf(twin)
      await client.deploy(farmer.node.peerId, { contractId, twin: twin.node.peerId.toString(), name: 'w', version: 1, signedAt: Date.now(), workloads: [volume('data', 10)] })
      const seen: string[] = []
      let deleted = false
      for await (const status of client.watch(farmer.node.peerId, contractId, AbortSignal.timeout(20_000))) {
        seen.push(status.workloads.map(w => `${w.name}:${w.state}`).join(','))
        if (status.workloads.every(w => w.state === 'ok') && !deleted) {
          deleted = true
          await client.delete(farmer.node.peerId, contractId)
        }
      }
      assert.ok(seen.includes('data:ok'), seen.join(' | '))
      assert.equal(seen[seen.length - 1], 'data:deleted', 'the stream ends after the deletion')
      // a deployment that is gone, or another twin's, cannot be watched
      await assert.rejects(async () => { for await (const _ of client.watch(farmer.node.peerId, contractId)) { /* nothing */ } }, { code: 'NOT_FOUND' })
    } finally {
      await Promise.all([twin, farmer].map(async p => p.node.stop()))
    }
  })
})
