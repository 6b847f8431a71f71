import assert from 'node:assert/strict'
import { chmod, readFile, readdir, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { CID } from 'multiformats/cid'
import { sha256 } from 'multiformats/hashes/sha2'
import { DeploymentClient, isMounted, type Deployment } from '@p2pcloud/farmer'
import { LogsClient, hostIdOf, makeBusyboxRootfs, runcUnavailable, type LogChunk } from '@p2pcloud/runtime'
import { deploymentMessages } from '@p2pcloud/wire'
import { tempDir, waitFor } from '@p2pcloud/test-utils'
import { resources, restartableFarmer, startMarketPeer, type FarmerSpec, type MarketPeer } from './helpers/index.js'

const HOUR = 3_600_000
const MiB = 2 ** 20
const skip = await runcUnavailable()

function clientOf (twin: MarketPeer): DeploymentClient {
  return new DeploymentClient(twin.node, (twin.node as any).components.privateKey)
}

async function text (chunks: AsyncIterable<LogChunk>): Promise<string> {
  const parts = []
  for await (const chunk of chunks) parts.push(`${chunk.stream}:${Buffer.from(chunk.data).toString()}`)
  return parts.join('')
}

interface Mesh { dir: string, farmer: MarketPeer, twin: MarketPeer, other: MarketPeer, end: () => Promise<void> }

/** A farmer's spec that runs containers from one busybox tree in `dir` (the flist cache on a daemon), its home `dir`. */
async function containerFarmer (dir: string): Promise<FarmerSpec> {
  const tree = await makeBusyboxRootfs(join(dir, 'tree'), { owner: hostIdOf(0) })
  // the containers' mapped root reaches its root filesystem in dir/tree
  await chmod(dir, 0o711)
  const rootfs = { acquire: async () => ({ path: tree, config: { entrypoint: [], cmd: ['sh'], env: [], workingDir: '/', user: '' }, release: async () => {} }) }
  return { farm: 'gent', country: 'BE', total: resources(4, 8, 10), capabilities: ['container'], home: dir, rootfs: () => rootfs }
}

/** A container farmer and two twins connected to it. */
async function containerMesh (): Promise<Mesh> {
  const dir = await tempDir('containers')
  const farmer = await startMarketPeer({ farmer: await containerFarmer(dir) })
  const twin = await startMarketPeer({ bootstrap: farmer.node })
  const other = await startMarketPeer({ bootstrap: farmer.node })
  await waitFor('the twins to be connected', () => [twin, other].every(t => t.node.getConnections(farmer.node.peerId).length > 0))
  return {
    dir,
    farmer,
    twin,
    other,
    end: async () => {
      await Promise.all([other, twin, farmer].map(async p => p.node.stop()))
      await rm(dir, { recursive: true, force: true })
    }
  }
}

async function contractOf (twin: MarketPeer, farmer: MarketPeer, sru: number): Promise<string> {
  const { envelope } = await twin.contracts.client.quote(farmer.node.peerId, { cru: 1, mru: 64 * MiB, sru, hru: 0, ipv4u: 0 }, HOUR)
  return (await twin.contracts.client.propose(farmer.node.peerId, envelope)).id
}

const flist = CID.create(1, 0x55, await sha256.digest(new Uint8Array([1]))).bytes as Uint8Array<ArrayBuffer>

function containerData (args: string[], mounts: deploymentMessages.Mount[] = []): Uint8Array {
  return deploymentMessages.ContainerData.encode({ flist, entrypoint: [], args, env: [], workdir: '', cru: 1, mru: 64 * MiB, rootfsSize: 64 * MiB, mounts, restart: deploymentMessages.RestartPolicy.NEVER })
}

describe('containers over the mesh', { skip }, () => {
  it('a twin deploys a container on a farmer, reads and follows its logs; another twin gets none', async () => {
    const { farmer, twin, other, end } = await containerMesh()
    try {
      const contractId = await contractOf(twin, farmer, 64 * MiB)
      const web: Deployment['workloads'][number] = {
        name: 'web',
        type: 'container',
        version: 1,
        data: containerData(['sh', '-c', 'echo started; echo warn >&2; read line < /dev/stdin; while true; do sleep 0.2; echo tick; done'])
      }
      const client = clientOf(twin)
      await client.deploy(farmer.node.peerId, { contractId, twin: twin.node.peerId.toString(), name: 'app', version: 1, workloads: [web], signedAt: Date.now() })
      await waitFor('the container to run', async () => (await client.get(farmer.node.peerId, contractId)).workloads[0].state === 'ok')

      const logs = new LogsClient(twin.node)
      await waitFor('its first output', async () => (await text(logs.logs(farmer.node.peerId, contractId, 'web'))).includes('tick'))
      const kept = await text(logs.logs(farmer.node.peerId, contractId, 'web'))
      // two pipes: stdout and stderr keep their own order, not each other's
      assert.ok(kept.includes('stderr:warn\n'), kept)
      assert.match(kept.replace('stderr:warn\n', ''), /^stdout:started\n(stdout:tick\n)+$/)
      const tail = await text(logs.logs(farmer.node.peerId, contractId, 'web', { tailBytes: 5 }))
      assert.equal(tail, 'stdout:tick\n')

      // follow: new output arrives as it is written
      const stop = new AbortController()
      let ticks = 0
      for await (const chunk of logs.logs(farmer.node.peerId, contractId, 'web', { follow: true, tailBytes: 1, signal: AbortSignal.any([stop.signal, AbortSignal.timeout(20_000)]) })) {
        if (Buffer.from(chunk.data).toString().includes('tick')) ticks++
        if (ticks >= 4) break
      }
      stop.abort()
      assert.equal(ticks, 4)

      await assert.rejects(text(new LogsClient(other.node).logs(farmer.node.peerId, contractId, 'web')), { code: 'NOT_FOUND', message: /no such deployment/ })
      await assert.rejects(text(logs.logs(farmer.node.peerId, contractId, 'db')), { code: 'NOT_FOUND', message: /no container named "db"/ })

      await client.delete(farmer.node.peerId, contractId)
      await waitFor('the deployment to be gone', async () => client.get(farmer.node.peerId, contractId).then(() => false, (err: any) => err.code === 'NOT_FOUND'))
    } finally {
      await end()
    }
  })

  it('containers of half a core: a 1-core farmer books two and refuses a third; each runs with 50 ms of CPU per 100 ms', async () => {
    const dir = await tempDir('half-cores')
    const farmer = await startMarketPeer({ farmer: { ...await containerFarmer(dir), total: resources(1, 8, 10) } })
    const twin = await startMarketPeer({ bootstrap: farmer.node })
    const client = clientOf(twin)
    const half = { cru: 0.5, mru: 64 * MiB, sru: 64 * MiB, hru: 0, ipv4u: 0 }
    try {
      await waitFor('the twin to be connected', () => twin.node.getConnections(farmer.node.peerId).length > 0)
      for (const name of ['one', 'two']) {
        const { envelope } = await twin.contracts.client.quote(farmer.node.peerId, half, HOUR)
        const contractId = (await twin.contracts.client.propose(farmer.node.peerId, envelope)).id
        const data = deploymentMessages.ContainerData.encode({ flist, entrypoint: [], args: ['sh', '-c', 'sleep 600'], env: [], workdir: '', cru: 1, cpuMilli: 500, mru: 64 * MiB, rootfsSize: 64 * MiB, mounts: [], restart: deploymentMessages.RestartPolicy.NEVER })
        await client.deploy(farmer.node.peerId, { contractId, twin: twin.node.peerId.toString(), name, version: 1, workloads: [{ name: 'web', type: 'container', version: 1, data }], signedAt: Date.now() })
        await waitFor(`container ${name} to run`, async () => (await client.get(farmer.node.peerId, contractId)).workloads[0].state === 'ok')
        // what runc wrote into the container's cgroup (v1): the CFS quota per period
        const cgroup = `/sys/fs/cgroup/cpu/p2pcloud/p2pcloud-${contractId.slice(0, 24)}-web`
        assert.equal((await readFile(join(cgroup, 'cpu.cfs_quota_us'), 'utf8')).trim(), '50000')
        assert.equal((await readFile(join(cgroup, 'cpu.cfs_period_us'), 'utf8')).trim(), '100000')
      }
      assert.equal(farmer.market.account?.free().cru, 0, 'two halves book the one core')
      await assert.rejects(twin.contracts.client.quote(farmer.node.peerId, half, HOUR), (err: any) => {
        assert.match(err.message, /cru=0.5, free cru=0/)
        return true
      })
    } finally {
      await Promise.all([twin, farmer].map(async p => p.node.stop()))
      await rm(dir, { recursive: true, force: true })
    }
  })

  it('a container listed before its volume, also after a farmer restart, mounts the loop-mounted image: writes past the volume\'s size get ENOSPC', async () => {
    const dir = await tempDir('containers-restart')
    const peers = await restartableFarmer(dir, await containerFarmer(dir))
    const { twin } = peers
    const farmer = (): MarketPeer => peers.farmer
    try {
      const contractId = await contractOf(twin, farmer(), 128 * MiB)
      const client = clientOf(twin)
      // the twin signs what it likes: the container first, then the 4 MiB volume it mounts
      const workloads: Deployment['workloads'] = [
        { name: 'writer', type: 'container', version: 1, data: containerData(['sh', '-c', 'rm -f /data/big; dd if=/dev/zero of=/data/big bs=1M count=8; echo "dd exit $?"; exec sleep 1000'], [{ volume: 'data', path: '/data', readOnly: false }]) },
        { name: 'data', type: 'volume', version: 1, data: deploymentMessages.VolumeData.encode({ size: 4 * MiB }) }
      ]
      await client.deploy(farmer().node.peerId, { contractId, twin: twin.node.peerId.toString(), name: 'app', version: 1, workloads, signedAt: Date.now() })
      const logs = new LogsClient(twin.node)
      const output = async (): Promise<string> => text(logs.logs(farmer().node.peerId, contractId, 'writer'))
      const states = async (): Promise<string[][]> => (await client.get(farmer().node.peerId, contractId)).workloads.map(w => [w.name, w.state])
      await waitFor('both to be applied', async () => (await states()).every(([, state]) => state !== 'init'))
      assert.deepEqual(await states(), [['writer', 'ok'], ['data', 'ok']])
      await waitFor('the first run to write', async () => (await output()).includes('dd exit'), 20_000, 250)
      assert.match(await output(), /No space left on device/)
      assert.match(await output(), /stdout:dd exit 1\n/)

      // stopping unmounted the volume and left its directory; the container comes first again
      await peers.restart()
      await waitFor('the second run to write', async () => (await output()).match(/dd exit/g)?.length === 2, 20_000, 250)
      // stdout and stderr are two pipes: count, do not order
      const both = await output()
      assert.equal(both.match(/stdout:dd exit 1\n/g)?.length, 2, both)
      assert.equal(both.match(/No space left on device/g)?.length, 2, both)
      assert.ok(await isMounted(join(dir, 'volumes', contractId, 'data')))
      await client.delete(farmer().node.peerId, contractId)
      await waitFor('the deployment to be gone', async () => client.get(farmer().node.peerId, contractId).then(() => false, (err: any) => err.code === 'NOT_FOUND'))
    } finally {
      await peers.stop()
      await rm(dir, { recursive: true, force: true })
    }
  })

  it('a mount that is not a volume of the deployment is refused by the farmer, naming it; no container starts', async () => {
    const { dir, farmer, twin, end } = await containerMesh()
    try {
      const contractId = await contractOf(twin, farmer, 128 * MiB)
      const client = clientOf(twin)
      const data: Deployment['workloads'][number] = { name: 'data', type: 'volume', version: 1, data: deploymentMessages.VolumeData.encode({ size: MiB }) }
      const deploy = async (volume: string, path = '/host'): Promise<unknown> => client.deploy(farmer.node.peerId, {
        contractId,
        twin: twin.node.peerId.toString(),
        name: 'app',
        version: 1,
        // signed by the twin itself: no client-side check stands between it and the farmer
        workloads: [data, { name: 'escape', type: 'container', version: 1, data: containerData(['sh', '-c', 'ls /host; exec sleep 1000'], [{ volume, path, readOnly: false }]) }],
        signedAt: Date.now()
      })
      // on the volumes directory, ../../../../.. is the host's /
      await assert.rejects(deploy('../../../../..'), { code: 'BAD_REQUEST', message: /BAD_REQUEST: container "escape": the mount at \/host names volume "\.\.\/\.\.\/\.\.\/\.\.\/\.\.", which is not a workload name/ })
      await assert.rejects(deploy('logs'), { code: 'BAD_REQUEST', message: /BAD_REQUEST: container "escape": the mount at \/host names "logs", which is not a volume of this deployment \(its volumes: data\)$/ })
      await assert.rejects(deploy('escape'), { code: 'BAD_REQUEST', message: /the mount at \/host names "escape", which is not a volume of this deployment/ })
      // "//" is the container's /; the others are another spelling of a path
      for (const path of ['//', '/.', '/data/', '//data', '/a/./b', '/a//b', '/a/../b', 'data', '/']) {
        await assert.rejects(deploy('data', path), (err: any) => err.code === 'BAD_REQUEST' && err.message.endsWith(`BAD_REQUEST: container "escape": mount path ${JSON.stringify(path)} must be absolute and normal (no empty, "." or ".." component, no trailing /), and not /`), path)
      }
      await assert.rejects(client.get(farmer.node.peerId, contractId), { code: 'NOT_FOUND' }, 'the farmer holds no deployment')
      assert.deepEqual(await readdir(join(dir, 'containers')).catch(() => []), [], 'no container was prepared')
      assert.equal((await readFile('/proc/self/mounts', 'utf8')).includes(dir), false, 'nothing is mounted')
    } finally {
      await end()
    }
  })
})
