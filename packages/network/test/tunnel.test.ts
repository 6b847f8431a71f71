import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { createServer, connect as tcpConnect, type Server } from 'node:net'
import type { Duplex } from 'node:stream'
import { after, before, describe, it } from 'node:test'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { lpStream } from '@libp2p/utils'
import type { PrivateKey } from '@libp2p/interface'
import { contractIdOf, signProposal, signQuote } from '@p2pcloud/contracts'
import { signDeployment, type Deployment, type WorkloadSpec } from '@p2pcloud/farmer'
import { tunnelConnector, type TunnelProof } from '@p2pcloud/gateway'
import { createPeer, defaultConfig, parseConfig, type P2PCloudLibp2p } from '@p2pcloud/node'
import { ErrorCodes, GATEWAY_TUNNEL_LIMITS, GATEWAY_TUNNEL_PROTOCOL, MAX_TUNNEL_OPEN_BYTES, deploymentMessages, gatewayTunnelMessages } from '@p2pcloud/wire'
import { gatewayTunnel, type GatewayTunnel, type GatewayTunnelInit, type TunnelHoldings, type TunnelTarget } from '../src/index.js'

const HOUR = 3_600_000

async function peer (privateKey: PrivateKey, services: Record<string, any> = {}): Promise<P2PCloudLibp2p<any>> {
  const base = defaultConfig()
  const config = parseConfig({ ...base, listen: ['/ip4/127.0.0.1/tcp/0'], mdns: { ...base.mdns, enabled: false } }, 'tunnel test peer')
  return await createPeer({ config, privateKey, extension: { services } })
}

const twinOf = (key: PrivateKey): string => peerIdFromPrivateKey(key).toString()

/** A contract proposal of `twinKey` for capacity on `farmer` (its quote signed by `farmerKey`). */
async function proposal (farmerKey: PrivateKey, twinKey: PrivateKey): Promise<Uint8Array> {
  const quote = await signQuote({
    farmer: twinOf(farmerKey),
    twin: twinOf(twinKey),
    resources: { cru: 0, mru: 0, sru: 0, hru: 0, ipv4u: 0 },
    currency: 'TFT',
    pricePerHourMicro: 1,
    leaseMs: HOUR,
    validUntil: Date.now() + 60_000,
    nonce: randomBytes(16)
  }, farmerKey)
  return await signProposal(quote, twinOf(twinKey), Date.now(), twinKey)
}

/** The backend's farmer the gateway data names: the backend's farmer does not check it (it is itself). */
const backendFarmer = peerIdFromPrivateKey(await generateKeyPair('Ed25519')).toMultihash().bytes

const gatewayData = (contractId: string, workload: string, port: number, tls = deploymentMessages.GatewayTls.NONE, validUntilMs = Date.now() + HOUR): Uint8Array =>
  deploymentMessages.GatewayNameData.encode({ name: 'www', backend: { contractId: new Uint8Array(Buffer.from(contractId, 'hex')), workload, port, farmer: backendFarmer, validUntilMs, network: '', ip: '' }, tls })

const container = (network = '', ip = ''): Uint8Array => deploymentMessages.ContainerData.encode({
  flist: new Uint8Array(), entrypoint: [], args: [], env: [], workdir: '', cru: 1, mru: 2 ** 24, rootfsSize: 2 ** 24, mounts: [], restart: deploymentMessages.RestartPolicy.NEVER, network, ip
})

const workload = (name: string, type: string, data: Uint8Array): WorkloadSpec => ({ name, type, version: 1, data })

/** The gateway deployment `twinKey` sends the gateway: under `proposalEnvelope`'s contract, with `workloads`. */
async function gatewayDeployment (twinKey: PrivateKey, proposalEnvelope: Uint8Array, workloads: WorkloadSpec[]): Promise<Uint8Array> {
  return await signDeployment({ contractId: contractIdOf(proposalEnvelope), twin: twinOf(twinKey), name: 'gw', version: 1, workloads, signedAt: Date.now() }, twinKey)
}

const flip = (bytes: Uint8Array, at: number): Uint8Array => {
  const copy = new Uint8Array(bytes)
  copy[at] ^= 1
  return copy
}

describe('the gateway tunnel: a gateway reaches a container port of another farmer with its twin\'s proof', () => {
  const backendContract = randomBytes(32).toString('hex')
  const inactiveContract = randomBytes(32).toString('hex')
  let twinKey: PrivateKey
  let otherTwinKey: PrivateKey
  let gatewayKey: PrivateKey
  let gateway: P2PCloudLibp2p<any>
  let rogue: P2PCloudLibp2p<any>
  let farmer: P2PCloudLibp2p<{ gatewayTunnel: GatewayTunnel }>
  let echo: Server
  let proof: TunnelProof
  const targets: TunnelTarget[] = []

  before(async () => {
    twinKey = await generateKeyPair('Ed25519')
    otherTwinKey = await generateKeyPair('Ed25519')
    echo = createServer(socket => { socket.pipe(socket) })
    await new Promise<void>(resolve => echo.listen(0, '127.0.0.1', resolve))
    const echoPort = (echo.address() as { port: number }).port
    const twin = twinOf(twinKey)
    const backend: Deployment = {
      contractId: backendContract,
      twin,
      name: 'site',
      version: 1,
      workloads: [workload('web', 'container', container()), workload('data', 'volume', new Uint8Array())],
      signedAt: Date.now()
    }
    const holdings: TunnelHoldings = {
      activeContract: (id, owner) => owner === twin && id === backendContract,
      deployment: id => id === backendContract || id === inactiveContract ? backend : undefined
    }
    const init: GatewayTunnelInit = {
      holdings: () => holdings,
      // the container is this host's echo server; port 9 stands for a port nothing listens on
      connect: async (target, signal) => {
        targets.push(target)
        return await new Promise<Duplex>((resolve, reject) => {
          const socket = tcpConnect({ host: '127.0.0.1', port: target.port === 8080 ? echoPort : 9, signal })
          socket.once('connect', () => { resolve(socket) })
          socket.once('error', reject)
        })
      }
    }
    gatewayKey = await generateKeyPair('Ed25519')
    gateway = await peer(gatewayKey)
    rogue = await peer(await generateKeyPair('Ed25519'))
    farmer = await peer(await generateKeyPair('Ed25519'), { gatewayTunnel: gatewayTunnel(init) })
    for (const from of [gateway, rogue]) await from.dial(farmer.getMultiaddrs()[0])
    const proposalEnvelope = await proposal(gatewayKey, twinKey)
    proof = {
      proposalEnvelope,
      deploymentEnvelope: await gatewayDeployment(twinKey, proposalEnvelope, [workload('www', 'gateway-name', gatewayData(backendContract, 'web', 8080))]),
      workload: 'www'
    }
  })

  after(async () => {
    await Promise.all([gateway, rogue, farmer].map(async p => p?.stop()))
    echo?.close()
  })

  /** What the farmer answers `proof` sent by `from`, through the gateway's connector: 'OK' or the refusal's code. */
  const outcome = async (tunnelProof: TunnelProof, from = gateway): Promise<string> => {
    try {
      const duplex = await tunnelConnector({ node: from, farmer: farmer.peerId, proof: tunnelProof })(AbortSignal.timeout(10_000))
      duplex.destroy()
      return 'OK'
    } catch (err: any) {
      assert.equal(err.name, 'BackendUnreachableError', err.message)
      return err.cause.code
    }
  }

  /** Opens a raw stream, writes `frame` as it is, and gives what comes back: the TunnelAccept, or the error that ended the stream. */
  const raw = async (frame: Uint8Array): Promise<gatewayTunnelMessages.TunnelAccept | Error> => {
    const stream = await gateway.dialProtocol(farmer.peerId, GATEWAY_TUNNEL_PROTOCOL, { maxOutboundStreams: GATEWAY_TUNNEL_LIMITS.maxOutboundStreams })
    stream.send(frame)
    try {
      return gatewayTunnelMessages.TunnelAccept.decode(await lpStream(stream).read({ signal: AbortSignal.timeout(10_000) }))
    } catch (err: any) {
      return err
    }
  }

  it('carries bytes both ways to the container port the deployment names, and ends each direction on its own', async () => {
    const duplex = await tunnelConnector({ node: gateway, farmer: farmer.peerId, proof })(AbortSignal.timeout(10_000))
    assert.deepEqual(targets.at(-1), { twin: twinOf(twinKey), contractId: backendContract, workload: 'web', port: 8080 })
    const received: Buffer[] = []
    duplex.on('data', (chunk: Buffer) => received.push(chunk))
    const ended = new Promise(resolve => duplex.once('end', resolve))
    const big = randomBytes(1 << 20)
    duplex.write('hello through the mesh\n')
    duplex.end(big)
    // the echo server ends its side when ours ended: the half-close went through, and came back
    await ended
    assert.deepEqual(Buffer.concat(received), Buffer.concat([Buffer.from('hello through the mesh\n'), big]))
  })

  it('refuses another twin\'s proof for this twin\'s backend, with the answer an unknown backend gets', async () => {
    const proposalEnvelope = await proposal(gatewayKey, otherTwinKey)
    const deploymentEnvelope = await gatewayDeployment(otherTwinKey, proposalEnvelope, [workload('www', 'gateway-name', gatewayData(backendContract, 'web', 8080))])
    assert.equal(await outcome({ proposalEnvelope, deploymentEnvelope, workload: 'www' }), ErrorCodes.NOT_FOUND)
    const unknown = await gatewayDeployment(twinKey, proof.proposalEnvelope, [workload('www', 'gateway-name', gatewayData(randomBytes(32).toString('hex'), 'web', 8080))])
    const [a, b] = await Promise.all([raw(frameOf({ ...proof, deploymentEnvelope: await gatewayDeployment(otherTwinKey, proposalEnvelope, []) })), raw(frameOf({ ...proof, deploymentEnvelope: unknown }))])
    assert.deepEqual(a, b, 'the same bytes for a stranger\'s proof and an unknown backend')
  })

  it('refuses the proof from a peer it was not given to (the proposal names another farmer)', async () => {
    assert.equal(await outcome(proof, rogue), ErrorCodes.NOT_FOUND)
  })

  it('refuses a tampered signature of the deployment or of the proposal, and a deployment under another contract', async () => {
    assert.equal(await outcome({ ...proof, deploymentEnvelope: flip(proof.deploymentEnvelope, proof.deploymentEnvelope.byteLength - 1) }), ErrorCodes.NOT_FOUND)
    assert.equal(await outcome({ ...proof, proposalEnvelope: flip(proof.proposalEnvelope, proof.proposalEnvelope.byteLength - 1) }), ErrorCodes.NOT_FOUND)
    // a valid proposal of the same twin with this gateway, but not the contract the deployment runs under
    assert.equal(await outcome({ ...proof, proposalEnvelope: await proposal(gatewayKey, twinKey) }), ErrorCodes.NOT_FOUND)
    // the deployment signed by another twin for this twin (twin ≠ signer)
    const forged = await signDeployment({ contractId: contractIdOf(proof.proposalEnvelope), twin: twinOf(twinKey), name: 'gw', version: 1, workloads: [workload('www', 'gateway-name', gatewayData(backendContract, 'web', 8080))], signedAt: Date.now() }, otherTwinKey)
    assert.equal(await outcome({ ...proof, deploymentEnvelope: forged }), ErrorCodes.NOT_FOUND)
  })

  it('refuses a workload or port the deployments do not name', async () => {
    const named = async (workloads: WorkloadSpec[], name = 'www'): Promise<string> =>
      await outcome({ ...proof, deploymentEnvelope: await gatewayDeployment(twinKey, proof.proposalEnvelope, workloads), workload: name })
    const www = (data: Uint8Array, type = 'gateway-name'): WorkloadSpec[] => [workload('www', type, data)]
    assert.equal(await named(www(gatewayData(backendContract, 'web', 8080)), 'other'), ErrorCodes.NOT_FOUND, 'no such gateway workload')
    assert.equal(await named(www(container(), 'container')), ErrorCodes.NOT_FOUND, 'a workload that is not a gateway')
    assert.equal(await named(www(gatewayData(backendContract, 'api', 8080))), ErrorCodes.NOT_FOUND, 'no such container in the backend')
    assert.equal(await named(www(gatewayData(backendContract, 'data', 8080))), ErrorCodes.NOT_FOUND, 'a volume, not a container')
    assert.equal(await named(www(gatewayData(backendContract, 'web', 0))), ErrorCodes.NOT_FOUND, 'port 0')
    assert.equal(await named(www(gatewayData(backendContract, 'web', 70_000))), ErrorCodes.NOT_FOUND, 'port above 65535')
    assert.equal(await named(www(gatewayData(inactiveContract, 'web', 8080))), ErrorCodes.NOT_FOUND, 'a contract that is not active')
    assert.equal(await named(www(new Uint8Array([0xff, 0xff]))), ErrorCodes.NOT_FOUND, 'data that does not decode')
  })

  it('refuses a proof the twin granted until a time that has passed, or until no time at all', async () => {
    const granted = async (validUntilMs: number): Promise<string> => await outcome({
      ...proof, deploymentEnvelope: await gatewayDeployment(twinKey, proof.proposalEnvelope, [workload('www', 'gateway-name', gatewayData(backendContract, 'web', 8080, undefined, validUntilMs))])
    })
    assert.equal(await granted(Date.now() - 1000), ErrorCodes.NOT_FOUND, 'expired a second ago')
    assert.equal(await granted(0), ErrorCodes.NOT_FOUND, 'no valid_until_ms')
    assert.equal(await granted(Date.now() + 60_000), 'OK', 'granted for another minute')
  })

  it('answers UNAVAILABLE when the proof checks out but the port refuses', async () => {
    const deploymentEnvelope = await gatewayDeployment(twinKey, proof.proposalEnvelope, [workload('www', 'gateway-name', gatewayData(backendContract, 'web', 8081))])
    assert.equal(await outcome({ ...proof, deploymentEnvelope }), ErrorCodes.UNAVAILABLE)
  })

  it('answers BAD_REQUEST to a TunnelOpen that does not decode, and resets a frame over its limit before reading it', async () => {
    const malformed = await raw(new Uint8Array([3, 0x0a, 0xff, 0xff]))
    assert.equal((malformed as gatewayTunnelMessages.TunnelAccept).error?.code, ErrorCodes.BAD_REQUEST)
    // a length prefix one over the limit, and no more: the farmer does not wait for the bytes
    const over = await raw(lengthPrefix(MAX_TUNNEL_OPEN_BYTES + 1))
    assert.ok(over instanceof Error, 'the stream ends without an answer')
  })

  it('refuses more TunnelOpens than the rate allows with RATE_LIMITED and when to retry', async () => {
    const answers = await Promise.all(Array.from({ length: 80 }, async () => await raw(new Uint8Array([3, 0x0a, 0xff, 0xff]))))
    const limited = answers.map(a => (a as gatewayTunnelMessages.TunnelAccept).error).filter(e => e?.code === ErrorCodes.RATE_LIMITED)
    assert.ok(limited.length > 0, 'some were rate limited')
    assert.ok(limited.every(e => (e?.retryAfterMs ?? 0) > 0))
  })
})

function lengthPrefix (length: number): Uint8Array {
  const bytes: number[] = []
  for (let n = length; ; n = Math.floor(n / 128)) {
    if (n < 128) { bytes.push(n); break }
    bytes.push((n % 128) | 0x80)
  }
  return new Uint8Array(bytes)
}

function frameOf (proof: TunnelProof): Uint8Array {
  const encoded = gatewayTunnelMessages.TunnelOpen.encode({ deploymentEnvelope: proof.deploymentEnvelope as Uint8Array<ArrayBuffer>, proposalEnvelope: proof.proposalEnvelope as Uint8Array<ArrayBuffer>, workload: proof.workload })
  return new Uint8Array(Buffer.concat([lengthPrefix(encoded.byteLength), encoded]))
}
