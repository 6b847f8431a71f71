import { fork, spawn, type ChildProcess } from 'node:child_process'
import { randomBytes, randomInt } from 'node:crypto'
import { chmod, mkdtemp, readFile, rm } from 'node:fs/promises'
import { request } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { generateKeyPair } from '@libp2p/crypto/keys'
import type { PeerId, PrivateKey } from '@libp2p/interface'
import { peerIdFromString } from '@libp2p/peer-id'
import { multiaddr } from '@multiformats/multiaddr'
import { contractIdOf, signProposal, signQuote } from '@p2pcloud/contracts'
import { startPeer, type DaemonLibp2p } from '@p2pcloud/daemon'
import { DeploymentClient, signDeployment } from '@p2pcloud/farmer'
import { FrontDoor, tcpBackend, tunnelConnector, type TunnelProof } from '@p2pcloud/gateway'
import { WireguardDevice, decodeNetworkResult, generateWireguardKeys, ip, networkHostId, networkKind, type NetworkMemberSpec } from '@p2pcloud/network'
import { defaultConfig } from '@p2pcloud/node'
import { hostIdOf, makeBusyboxRootfs, runc, runcUnavailable } from '@p2pcloud/runtime'
import { waitFor } from '@p2pcloud/test-utils'
import { deploymentMessages } from '@p2pcloud/wire'
import { containerWorkload } from './farmer-network.js'

const MiB = 2 ** 20
const HOUR = 3_600_000
const RANGE = '10.86.0.0/16'
/** The backend container on the farmer's /24 (subnet 1); this host joins the network as subnet 2. */
const BACKEND_IP = '10.86.1.2'
const HOST_IP = '10.86.2.1'
export const BACKEND_PORT = 8080
export const HTTPD_PORT = 8081
export const OVERLAY_HOST = 'overlay.gw.test'
export const MESH_HOST = 'mesh.gw.test'
const BACKEND = fileURLToPath(new URL('./workers/http-backend.js', import.meta.url))
const FARMER = fileURLToPath(new URL('./workers/gateway-farmer.js', import.meta.url))
const quiet = { listen: ['/ip4/127.0.0.1/tcp/0'], mdns: { ...defaultConfig().mdns, enabled: false } }

/**
 * What the gateway benchmarks run on, all on this host: a real farmer (the daemon's assembly, runc,
 * wireguard-go, in a process of its own: workers/gateway-farmer.ts) running a busybox container on a private network, with a keep-alive Node HTTP
 * server started in that container's network namespace (busybox httpd, which forks per request,
 * answers on HTTPD_PORT beside it); this host joined to the network as a member (a wireguard-go
 * device in the host's namespace, routed to the farmer's /24 only), so that the backend's overlay
 * address is reached through real WireGuard; a gateway peer (in-process) with a FrontDoor whose
 * OVERLAY_HOST is tcpBackend to that overlay address and whose MESH_HOST is tunnelConnector to
 * the farmer's gatewayTunnel service, which dials the container from the network's namespace.
 */
export class GatewayWorld {
  private constructor (
    readonly door: FrontDoor,
    /** The backend straight, over this host's WireGuard. */
    readonly backendUrl: string,
    readonly httpdUrl: string,
    private readonly farmerPid: number,
    private readonly cleanup: Array<() => Promise<void>>
  ) {}

  static async start (): Promise<GatewayWorld> {
    const missing = await runcUnavailable() ?? await networkKind.missing?.()
    if (missing !== undefined) throw new Error(`cannot run here: ${missing}`)
    const cleanup: Array<() => Promise<void>> = []
    const defer = (step: () => Promise<unknown>): void => { cleanup.push(async () => { await step() }) }
    try {
      const dir = await mkdtemp(join(tmpdir(), 'p2pcloud-bench-gw-'))
      defer(async () => { await rm(dir, { recursive: true, force: true }) })
      const tree = await makeBusyboxRootfs(join(dir, 'tree'), { owner: hostIdOf(0) })
      await chmod(dir, 0o711)
      const farmerPort = randomInt(40_000, 50_000)
      const farmerProcess = fork(FARMER, [join(dir, 'farmer'), tree, String(farmerPort)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })
      defer(async () => {
        const exited = new Promise(resolve => farmerProcess.once('exit', resolve))
        if (farmerProcess.connected) farmerProcess.send('stop')
        await exited
      })
      const started = await new Promise<{ address: string, peerId: string }>((resolve, reject) => {
        farmerProcess.once('message', message => { resolve(message as { address: string, peerId: string }) })
        farmerProcess.once('exit', code => { reject(new Error(`the farmer exited (${String(code)})`)) })
      })
      const farmer = peerIdFromString(started.peerId)
      const peers: DaemonLibp2p[] = []
      defer(async () => { await Promise.all(peers.map(async peer => { await peer.stop() })) })
      const twinKey = await generateKeyPair('Ed25519')
      const twin = await startPeer({ home: join(dir, 'twin'), privateKey: twinKey, config: quiet })
      peers.push(twin)
      const gatewayKey = await generateKeyPair('Ed25519')
      const gateway = await startPeer({ home: join(dir, 'gateway'), privateKey: gatewayKey, config: quiet })
      peers.push(gateway)
      for (const peer of [twin, gateway]) await peer.dial(multiaddr(started.address))

      // the backend: a container on network `net`, and the farmer's key for this host to join it
      const client = new DeploymentClient(twin, twinKey)
      const { envelope } = await twin.services.contracts.client.quote(farmer, { cru: 2, mru: 128 * MiB, sru: 128 * MiB, hru: 0, ipv4u: 0 }, HOUR)
      const contract = (await twin.services.contracts.client.propose(farmer, envelope)).id
      const networkId = randomBytes(16).toString('hex')
      const hostId = networkHostId(started.peerId, twin.peerId.toString(), networkId)
      defer(async () => { await ip(['netns', 'del', `p2pn-${hostId}`]).catch(() => {}) })
      defer(async () => {
        await client.delete(farmer, contract).catch(() => {})
        await waitFor('the deployment to be removed', async () => await client.get(farmer, contract).then(() => false, () => true), 30_000, 200).catch(() => {})
      })
      const serve = `mkdir -p /tmp/www && echo hello > /tmp/www/index.html && httpd -p ${HTTPD_PORT} -h /tmp/www && exec sleep 100000`
      const web = containerWorkload('web', 1, serve, 'net', BACKEND_IP)
      const deploy = async (version: number, members: NetworkMemberSpec[]): Promise<void> => {
        const network = { name: 'net', type: 'network', version, data: networkKind.encode({ name: 'net', type: 'network', networkId, range: RANGE, subnet: 1, members }) }
        await client.deploy(farmer, { contractId: contract, twin: twin.peerId.toString(), name: 'site', version, workloads: [network, web], signedAt: Date.now() })
        await waitFor('the network and the container to run', async () => (await client.get(farmer, contract)).workloads.every(w => w.state === 'ok'), 60_000, 200)
      }
      await deploy(1, [])
      const result = (await client.get(farmer, contract)).workloads.find(w => w.name === 'net')?.result
      const farmerKey = decodeNetworkResult(result ?? new Uint8Array()).publicKey

      // this host joins the network (as `p2pcloud network join` and wg-quick would), routing only the farmer's /24
      const keys = generateWireguardKeys()
      const hostPort = farmerPort + 10
      const device = await WireguardDevice.create(`p2pgw${randomBytes(4).toString('hex')}`, { implementation: 'wireguard-go' })
      defer(async () => { await device.destroy() })
      await device.configure({ privateKey: keys.privateKey, listenPort: hostPort, peers: [{ publicKey: farmerKey, allowedIps: ['10.86.1.0/24'], endpoint: `127.0.0.1:${farmerPort}` }] })
      await ip(['addr', 'add', `${HOST_IP}/32`, 'dev', device.name])
      await ip(['link', 'set', device.name, 'up'])
      await ip(['route', 'add', '10.86.1.0/24', 'dev', device.name])
      await deploy(2, [{ peerId: gateway.peerId.toString(), publicKey: keys.publicKey, subnet: 2, endpoints: [`127.0.0.1:${hostPort}`] }])
      const httpdUrl = `http://${BACKEND_IP}:${HTTPD_PORT}/`
      await waitFor('busybox httpd over the overlay', async () => await status(httpdUrl) === 200, 30_000, 250)

      // the Node backend in the container's network namespace
      const state = JSON.parse(await runc(join(dir, 'farmer', 'containers', 'runc'), 'state', `p2pcloud-${contract.slice(0, 24)}-web`))
      const backend = spawn('nsenter', [`--net=/proc/${Number(state.pid)}/ns/net`, process.execPath, BACKEND, String(BACKEND_PORT)], { stdio: ['pipe', 'pipe', 'inherit'] })
      defer(async () => { await stopChild(backend) })
      await new Promise((resolve, reject) => {
        backend.stdout?.once('data', resolve)
        backend.once('exit', code => { reject(new Error(`the backend exited (${String(code)})`)) })
      })

      const door = new FrontDoor({ http: { host: '127.0.0.1', port: 0 }, https: { host: '127.0.0.1', port: 0 } })
      await door.start()
      defer(async () => { await door.stop() })
      door.routes.set(OVERLAY_HOST, { tls: 'none', connect: tcpBackend(BACKEND_IP, BACKEND_PORT) })
      const proof = await tunnelProof({ twin, twinKey, gateway, gatewayKey, backend: contract, farmer, workload: 'web', port: BACKEND_PORT })
      door.routes.set(MESH_HOST, { tls: 'none', connect: tunnelConnector({ node: gateway, farmer, proof }) })
      return new GatewayWorld(door, `http://${BACKEND_IP}:${BACKEND_PORT}/`, httpdUrl, farmerProcess.pid ?? 0, cleanup)
    } catch (err) {
      for (const step of cleanup.reverse()) await step().catch(() => {})
      throw err
    }
  }

  /** The front door's URL (the Host header picks the path). */
  get gatewayUrl (): string {
    return `http://127.0.0.1:${this.door.httpPort}/`
  }

  /** CPU time (µs) the farmer's process has used so far. */
  async farmerCpuUs (): Promise<number> {
    // utime and stime, fields 14 and 15 of /proc/<pid>/stat, in clock ticks (100 a second)
    const fields = (await readFile(`/proc/${this.farmerPid}/stat`, 'latin1')).split(') ')[1].split(' ')
    return (Number(fields[11]) + Number(fields[12])) * 10_000
  }

  async stop (): Promise<void> {
    for (const step of this.cleanup.reverse()) await step().catch(() => {})
  }
}

interface ProofInit { twin: DaemonLibp2p, twinKey: PrivateKey, gateway: DaemonLibp2p, gatewayKey: PrivateKey, backend: string, farmer: PeerId, workload: string, port: number }

/** What the twin gives the gateway: a gateway-name workload `www` → `workload`:`port` of the backend's contract, under a contract with the gateway. */
async function tunnelProof ({ twin, twinKey, gateway, gatewayKey, backend, farmer, workload, port }: ProofInit): Promise<TunnelProof> {
  const quote = await signQuote({
    farmer: gateway.peerId.toString(), twin: twin.peerId.toString(), resources: { cru: 0, mru: 0, sru: 0, hru: 0, ipv4u: 0 },
    currency: 'TFT', pricePerHourMicro: 1, leaseMs: HOUR, validUntil: Date.now() + 60_000, nonce: randomBytes(16)
  }, gatewayKey)
  const proposalEnvelope = await signProposal(quote, twin.peerId.toString(), Date.now(), twinKey)
  const data = deploymentMessages.GatewayNameData.encode({
    name: 'www', backend: { contractId: new Uint8Array(Buffer.from(backend, 'hex')), workload, port, farmer: farmer.toMultihash().bytes, validUntilMs: Date.now() + HOUR, network: '', ip: '' }, tls: deploymentMessages.GatewayTls.NONE
  })
  const deploymentEnvelope = await signDeployment({
    contractId: contractIdOf(proposalEnvelope), twin: twin.peerId.toString(), name: 'gw', version: 1,
    workloads: [{ name: 'www', type: 'gateway-name', version: 1, data }], signedAt: Date.now()
  }, twinKey)
  return { proposalEnvelope, deploymentEnvelope, workload: 'www' }
}

/** The status of GET `url`, or 0 when it fails. */
async function status (url: string): Promise<number> {
  return await new Promise(resolve => {
    const req = request(url, { timeout: 2000 }, res => {
      res.resume()
      resolve(res.statusCode ?? 0)
    })
    req.once('error', () => { resolve(0) })
    req.once('timeout', () => { req.destroy() })
    req.end()
  })
}

async function stopChild (child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return
  const exited = new Promise(resolve => child.once('exit', resolve))
  child.kill('SIGTERM')
  await exited
}
