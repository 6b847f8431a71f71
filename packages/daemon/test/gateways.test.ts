import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { randomInt } from 'node:crypto'
import { rm } from 'node:fs/promises'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { generateKeyPair } from '@libp2p/crypto/keys'
import type { PrivateKey } from '@libp2p/interface'
import { MemoryDatastore } from 'datastore-core'
import { networkHostId } from '@p2pcloud/network'
import { tempDir, waitFor } from '@p2pcloud/test-utils'
import { parseDeploymentSpec } from '@p2pcloud/twin'
import { startPeer, type DaemonLibp2p } from '../src/index.js'
import { flist, get, quiet, skip, startBackendFarmer } from './gateway-fixtures.js'



/** A busybox httpd serving `page` on :8080 in network `network` (on none: ''). */
const backendSpec = (name: string, network: string, page: string, farmer: string): string => `
name: ${name}
where: { farmer: ${farmer} }
lease: 1h
workloads:
  - name: httpd
    type: container
    flist: ${flist}
    args: [sh, -c, "mkdir -p /tmp/www && echo ${page} > /tmp/www/index.html && exec httpd -f -p 8080 -h /tmp/www"]
    cpu: 1
    memory: 64M
    rootfs: 64M
${network === '' ? '' : `    network: ${network}\n`}`

const gatewaySpec = (name: string, farmer: string, workloads: string): string => `
name: ${name}
where: { farmer: ${farmer} }
lease: 1h
workloads:
${workloads}
`

describe('gateway names on a gateway farmer, in front of containers on another farmer (loopback)', { skip }, () => {
  let dir: string
  let farmer: DaemonLibp2p
  let gateway: DaemonLibp2p
  let twins: DaemonLibp2p[]
  const httpPort = randomInt(20_000, 30_000)
  const hostIds: string[] = []

  let gatewayKey: PrivateKey
  /** What the gateway keeps across a restart: its contracts, deployments and bookings; its certificates are under its home. */
  const gatewayDatastore = new MemoryDatastore()
  const startGateway = async (): Promise<DaemonLibp2p> => await startPeer({
    home: join(dir, 'gateway'),
    privateKey: gatewayKey,
    datastore: gatewayDatastore,
    config: {
      ...quiet,
      farmer: {
        enabled: true, farm: 'edge', country: 'BE', capacity: { cru: 1, mru: '1G', sru: '1G', hru: '0' }, capabilities: ['gateway'],
        gatewayDomain: 'gw.test',
        gateway: { http: { host: '127.0.0.1', port: httpPort }, https: { host: '127.0.0.1', port: httpPort + 1 } }
      }
    },
    tuning: { gateway: { probeIntervalMs: 1000 } }
  })

  before(async () => {
    dir = await tempDir('gateways')
    const port = randomInt(40_000, 50_000)
    farmer = await startBackendFarmer(dir, port)
    gatewayKey = await generateKeyPair('Ed25519')
    gateway = await startGateway()
    twins = []
    for (const name of ['alice', 'bob']) {
      const twin = await startPeer({ home: join(dir, name), privateKey: await generateKeyPair('Ed25519'), config: quiet })
      for (const peer of [farmer, gateway]) await twin.dial(peer.getMultiaddrs()[0])
      twins.push(twin)
    }
    await gateway.dial(farmer.getMultiaddrs()[0])
  })

  after(async () => {
    for (const twin of twins ?? []) {
      for (const record of await twin.services.twin.list().catch(() => [])) await twin.services.twin.delete(record.name).catch(() => {})
    }
    // the containers' layers are unmounted once their removal is done
    await waitFor('the containers to be removed', async () => farmer?.services.farmer?.provisioner?.all().length === 0, 30_000, 200).catch(() => {})
    for (const peer of [...(twins ?? []), gateway, farmer]) await peer?.stop()
    for (const id of hostIds) execFileSync('sh', ['-c', `ip netns del p2pn-${id} 2>/dev/null; true`])
    await rm(dir, { recursive: true, force: true })
  })

  /** Twin `i` runs a busybox httpd serving `page` as deployment `name` on the container farmer. */
  const backend = async (i: number, name: string, page: string): Promise<void> => {
    const twin = twins[i].services.twin
    const network = await twin.networks.store.create(`${name}-net`)
    hostIds.push(networkHostId(farmer.peerId.toString(), twins[i].peerId.toString(), network.networkId))
    await twin.deploy(parseDeploymentSpec(backendSpec(name, `${name}-net`, page, farmer.peerId.toString()), `${name}.yaml`))
  }

  it('a gateway-name reaches busybox httpd in a container through the mesh, and show says where and that the backend answers', async () => {
    await backend(0, 'web', 'hello-from-web')
    const twin = twins[0].services.twin
    const deployed = await twin.deploy(parseDeploymentSpec(gatewaySpec('site', gateway.peerId.toString(), '  - { name: www, type: gateway-name, backend: web/httpd:8080, tls: none }'), 'site.yaml'))
    assert.equal(deployed.status?.workloads[0].state, 'ok')
    // httpd may take a moment after its container counts as running
    await waitFor('the page through the gateway', async () => (await get(httpPort, 'www.gw.test')).body === 'hello-from-web\n', 20_000, 250)
    assert.deepEqual(deployed.gateways?.map(g => g.url), [`http://www.gw.test:${httpPort}/`])
    await waitFor('the gateway to see the backend answer', async () => (await twin.get('site')).gateways?.[0].backend === 'answers', 20_000, 250)
    const [shown] = (await twin.get('site')).gateways ?? []
    assert.equal(shown.url, `http://www.gw.test:${httpPort}/`)
    assert.ok(Date.parse(shown.checkedAt ?? '') > 0)
    assert.equal(shown.detail, undefined)
  })

  it('a backend container on no network is reached through the mesh too: its farmer enters its own namespace', async () => {
    const twin = twins[0].services.twin
    await twin.deploy(parseDeploymentSpec(backendSpec('solo', '', 'hello-from-solo', farmer.peerId.toString()), 'solo.yaml'))
    const deployed = await twin.deploy(parseDeploymentSpec(gatewaySpec('solo-site', gateway.peerId.toString(), '  - { name: solo, type: gateway-name, backend: solo/httpd:8080, tls: none }'), 'solo-site.yaml'))
    assert.equal(deployed.status?.workloads[0].state, 'ok')
    await waitFor('the page of the container on no network', async () => (await get(httpPort, 'solo.gw.test')).body === 'hello-from-solo\n', 20_000, 250)
    await twin.delete('solo-site')
    await twin.delete('solo')
  })

  it('the twin grants the backend until the gateway\'s lease end, and a renewal sends the gateway the new one', async () => {
    const twin = twins[0].services.twin
    const validUntil = async (): Promise<number | undefined> => ((await twin.get('site')).spec.workloads[0] as any).backend.validUntil
    const first = await validUntil()
    assert.ok(first !== undefined && first > Date.now() + 59 * 60_000 && first < Date.now() + 62 * 60_000, String(first))
    const renewed = await twin.renew('site', 2 * 3_600_000)
    assert.equal(await validUntil(), Date.parse(renewed.contract?.leaseEnd ?? ''))
    assert.equal(renewed.version, 2)
    // the gateway applied the update: its proof is the new version, and the page is still served
    await waitFor('the gateway to apply the renewal', async () => (await twin.get('site')).status?.workloads[0].state === 'ok', 20_000, 250)
    assert.equal((await get(httpPort, 'www.gw.test')).body, 'hello-from-web\n')
  })

  it('a restarted gateway serves its names again, with nothing sent to it', async () => {
    await gateway.stop()
    await assert.rejects(get(httpPort, 'www.gw.test'))
    gateway = await startGateway()
    for (const peer of [farmer, ...twins]) await gateway.dial(peer.getMultiaddrs()[0])
    await waitFor('the page through the restarted gateway', async () => (await get(httpPort, 'www.gw.test').catch(() => ({ body: '' }))).body === 'hello-from-web\n', 20_000, 250)
      .catch(async err => { throw new Error(`${err.message as string}; the gateway says: ${JSON.stringify((await twins[0].services.twin.get('site')).status?.workloads)}`) })
  })

  it('a backend that is not a container of the twin\'s, or not one of its deployments, is an error at its line and column', async () => {
    const twin = twins[0].services.twin
    await assert.rejects(twin.deploy(parseDeploymentSpec(gatewaySpec('other', gateway.peerId.toString(), '  - { name: api, type: gateway-name, backend: nope/httpd:80 }'), 'other.yaml')),
      { name: 'SpecError', message: /^other\.yaml:6:\d+: workloads\[0\]\.backend: "nope" is not one of your deployments/ })
    await assert.rejects(twin.deploy(parseDeploymentSpec(gatewaySpec('other', gateway.peerId.toString(), '  - { name: api, type: gateway-name, backend: web/nginx:80 }'), 'other.yaml')),
      { name: 'SpecError', message: /deployment "web" has no workload "nginx"; its containers: httpd$/ })
  })

  it('a second twin cannot take a name that is held, by name or by fqdn: the error says until when', async () => {
    await backend(1, 'shop', 'hello-from-shop')
    const twin = twins[1].services.twin
    await assert.rejects(twin.deploy(parseDeploymentSpec(gatewaySpec('site', gateway.peerId.toString(), '  - { name: www, type: gateway-name, backend: shop/httpd:8080, tls: none }'), 'site.yaml')),
      (err: any) => {
        assert.match(err.message, /workload "www": www\.gw\.test is booked on this gateway by another contract until its lease ends at \d{4}-\d\d-\d\dT/)
        assert.doesNotMatch(err.message, new RegExp(twins[0].peerId.toString()))
        return true
      })
    // nor by an fqdn: a name under the gateway's domain is a gateway-name's only
    await assert.rejects(twin.deploy(parseDeploymentSpec(gatewaySpec('grab', gateway.peerId.toString(), '  - { name: www, type: gateway-fqdn, fqdn: www.gw.test, backend: shop/httpd:8080, tls: none }'), 'grab.yaml')),
      /workload "www": gateway-fqdn "www": www\.gw\.test is under this gateway's domain gw\.test; book it as a gateway-name/)
    // the holder's page is still served
    assert.equal((await get(httpPort, 'www.gw.test')).body, 'hello-from-web\n')
  })

  it('removing the gateway deployment stops routing: the gateway answers 404 naming the host, and the name is free again', async () => {
    await twins[0].services.twin.delete('site')
    const answer = await get(httpPort, 'www.gw.test')
    assert.equal(answer.status, 404)
    assert.match(answer.body, /www\.gw\.test/)
    const deployed = await twins[1].services.twin.deploy(parseDeploymentSpec(gatewaySpec('site', gateway.peerId.toString(), '  - { name: www, type: gateway-name, backend: shop/httpd:8080, tls: none }'), 'site.yaml'))
    assert.equal(deployed.status?.workloads[0].state, 'ok')
    await waitFor('the second twin\'s page', async () => (await get(httpPort, 'www.gw.test')).body === 'hello-from-shop\n', 20_000, 250)
  })
})
