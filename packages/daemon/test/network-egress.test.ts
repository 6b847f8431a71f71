import assert from 'node:assert/strict'
import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { chmod, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { generateKeyPair } from '@libp2p/crypto/keys'
import type { PrivateKey } from '@libp2p/interface'
import { MemoryDatastore } from 'datastore-core'
import { CID } from 'multiformats/cid'
import { sha256 } from 'multiformats/hashes/sha2'
import { DeploymentClient, type Deployment } from '@p2pcloud/farmer'
import { egressMissing, networkHostId, networkKind } from '@p2pcloud/network'
import { defaultConfig } from '@p2pcloud/node'
import { hostIdOf, makeBusyboxRootfs, runcUnavailable, type ContainerDriver } from '@p2pcloud/runtime'
import { createTestInternet, tempDir, waitFor, type TestInternet } from '@p2pcloud/test-utils'
import { deploymentMessages } from '@p2pcloud/wire'
import { startPeer, type DaemonLibp2p } from '../src/index.js'

const MiB = 2 ** 20
const skip = await runcUnavailable() ?? await networkKind.missing?.() ?? await egressMissing()
const flist = CID.create(1, 0x55, await sha256.digest(new Uint8Array([1]))).bytes as Uint8Array<ArrayBuffer>

type Workload = Deployment['workloads'][number]

const container = (name: string, net: string, ip: string): Workload => ({
  name,
  type: 'container',
  version: 1,
  data: deploymentMessages.ContainerData.encode({
    flist, entrypoint: [], args: ['sleep', '3600'], env: [], workdir: '', cru: 1, mru: 64 * MiB, rootfsSize: 64 * MiB, mounts: [],
    restart: deploymentMessages.RestartPolicy.NEVER, network: net, ip
  })
})
const networkWorkload = (networkId: string, range: string): Workload =>
  ({ name: 'net', type: 'network', version: 1, data: networkKind.encode({ name: 'net', type: 'network', networkId, range, subnet: 1, members: [] }) })

/** The farmer site's iptables rules that name an egress link (`p2pe-…`) or its /30 of 100.64.0.0/10. */
const egressRules = (netns: string): string[] => ['filter', 'nat']
  .flatMap(table => execFileSync('ip', ['netns', 'exec', netns, 'iptables', '-w', '-t', table, '-S'], { encoding: 'utf8' }).split('\n'))
  .filter(rule => rule.includes('p2pe-') || rule.includes('100.64.'))

describe('egress: a farmer with farmer.network.egress takes its networks\' containers out through NAT', { skip }, () => {
  let dir: string
  let tree: string
  let internet: TestInternet
  let server: ChildProcess
  let farmer: DaemonLibp2p
  let twin: DaemonLibp2p
  let client: DeploymentClient
  let key: PrivateKey
  const datastore = new MemoryDatastore()
  const contracts: string[] = []
  const hostIds: string[] = []

  const startFarmer = async (egress = true): Promise<DaemonLibp2p> => {
    const rootfs = { acquire: async () => ({ path: tree, config: { entrypoint: [], cmd: ['sh'], env: [], workingDir: '/', user: '' }, release: async () => {} }) }
    return await startPeer({
      home: join(dir, 'farmer'),
      privateKey: key,
      datastore,
      config: {
        listen: ['/ip4/127.0.0.1/tcp/0'],
        mdns: { ...defaultConfig().mdns, enabled: false },
        farmer: {
          enabled: true, farm: 'gent', country: 'BE', capacity: { cru: 32, mru: '16G', sru: '10G', hru: '0' }, capabilities: ['container', 'network'],
          network: { ports: { first: 47000, last: 47010 }, egress }
        }
      },
      // the farmer's networks live in the test site: their WireGuard sockets and egress links too
      tuning: { rootfs: () => rootfs, network: { hostNetns: internet.site('farmer').netns } }
    })
  }

  before(async () => {
    dir = await tempDir('network-egress')
    tree = await makeBusyboxRootfs(join(dir, 'tree'), { owner: hostIdOf(0) })
    await chmod(dir, 0o711)
    internet = await createTestInternet([{ name: 'farmer' }, { name: 'outside' }])
    const code = "require('net').createServer(s => s.end(s.remoteAddress + '\\n')).listen(7000, '0.0.0.0', () => console.log('ready'))"
    server = spawn('ip', ['netns', 'exec', internet.site('outside').netns, process.execPath, '-e', code], { stdio: ['ignore', 'pipe', 'inherit'] })
    await new Promise(resolve => server.stdout?.once('data', resolve))
    key = await generateKeyPair('Ed25519')
    farmer = await startFarmer()
    const twinKey = await generateKeyPair('Ed25519')
    twin = await startPeer({ home: join(dir, 'twin'), privateKey: twinKey, config: { listen: ['/ip4/127.0.0.1/tcp/0'], mdns: { ...defaultConfig().mdns, enabled: false } } })
    await twin.dial(farmer.getMultiaddrs()[0])
    client = new DeploymentClient(twin, twinKey)
  })

  after(async () => {
    for (const id of contracts) await client?.delete(farmer.peerId, id).catch(() => {})
    for (const id of contracts) await waitFor('the deployment to be removed', async () => await client.get(farmer.peerId, id).then(() => false, () => true), 30_000, 200).catch(() => {})
    await twin?.stop()
    await farmer?.stop()
    server?.kill()
    for (const id of hostIds) execFileSync('sh', ['-c', `ip netns del p2pn-${id} 2>/dev/null; true`])
    await internet?.destroy()
    await rm(dir, { recursive: true, force: true })
  })

  const deploy = async (range: string): Promise<string> => {
    const { envelope } = await twin.services.contracts.client.quote(farmer.peerId, { cru: 1, mru: 128 * MiB, sru: 128 * MiB, hru: 0, ipv4u: 0 }, 3_600_000)
    const { id } = await twin.services.contracts.client.propose(farmer.peerId, envelope)
    contracts.push(id)
    const networkId = randomBytes(16).toString('hex')
    hostIds.push(networkHostId(farmer.peerId.toString(), twin.peerId.toString(), networkId))
    const ip = range.replace(/0\.0\/16$/, '1.2')
    await client.deploy(farmer.peerId, { contractId: id, twin: twin.peerId.toString(), name: 'app', version: 1, workloads: [networkWorkload(networkId, range), container('c', 'net', ip)], signedAt: Date.now() })
    await waitFor('the container to run', async () => (await client.get(farmer.peerId, id)).workloads.find(w => w.name === 'c')?.state === 'ok', 30_000, 200)
    return id
  }
  /** What the outside server answers container `c` of contract `id`: the address it sees it from. */
  const askOutside = async (id: string): Promise<string> => {
    const driver = farmer.services.farmer?.drivers.get('container') as ContainerDriver
    return (await driver.exec(id, 'c', ['sh', '-c', `nc -w 2 ${internet.site('outside').address} 7000 </dev/null`])).stdout.trim()
  }

  it('containers of two networks reach the outside, seen from the farmer\'s address; a restart adds no rule twice; removal takes the link\'s rules away', async () => {
    const site = internet.site('farmer')
    const first = await deploy('10.91.0.0/16')
    const second = await deploy('10.91.0.0/16')
    assert.equal(await askOutside(first), site.address)
    assert.equal(await askOutside(second), site.address)
    const rules = egressRules(site.netns)
    assert.equal(rules.length, 12, rules.join('\n'))

    await farmer.stop()
    farmer = await startFarmer()
    await twin.dial(farmer.getMultiaddrs()[0])
    await waitFor('the container to be back', async () => (await client.get(farmer.peerId, first)).workloads.find(w => w.name === 'c')?.state === 'ok', 30_000, 200)
    assert.deepEqual(egressRules(site.netns).sort(), [...rules].sort())
    await waitFor('the container to reach out again', async () => await askOutside(first) === site.address, 20_000, 250)

    await client.delete(farmer.peerId, first)
    await waitFor('the deployment to be removed', async () => await client.get(farmer.peerId, first).then(() => false, () => true), 30_000, 200)
    assert.equal(egressRules(site.netns).length, 6)
    assert.equal(await askOutside(second), site.address)
  })

  it('a farmer that turns egress off takes its networks\' links and rules away at its next start', async () => {
    const site = internet.site('farmer')
    const [, second] = contracts
    await farmer.stop()
    farmer = await startFarmer(false)
    await twin.dial(farmer.getMultiaddrs()[0])
    await waitFor('the container to be back', async () => (await client.get(farmer.peerId, second)).workloads.find(w => w.name === 'c')?.state === 'ok', 30_000, 200)
    assert.deepEqual(egressRules(site.netns), [])
    assert.equal(execFileSync('ip', ['-n', site.netns, '-o', 'link', 'show'], { encoding: 'utf8' }).includes('p2pe-'), false)
    assert.equal(await askOutside(second), '')
  })
})
