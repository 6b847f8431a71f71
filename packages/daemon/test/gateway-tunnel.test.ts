import assert from 'node:assert/strict'
import { randomBytes, randomInt } from 'node:crypto'
import { rm } from 'node:fs/promises'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { generateKeyPair } from '@libp2p/crypto/keys'
import type { PrivateKey } from '@libp2p/interface'
import { CID } from 'multiformats/cid'
import { sha256 } from 'multiformats/hashes/sha2'
import { contractIdOf, signProposal, signQuote } from '@p2pcloud/contracts'
import { DeploymentClient, signDeployment, type Deployment } from '@p2pcloud/farmer'
import { FrontDoor, tunnelConnector, type TunnelProof } from '@p2pcloud/gateway'
import { networkHostId, networkKind } from '@p2pcloud/network'
import { tempDir, waitFor } from '@p2pcloud/test-utils'
import { deploymentMessages } from '@p2pcloud/wire'
import { startPeer, type DaemonLibp2p } from '../src/index.js'
import { get, quiet, skip, startBackendFarmer } from './gateway-fixtures.js'
import { execFileSync } from 'node:child_process'

const MiB = 2 ** 20
const HOUR = 3_600_000
const flist = CID.create(1, 0x55, await sha256.digest(new Uint8Array([1]))).bytes as Uint8Array<ArrayBuffer>

type Workload = Deployment['workloads'][number]

/** A container serving a page naming it on :8080, on network `net` at `ip` (or on none). */
function container (name: string, net = '', ip = ''): Workload {
  const serve = ['sh', '-c', `mkdir -p /tmp/www && echo hello-${name} > /tmp/www/index.html && exec httpd -f -p 8080 -h /tmp/www`]
  return {
    name,
    type: 'container',
    version: 1,
    data: deploymentMessages.ContainerData.encode({
      flist, entrypoint: [], args: serve, env: [], workdir: '', cru: 1, mru: 64 * MiB, rootfsSize: 64 * MiB, mounts: [],
      restart: deploymentMessages.RestartPolicy.NEVER, network: net, ip
    })
  }
}


describe('a gateway reaches a container of a farmer, on a network or on none, through the mesh (gateway tunnel)', { skip }, () => {
  let dir: string
  let farmer: DaemonLibp2p
  let twin: DaemonLibp2p
  let gateway: DaemonLibp2p
  let twinKey: PrivateKey
  let gatewayKey: PrivateKey
  let door: FrontDoor
  let client: DeploymentClient
  let backend: string
  let hostId: string
  const httpPort = randomInt(20_000, 30_000)

  before(async () => {
    dir = await tempDir('gateway-tunnel')
    const port = randomInt(40_000, 50_000)
    farmer = await startBackendFarmer(dir, port)
    twinKey = await generateKeyPair('Ed25519')
    twin = await startPeer({ home: join(dir, 'twin'), privateKey: twinKey, config: quiet })
    gatewayKey = await generateKeyPair('Ed25519')
    gateway = await startPeer({ home: join(dir, 'gateway'), privateKey: gatewayKey, config: quiet })
    for (const peer of [twin, gateway]) await peer.dial(farmer.getMultiaddrs()[0])
    client = new DeploymentClient(twin, twinKey)

    // the backend side of the tunnel is the daemon's own: a farmer offering containers runs gatewayTunnel
    assert.ok(farmer.services.gatewayTunnel)
    door = new FrontDoor({ http: { host: '127.0.0.1', port: httpPort }, https: { host: '127.0.0.1', port: httpPort + 1 } })
    await door.start()
  })

  after(async () => {
    await door?.stop()
    if (backend !== undefined) {
      await client.delete(farmer.peerId, backend).catch(() => {})
      await waitFor('the deployment to be removed', async () => client.get(farmer.peerId, backend).then(() => false, () => true), 30_000, 200).catch(() => {})
    }
    for (const peer of [twin, gateway, farmer]) await peer?.stop()
    if (hostId !== undefined) execFileSync('sh', ['-c', `ip netns del p2pn-${hostId} 2>/dev/null; true`])
    await rm(dir, { recursive: true, force: true })
  })

  /** The proof the twin gives the gateway: a gateway-name workload `www` → `workload`:`port` of the backend, under a contract with the gateway. */
  const proofFor = async (workload: string, port: number, validUntilMs = Date.now() + HOUR): Promise<TunnelProof> => {
    const quote = await signQuote({
      farmer: gateway.peerId.toString(), twin: twin.peerId.toString(), resources: { cru: 0, mru: 0, sru: 0, hru: 0, ipv4u: 0 },
      currency: 'TFT', pricePerHourMicro: 1, leaseMs: HOUR, validUntil: Date.now() + 60_000, nonce: randomBytes(16)
    }, gatewayKey)
    const proposalEnvelope = await signProposal(quote, twin.peerId.toString(), Date.now(), twinKey)
    const data = deploymentMessages.GatewayNameData.encode({
      name: 'www', backend: { contractId: new Uint8Array(Buffer.from(backend, 'hex')), workload, port, farmer: farmer.peerId.toMultihash().bytes, validUntilMs, network: '', ip: '' }, tls: deploymentMessages.GatewayTls.NONE
    })
    const deploymentEnvelope = await signDeployment({
      contractId: contractIdOf(proposalEnvelope), twin: twin.peerId.toString(), name: 'gw', version: 1,
      workloads: [{ name: 'www', type: 'gateway-name', version: 1, data }], signedAt: Date.now()
    }, twinKey)
    return { proposalEnvelope, deploymentEnvelope, workload: 'www' }
  }

  it('HTTP through the front door gets the answer of busybox httpd in the container, which has no port open to anything but its network', async () => {
    const { envelope } = await twin.services.contracts.client.quote(farmer.peerId, { cru: 2, mru: 128 * MiB, sru: 128 * MiB, hru: 0, ipv4u: 0 }, HOUR)
    backend = (await twin.services.contracts.client.propose(farmer.peerId, envelope)).id
    const networkId = randomBytes(16).toString('hex')
    hostId = networkHostId(farmer.peerId.toString(), twin.peerId.toString(), networkId)
    const network: Workload = { name: 'net', type: 'network', version: 1, data: networkKind.encode({ name: 'net', type: 'network', networkId, range: '10.79.0.0/16', subnet: 1, members: [] }) }
    await client.deploy(farmer.peerId, { contractId: backend, twin: twin.peerId.toString(), name: 'site', version: 1, workloads: [network, container('web', 'net', '10.79.1.2'), container('plain')], signedAt: Date.now() })
    await waitFor('the containers to run', async () => (await client.get(farmer.peerId, backend)).workloads.every(w => w.state === 'ok'), 60_000, 200)

    door.routes.set('www.gw.test', { tls: 'none', connect: tunnelConnector({ node: gateway, farmer: farmer.peerId, proof: await proofFor('web', 8080) }) })
    // httpd may take a moment after the container counts as running
    await waitFor('the page through the tunnel', async () => (await get(httpPort, 'www.gw.test')).body.includes('hello-web'), 20_000, 250)
    const page = await get(httpPort, 'www.gw.test')
    assert.equal(page.status, 200)
    assert.equal(page.body, 'hello-web\n')
  })

  it('a container on no network is reached at its own loopback, from inside its namespace', async () => {
    door.routes.set('plain.gw.test', { tls: 'none', connect: tunnelConnector({ node: gateway, farmer: farmer.peerId, proof: await proofFor('plain', 8080) }) })
    await waitFor('the page of the container on no network', async () => (await get(httpPort, 'plain.gw.test')).body.includes('hello-plain'), 20_000, 250)
    const page = await get(httpPort, 'plain.gw.test')
    assert.equal(page.status, 200)
    assert.equal(page.body, 'hello-plain\n')
  })

  it('a port nothing listens on, on a network or not, is 502 from the front door', async () => {
    door.routes.set('closed.gw.test', { tls: 'none', connect: tunnelConnector({ node: gateway, farmer: farmer.peerId, proof: await proofFor('web', 8081) }) })
    door.routes.set('plain-closed.gw.test', { tls: 'none', connect: tunnelConnector({ node: gateway, farmer: farmer.peerId, proof: await proofFor('plain', 8081) }) })
    for (const host of ['closed.gw.test', 'plain-closed.gw.test']) {
      const answer = await get(httpPort, host)
      assert.equal(answer.status, 502, host)
      assert.match(answer.body, /UNAVAILABLE/, host)
    }
  })

  it('a proof whose grant has passed (the gateway\'s lease ended unrenewed) gets 502 with NOT_FOUND', async () => {
    door.routes.set('expired.gw.test', { tls: 'none', connect: tunnelConnector({ node: gateway, farmer: farmer.peerId, proof: await proofFor('web', 8080, Date.now() - 1000) }) })
    const answer = await get(httpPort, 'expired.gw.test')
    assert.equal(answer.status, 502)
    assert.match(answer.body, /NOT_FOUND/)
  })

  it('a gateway the twin did not give the backend gets 502 with NOT_FOUND: the proof is bound to the gateway it was made for', async () => {
    const stranger = await startPeer({ home: join(dir, 'stranger'), privateKey: await generateKeyPair('Ed25519'), config: quiet })
    try {
      await stranger.dial(farmer.getMultiaddrs()[0])
      door.routes.set('stolen.gw.test', { tls: 'none', connect: tunnelConnector({ node: stranger, farmer: farmer.peerId, proof: await proofFor('web', 8080) }) })
      const answer = await get(httpPort, 'stolen.gw.test')
      assert.equal(answer.status, 502)
      assert.match(answer.body, /NOT_FOUND/)
    } finally {
      await stranger.stop()
    }
  })
})
