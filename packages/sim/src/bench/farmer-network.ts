import { execFileSync } from 'node:child_process'
import { randomBytes, randomInt } from 'node:crypto'
import { chmod, mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { startPeer, type DaemonLibp2p } from '@p2pcloud/daemon'
import { DeploymentClient, type Deployment, type WorkloadStatusView } from '@p2pcloud/farmer'
import { decodeNetworkResult, networkHostId, networkKind, type NetworkMemberSpec } from '@p2pcloud/network'
import { defaultConfig } from '@p2pcloud/node'
import { hostIdOf, makeBusyboxRootfs, runcUnavailable, type ContainerDriver } from '@p2pcloud/runtime'
import { waitFor, type TestSite } from '@p2pcloud/test-utils'
import { deploymentMessages } from '@p2pcloud/wire'
import { CID } from 'multiformats/cid'
import { sha256 } from 'multiformats/hashes/sha2'

const MiB = 2 ** 20
const HOUR = 3_600_000
/** The driver is handed the busybox tree directly (no flist fetch), so no real flist is named. */
const FLIST = CID.create(1, 0x55, await sha256.digest(new Uint8Array([1]))).bytes as Uint8Array<ArrayBuffer>
export const RANGE = '10.71.0.0/16'
/** The server container on farmer A: a page on :8080 and a byte counter on :9000 (one `nc -l` per connection, its count printed). */
export const SERVER_ADDRESS = '10.71.1.2'
export const SERVER_PAGE = 'hello-from-a'
const SERVER = `mkdir -p /tmp/www && echo ${SERVER_PAGE} > /tmp/www/index.html && httpd -p 8080 -h /tmp/www && mkfifo /tmp/hold && (sleep 100000 > /tmp/hold &) && while true; do nc -l -p 9000 < /tmp/hold | wc -c; done`

type Workload = Deployment['workloads'][number]

/** A busybox container running `sh -c script`, on `network` if given. */
export function containerWorkload (name: string, version: number, script: string, network = '', ip = ''): Workload {
  return {
    name,
    type: 'container',
    version,
    data: deploymentMessages.ContainerData.encode({
      flist: FLIST, entrypoint: [], args: ['sh', '-c', script], env: [], workdir: '', cru: 1, mru: 64 * MiB, rootfsSize: 64 * MiB, mounts: [],
      restart: deploymentMessages.RestartPolicy.NEVER, network, ip
    })
  }
}

/**
 * Two in-process farmers (startPeer: the daemon's own assembly, real runc and wireguard-go) and a
 * twin that deploys to them with the deployment protocol. Their libp2p shares this host's
 * loopback; their WireGuard sockets live in two sites of a test internet (`hostNetns`), and the
 * twin lists each member to the other at its site's address and WireGuard port, so the pair's
 * path is direct WireGuard UDP across the sites (not the libp2p relay). Farmer A runs the server container on
 * network `net` at SERVER_ADDRESS; farmer B is a member of `net` with no container yet.
 */
export class FarmerPair {
  private version = 2

  private constructor (
    readonly dir: string,
    readonly farmers: DaemonLibp2p[],
    private readonly twin: DaemonLibp2p,
    private readonly client: DeploymentClient,
    /** The contract on each farmer. */
    readonly contracts: string[],
    /** B's network workload, the same in every version B is given. */
    private readonly networkOnB: Workload,
    private readonly hostIds: string[]
  ) {}

  static async start (sites: [TestSite, TestSite]): Promise<FarmerPair> {
    const missing = await runcUnavailable() ?? await networkKind.missing?.()
    if (missing !== undefined) throw new Error(`cannot run here: ${missing}`)
    const dir = await mkdtemp(join(tmpdir(), 'p2pcloud-bench-net-'))
    const peers: DaemonLibp2p[] = []
    let hostIds: string[] = []
    try {
      const tree = await makeBusyboxRootfs(join(dir, 'tree'), { owner: hostIdOf(0) })
      // the containers' mapped root reaches its root filesystem under dir
      await chmod(dir, 0o711)
      const rootfs = { acquire: async () => ({ path: tree, config: { entrypoint: [], cmd: ['sh'], env: [], workingDir: '/', user: '' }, release: async () => {} }) }
      const ports: number[] = []
      for (const [i, name] of ['a', 'b'].entries()) {
        const port = randomInt(40_000, 50_000)
        ports.push(port)
        peers.push(await startPeer({
          home: join(dir, name),
          config: {
            listen: ['/ip4/127.0.0.1/tcp/0'],
            mdns: { ...defaultConfig().mdns, enabled: false },
            farmer: {
              enabled: true, farm: 'bench', country: 'BE', capacity: { cru: 8, mru: '4G', sru: '4G', hru: '0' }, capabilities: ['container', 'network'],
              network: { ports: { first: port, last: port + 3 } }
            }
          },
          tuning: { rootfs: () => rootfs, network: { hostNetns: sites[i].netns } }
        }))
      }
      const farmers = peers.slice()
      await farmers[1].dial(farmers[0].getMultiaddrs()[0])
      const key = await generateKeyPair('Ed25519')
      const twin = await startPeer({ home: join(dir, 'twin'), privateKey: key, config: { listen: ['/ip4/127.0.0.1/tcp/0'], mdns: { ...defaultConfig().mdns, enabled: false } } })
      peers.push(twin)
      for (const farmer of farmers) await twin.dial(farmer.getMultiaddrs()[0])
      const client = new DeploymentClient(twin, key)
      const contracts: string[] = []
      for (const farmer of farmers) {
        const { envelope } = await twin.services.contracts.client.quote(farmer.peerId, { cru: 4, mru: 512 * MiB, sru: 512 * MiB, hru: 0, ipv4u: 0 }, HOUR)
        contracts.push((await twin.services.contracts.client.propose(farmer.peerId, envelope)).id)
      }
      const networkId = randomBytes(16).toString('hex')
      hostIds = farmers.map(f => networkHostId(f.peerId.toString(), twin.peerId.toString(), networkId))
      const network = (version: number, subnet: number, members: NetworkMemberSpec[]): Workload =>
        ({ name: 'net', type: 'network', version, data: networkKind.encode({ name: 'net', type: 'network', networkId, range: RANGE, subnet, members }) })
      const deploy = async (farmer: number, version: number, workloads: Workload[]): Promise<void> => {
        await client.deploy(farmers[farmer].peerId, { contractId: contracts[farmer], twin: twin.peerId.toString(), name: 'bench', version, workloads, signedAt: Date.now() })
      }
      // version 1: each farmer makes its key; version 2: each lists the other
      for (const farmer of [0, 1]) await deploy(farmer, 1, [network(1, farmer + 1, [])])
      const keys: string[] = []
      for (const farmer of [0, 1]) {
        await waitFor('the network to be up', async () => (await status(client, farmers[farmer], contracts[farmer], 'net'))?.state === 'ok', 30_000, 100)
        keys.push(decodeNetworkResult((await status(client, farmers[farmer], contracts[farmer], 'net'))?.result ?? new Uint8Array()).publicKey)
      }
      const member = (farmer: number): NetworkMemberSpec => ({ peerId: farmers[farmer].peerId.toString(), publicKey: keys[farmer], subnet: farmer + 1, endpoints: [`${sites[farmer].publicAddress}:${ports[farmer]}`] })
      const networkOnB = network(2, 2, [member(0)])
      await deploy(0, 2, [network(2, 1, [member(1)]), containerWorkload('server', 2, SERVER, 'net', SERVER_ADDRESS)])
      await deploy(1, 2, [networkOnB])
      const pair = new FarmerPair(dir, farmers, twin, client, contracts, networkOnB, hostIds)
      await pair.settled(0, 'server')
      return pair
    } catch (err) {
      await Promise.all(peers.map(async peer => peer.stop()))
      removeNamespaces(hostIds)
      await rm(dir, { recursive: true, force: true })
      throw err
    }
  }

  private driver (farmer: number): ContainerDriver {
    return this.farmers[farmer].services.farmer?.drivers.get('container') as ContainerDriver
  }

  /** Give farmer B `containers` (with its network, unchanged); returns the time (ms since the epoch) the deploy was sent. */
  async deployOnB (containers: Array<(version: number) => Workload>): Promise<number> {
    const version = ++this.version
    const sentAt = Date.now()
    await this.client.deploy(this.farmers[1].peerId, { contractId: this.contracts[1], twin: this.twin.peerId.toString(), name: 'bench', version, workloads: [this.networkOnB, ...containers.map(c => c(version))], signedAt: Date.now() })
    return sentAt
  }

  /** Take every container off farmer B and wait until they are gone. */
  async clearB (): Promise<void> {
    await this.deployOnB([])
    await waitFor('B\'s containers to be removed', async () => (await this.client.get(this.farmers[1].peerId, this.contracts[1])).workloads.every(w => w.type !== 'container' || w.state === 'deleted'), 30_000, 100)
  }

  /** Wait until workload `name` on `farmer` runs. */
  async settled (farmer: number, name: string): Promise<void> {
    await waitFor(`${name} to be applied`, async () => !['init', undefined].includes((await status(this.client, this.farmers[farmer], this.contracts[farmer], name))?.state), 30_000, 50)
    const workload = await status(this.client, this.farmers[farmer], this.contracts[farmer], name)
    if (workload?.state !== 'ok') throw new Error(`${name} on farmer ${farmer} is ${workload?.state}: ${workload?.message}`)
  }

  /** The first line of `name`'s output (on `farmer`) that includes `text`, and when the farmer logged it; polled every 20 ms up to `timeoutMs`. */
  async lineWith (farmer: number, name: string, text: string, timeoutMs = 30_000, after = 0): Promise<{ line: string, at: number }> {
    const deadline = Date.now() + timeoutMs
    for (;;) {
      for await (const chunk of this.driver(farmer).logs(this.contracts[farmer], name)) {
        if (chunk.at < after) continue
        const line = new TextDecoder().decode(chunk.data).split('\n').find(l => l.includes(text))
        if (line !== undefined) return { line, at: chunk.at }
      }
      if (Date.now() > deadline) throw new Error(`timed out waiting for "${text}" in ${name}'s output on farmer ${farmer}`)
      await new Promise(resolve => setTimeout(resolve, 20))
    }
  }

  /**
   * A name for the network namespace of container `name` on `farmer` (`ip netns attach` of its
   * process), so that tools of this host (iperf3) run in it; `ip netns del` removes the name only.
   */
  netnsOf (farmer: number, name: string): string {
    // the container driver's runc root and container id (container-kind.ts, container-driver.ts)
    const root = join(this.dir, ['a', 'b'][farmer], 'containers', 'runc')
    const { pid } = JSON.parse(execFileSync('runc', ['--root', root, 'state', `p2pcloud-${this.contracts[farmer].slice(0, 24)}-${name}`]).toString())
    const netns = `p2pbc-${randomBytes(3).toString('hex')}`
    execFileSync('ip', ['netns', 'attach', netns, String(pid)])
    return netns
  }

  async exec (farmer: number, name: string, argv: string[]): Promise<{ code: number, stdout: string, stderr: string }> {
    return this.driver(farmer).exec(this.contracts[farmer], name, argv)
  }

  async stop (): Promise<void> {
    for (const [farmer, id] of this.contracts.entries()) await this.client.delete(this.farmers[farmer].peerId, id).catch(() => {})
    for (const [farmer, id] of this.contracts.entries()) {
      await waitFor('the deployment to be removed', async () => this.client.get(this.farmers[farmer].peerId, id).then(() => false, () => true), 30_000, 200).catch(() => {})
    }
    await Promise.all([this.twin, ...this.farmers].map(async peer => peer.stop()))
    removeNamespaces(this.hostIds)
    await rm(this.dir, { recursive: true, force: true })
  }
}

async function status (client: DeploymentClient, farmer: DaemonLibp2p, contract: string, name: string): Promise<WorkloadStatusView | undefined> {
  return (await client.get(farmer.peerId, contract)).workloads.find(w => w.name === name)
}

/** Whatever is left of the networks' namespaces (their devices go with them): a farmer keeps its networks over a stop. */
function removeNamespaces (hostIds: string[]): void {
  for (const id of hostIds) execFileSync('sh', ['-c', `ip netns del p2pn-${id} 2>/dev/null; true`])
}
