import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { randomBytes, randomInt } from 'node:crypto'
import { access, chmod, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { generateKeyPair } from '@libp2p/crypto/keys'
import type { PeerId, PrivateKey } from '@libp2p/interface'
import { MemoryDatastore } from 'datastore-core'
import { CID } from 'multiformats/cid'
import { sha256 } from 'multiformats/hashes/sha2'
import { DeploymentClient, type Deployment, type WorkloadStatusView } from '@p2pcloud/farmer'
import { decodeNetworkResult, networkHostId, networkKind, type NetworkMemberSpec, type NetworkResultView } from '@p2pcloud/network'
import { defaultConfig } from '@p2pcloud/node'
import { hostIdOf, makeBusyboxRootfs, runcUnavailable, type ContainerDriver } from '@p2pcloud/runtime'
import { tempDir, waitFor } from '@p2pcloud/test-utils'
import { deploymentMessages } from '@p2pcloud/wire'
import { startPeer, type DaemonLibp2p } from '../src/index.js'

const MiB = 2 ** 20
const HOUR = 3_600_000
const skip = await runcUnavailable() ?? await networkKind.missing?.()
const flist = CID.create(1, 0x55, await sha256.digest(new Uint8Array([1]))).bytes as Uint8Array<ArrayBuffer>
/** Short enough for a test to see every decision; the defaults are in minutes. */
const network = { tickMs: 300, timings: { directTimeoutMs: 1500, retryDirectMs: 60_000, keepaliveSeconds: 1 } }
/** Each container serves a page naming it on :8080 of its own address. */
const serve = (name: string): string[] => ['sh', '-c', `mkdir -p /tmp/www && echo hello-${name} > /tmp/www/index.html && exec httpd -f -p 8080 -h /tmp/www`]

type Workload = Deployment['workloads'][number]

function container (name: string, version: number, net = '', ip = ''): Workload {
  return {
    name,
    type: 'container',
    version,
    data: deploymentMessages.ContainerData.encode({
      flist, entrypoint: [], args: serve(name), env: [], workdir: '', cru: 1, mru: 64 * MiB, rootfsSize: 64 * MiB, mounts: [],
      restart: deploymentMessages.RestartPolicy.NEVER, network: net, ip
    })
  }
}

function networkWorkload (name: string, version: number, networkId: string, range: string, subnet: number, members: NetworkMemberSpec[]): Workload {
  return { name, type: 'network', version, data: networkKind.encode({ name, type: 'network', networkId, range, subnet, members }) }
}

interface Farmer {
  node: DaemonLibp2p
  home: string
  port: number
  key: PrivateKey
  datastore: MemoryDatastore
}

describe('private networks on farmers: containers reach each other over WireGuard, directly or relayed, and nothing else', { skip }, () => {
  let dir: string
  let tree: string
  const farmers: Farmer[] = []
  const twins: Array<{ node: DaemonLibp2p, client: DeploymentClient }> = []
  const contracts: Array<{ twin: number, farmer: number, id: string }> = []
  const hostIds: string[] = []

  const startFarmer = async (farmer: Omit<Farmer, 'node'>): Promise<DaemonLibp2p> => {
    const rootfs = { acquire: async () => ({ path: tree, config: { entrypoint: [], cmd: ['sh'], env: [], workingDir: '/', user: '' }, release: async () => {} }) }
    return startPeer({
      home: farmer.home,
      privateKey: farmer.key,
      datastore: farmer.datastore,
      config: {
        listen: ['/ip4/127.0.0.1/tcp/0'],
        mdns: { ...defaultConfig().mdns, enabled: false },
        farmer: {
          enabled: true, farm: 'gent', country: 'BE', capacity: { cru: 32, mru: '16G', sru: '10G', hru: '0' }, capabilities: ['container', 'network'],
          network: { ports: { first: farmer.port, last: farmer.port + 3 } }
        }
      },
      tuning: { rootfs: () => rootfs, network }
    })
  }

  before(async () => {
    dir = await tempDir('networks')
    tree = await makeBusyboxRootfs(join(dir, 'tree'), { owner: hostIdOf(0) })
    // the containers' mapped root reaches its root filesystem under dir
    await chmod(dir, 0o711)
    for (const name of ['a', 'b']) {
      const farmer = { home: join(dir, name), port: randomInt(40_000, 50_000), key: await generateKeyPair('Ed25519'), datastore: new MemoryDatastore() }
      farmers.push({ ...farmer, node: await startFarmer(farmer) })
    }
    await farmers[1].node.dial(farmers[0].node.getMultiaddrs()[0])
    for (let i = 0; i < 2; i++) {
      const key = await generateKeyPair('Ed25519')
      const node = await startPeer({ home: join(dir, `twin${i}`), privateKey: key, config: { listen: ['/ip4/127.0.0.1/tcp/0'], mdns: { ...defaultConfig().mdns, enabled: false } } })
      for (const farmer of farmers) await node.dial(farmer.node.getMultiaddrs()[0])
      twins.push({ node, client: new DeploymentClient(node, key) })
    }
  })

  after(async () => {
    for (const { twin, farmer, id } of contracts) await twins[twin].client.delete(farmers[farmer].node.peerId, id).catch(() => {})
    for (const { twin, farmer, id } of contracts) {
      await waitFor('the deployment to be removed', async () => twins[twin].client.get(farmers[farmer].node.peerId, id).then(() => false, () => true), 30_000, 200).catch(() => {})
    }
    for (const peer of [...twins.map(t => t.node), ...farmers.map(f => f.node)]) await peer.stop()
    // whatever a failed test left: the networks' namespaces (their devices go with them)
    for (const id of hostIds) execFileSync('sh', ['-c', `ip netns del p2pn-${id} 2>/dev/null; true`])
    await rm(dir, { recursive: true, force: true })
  })

  const deploy = async (twin: number, farmer: number, id: string, version: number, workloads: Workload[]): Promise<void> => {
    await twins[twin].client.deploy(farmers[farmer].node.peerId, { contractId: id, twin: twins[twin].node.peerId.toString(), name: 'app', version, workloads, signedAt: Date.now() })
  }
  const contract = async (twin: number, farmer: number): Promise<string> => {
    const { envelope } = await twins[twin].node.services.contracts.client.quote(farmers[farmer].node.peerId, { cru: 3, mru: 256 * MiB, sru: 256 * MiB, hru: 0, ipv4u: 0 }, HOUR)
    const { id } = await twins[twin].node.services.contracts.client.propose(farmers[farmer].node.peerId, envelope)
    contracts.push({ twin, farmer, id })
    return id
  }
  const status = async (twin: number, farmer: number, id: string, name: string): Promise<WorkloadStatusView | undefined> =>
    (await twins[twin].client.get(farmers[farmer].node.peerId, id)).workloads.find(w => w.name === name)
  const settled = async (twin: number, farmer: number, id: string, name: string): Promise<WorkloadStatusView> => {
    await waitFor(`${name} to be applied`, async () => !['init', undefined].includes((await status(twin, farmer, id, name))?.state), 30_000, 100)
    return await status(twin, farmer, id, name) as WorkloadStatusView
  }
  const result = async (twin: number, farmer: number, id: string, name: string): Promise<NetworkResultView> => {
    const workload = await settled(twin, farmer, id, name)
    assert.equal(workload.state, 'ok', workload.message)
    return decodeNetworkResult(workload.result ?? new Uint8Array())
  }
  /** Wait until workload `name` is applied and check that it runs. */
  const running = async (twin: number, farmer: number, id: string, name: string): Promise<void> => {
    const workload = await settled(twin, farmer, id, name)
    assert.equal(workload.state, 'ok', workload.message)
  }
  const exec = async (farmer: number, id: string, name: string, argv: string[]): Promise<{ code: number, stdout: string, stderr: string }> =>
    (farmers[farmer].node.services.farmer?.drivers.get('container') as ContainerDriver).exec(id, name, argv)
  /** An HTTP GET from inside a container with busybox nc (busybox wget crashes in these containers). */
  const fetchPage = async (farmer: number, id: string, name: string, address: string): Promise<string> =>
    (await exec(farmer, id, name, ['sh', '-c', `printf 'GET / HTTP/1.0\\r\\n\\r\\n' | nc -w 2 ${address} 8080`])).stdout
  const pathTo = async (twin: number, farmer: number, id: string, name: string, peer: PeerId): Promise<string | undefined> =>
    (await result(twin, farmer, id, name)).paths.find(p => p.peerId === peer.toString())?.path

  const range = '10.77.0.0/16'
  const networkId = randomBytes(16).toString('hex')
  let onA: string
  let onB: string
  let keyA: string
  /** A's containers as deployed in version 2, unchanged by later versions. */
  let containersOnA: Workload[]

  it('each farmer makes its own key; its containers reach the other farmer\'s by overlay address, directly; one without a network has loopback only', async () => {
    onA = await contract(0, 0)
    onB = await contract(0, 1)
    const twin = twins[0].node.peerId.toString()
    hostIds.push(networkHostId(farmers[0].node.peerId.toString(), twin, networkId), networkHostId(farmers[1].node.peerId.toString(), twin, networkId))
    await deploy(0, 0, onA, 1, [networkWorkload('net', 1, networkId, range, 1, [])])
    await deploy(0, 1, onB, 1, [networkWorkload('net', 1, networkId, range, 2, [])])
    const [a, b] = [await result(0, 0, onA, 'net'), await result(0, 1, onB, 'net')]
    keyA = a.publicKey
    assert.notEqual(a.publicKey, b.publicKey)
    // the farmers listen on loopback only, which is no endpoint for another host
    assert.deepEqual(a.endpoints, [])
    // the twin lists each to the other (here, where both share the host, at its loopback port)
    const member = (farmer: number, key: string, subnet: number): NetworkMemberSpec =>
      ({ peerId: farmers[farmer].node.peerId.toString(), publicKey: key, subnet, endpoints: [`127.0.0.1:${farmers[farmer].port}`] })
    containersOnA = [container('web', 2, 'net', '10.77.1.2'), container('dup', 2, 'net', '10.77.1.2'), container('plain', 2)]
    await deploy(0, 0, onA, 2, [networkWorkload('net', 2, networkId, range, 1, [member(1, b.publicKey, 2)]), ...containersOnA])
    await deploy(0, 1, onB, 2, [networkWorkload('net', 2, networkId, range, 2, [member(0, a.publicKey, 1)]), container('web', 2, 'net', '10.77.2.2')])
    await running(0, 0, onA, 'web')
    const dup = await settled(0, 0, onA, 'dup')
    assert.equal(dup.state, 'error')
    assert.match(dup.message, /ip 10\.77\.1\.2 is taken by container "web"/)
    await running(0, 0, onA, 'plain')
    await running(0, 1, onB, 'web')

    await waitFor('B\'s container to reach A\'s', async () => (await fetchPage(1, onB, 'web', '10.77.1.2')).includes('hello-web'), 20_000, 250)
    assert.match(await fetchPage(0, onA, 'web', '10.77.2.2'), /hello-web/)
    await waitFor('A to report a direct path to B', async () => await pathTo(0, 0, onA, 'net', farmers[1].node.peerId) === 'direct', 10_000, 250)

    const interfaces = async (name: string): Promise<string[]> => {
      const { code, stdout, stderr } = await exec(0, onA, name, ['cat', '/proc/net/dev'])
      assert.equal(code, 0, stderr)
      return stdout.split('\n').slice(2).map(line => line.split(':')[0].trim()).filter(Boolean).sort()
    }
    assert.deepEqual(await interfaces('plain'), ['lo'])
    assert.deepEqual(await interfaces('web'), ['eth0', 'lo'])
  })

  it('members whose endpoints do not answer reach each other over the relay', async () => {
    const far = randomBytes(16).toString('hex')
    hostIds.push(...farmers.map(f => networkHostId(f.node.peerId.toString(), twins[0].node.peerId.toString(), far)))
    const farRange = '10.78.0.0/16'
    const onA2 = await contract(0, 0)
    const onB2 = await contract(0, 1)
    await deploy(0, 0, onA2, 1, [networkWorkload('far', 1, far, farRange, 1, [])])
    await deploy(0, 1, onB2, 1, [networkWorkload('far', 1, far, farRange, 2, [])])
    const [a, b] = [await result(0, 0, onA2, 'far'), await result(0, 1, onB2, 'far')]
    // UDP port 9 (discard): nothing answers there
    const dead = (farmer: number, key: string, subnet: number): NetworkMemberSpec => ({ peerId: farmers[farmer].node.peerId.toString(), publicKey: key, subnet, endpoints: ['127.0.0.1:9'] })
    await deploy(0, 0, onA2, 2, [networkWorkload('far', 2, far, farRange, 1, [dead(1, b.publicKey, 2)]), container('web', 2, 'far', '10.78.1.9')])
    await deploy(0, 1, onB2, 2, [networkWorkload('far', 2, far, farRange, 2, [dead(0, a.publicKey, 1)]), container('web', 2, 'far', '10.78.2.9')])
    await running(0, 0, onA2, 'web')
    await running(0, 1, onB2, 'web')
    await waitFor('A\'s container to reach B\'s over the relay', async () => (await fetchPage(0, onA2, 'web', '10.78.2.9')).includes('hello-web'), 30_000, 250)
    await waitFor('A to report B relayed', async () => await pathTo(0, 0, onA2, 'far', farmers[1].node.peerId) === 'relayed', 5000, 100)
    await waitFor('B to report A relayed', async () => await pathTo(0, 1, onB2, 'far', farmers[0].node.peerId) === 'relayed', 5000, 100)
  })

  it('another twin\'s network with the same network_id is another network: its container, even at the same address, reaches nothing of the first', async () => {
    hostIds.push(networkHostId(farmers[0].node.peerId.toString(), twins[1].node.peerId.toString(), networkId))
    const other = await contract(1, 0)
    await deploy(1, 0, other, 1, [networkWorkload('net', 1, networkId, range, 1, []), container('intruder', 1, 'net', '10.77.1.2')])
    assert.notEqual((await result(1, 0, other, 'net')).publicKey, keyA)
    await running(1, 0, other, 'intruder')
    assert.doesNotMatch(await fetchPage(0, other, 'intruder', '10.77.2.2'), /hello/)
    // the first twin's pair still works
    assert.match(await fetchPage(0, onA, 'web', '10.77.2.2'), /hello-web/)
  })

  it('refuses a container whose network is not a network workload of its deployment, or whose ip is not of the farmer\'s /24 (check 15d)', async () => {
    const id = await contract(0, 0)
    const net = networkWorkload('net', 1, networkId, range, 1, [])
    const volume: Workload = { name: 'vol', type: 'volume', version: 1, data: deploymentMessages.VolumeData.encode({ size: MiB }) }
    await assert.rejects(deploy(0, 0, id, 1, [net, container('c', 1, 'nope', '10.77.1.5')]), { code: 'BAD_REQUEST', remoteMessage: 'container "c": network "nope" is not a network workload of this deployment' })
    await assert.rejects(deploy(0, 0, id, 1, [net, volume, container('c', 1, 'vol', '10.77.1.5')]), { code: 'BAD_REQUEST', remoteMessage: 'container "c": network "vol" is not a network workload of this deployment' })
    await assert.rejects(deploy(0, 0, id, 1, [net, container('c', 1, 'net', '10.77.2.5')]), { code: 'BAD_REQUEST', remoteMessage: 'container "c": ip "10.77.2.5" is not a workload address of 10.77.1.0/24' })
    await assert.rejects(deploy(0, 0, id, 1, [net, container('c', 1, 'net', '10.77.1.1')]), { code: 'BAD_REQUEST', remoteMessage: 'container "c": ip "10.77.1.1" is not a workload address of 10.77.1.0/24' })
    await assert.rejects(deploy(0, 0, id, 1, [net, container('c', 1, 'net', '10.77.1.256')]), { code: 'BAD_REQUEST', remoteMessage: 'container "c": ip "10.77.1.256" is not a dotted IPv4 address' })
    await assert.rejects(deploy(0, 0, id, 1, [net, container('c', 1, '', '10.77.1.5')]), { code: 'BAD_REQUEST', remoteMessage: 'container "c": ip 10.77.1.5 is given without a network' })
    await assert.rejects(deploy(0, 0, id, 1, [net, container('c', 1, '../net', '10.77.1.5')]), { code: 'BAD_REQUEST', remoteMessage: /container "c": network "\.\.\/net" is not a workload name/ })
  })

  it('a farmer restart keeps the network\'s key and brings its containers back into it', async () => {
    const a = farmers[0]
    await a.node.stop()
    a.node = await startFarmer(a)
    for (const peer of [farmers[1].node, ...twins.map(t => t.node)]) await peer.dial(a.node.getMultiaddrs()[0])
    assert.equal((await result(0, 0, onA, 'net')).publicKey, keyA)
    await waitFor('A\'s container to be back', async () => (await status(0, 0, onA, 'web'))?.state === 'ok', 30_000, 200)
    await waitFor('B\'s container to reach A\'s again', async () => (await fetchPage(1, onB, 'web', '10.77.1.2')).includes('hello-web'), 30_000, 250)
  })

  it('a member the twin takes off a farmer\'s list loses access to it, and the containers keep running', async () => {
    await deploy(0, 0, onA, 3, [networkWorkload('net', 3, networkId, range, 1, []), ...containersOnA])
    await waitFor('A to list no member', async () => (await result(0, 0, onA, 'net')).paths.length === 0, 10_000, 100)
    await waitFor('B\'s container to lose A\'s', async () => !(await fetchPage(1, onB, 'web', '10.77.1.2')).includes('hello-web'), 20_000, 250)
    assert.equal((await status(0, 0, onA, 'web'))?.state, 'ok')
  })

  it('removing a network\'s last workload takes its namespace and key off the farmer', async () => {
    const id = networkHostId(farmers[0].node.peerId.toString(), twins[0].node.peerId.toString(), networkId)
    const netns = (): string => execFileSync('ip', ['netns', 'list']).toString()
    assert.match(netns(), new RegExp(`p2pn-${id}`))
    await twins[0].client.delete(farmers[0].node.peerId, onA)
    await waitFor('the deployment to be removed', async () => twins[0].client.get(farmers[0].node.peerId, onA).then(() => false, () => true), 30_000, 200)
    assert.doesNotMatch(netns(), new RegExp(`p2pn-${id}`))
    await assert.rejects(access(join(farmers[0].home, 'networks', id)), { code: 'ENOENT' })
  })
})
