import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { randomInt } from 'node:crypto'
import { rm } from 'node:fs/promises'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { networkHostId } from '@p2pcloud/network'
import { tempDir, waitFor } from '@p2pcloud/test-utils'
import { parseDeploymentSpec } from '@p2pcloud/twin'
import { startPeer, type DaemonLibp2p } from '../src/index.js'
import { flist, get, quiet, skip, startBackendFarmer } from './gateway-fixtures.js'



describe('a gateway farmer offering networks joins the backend\'s network and reaches it over the overlay', { skip }, () => {
  let dir: string
  let farmer: DaemonLibp2p
  let gateway: DaemonLibp2p
  let twin: DaemonLibp2p
  const httpPort = randomInt(20_000, 30_000)
  const hostIds: string[] = []

  before(async () => {
    dir = await tempDir('gateway-overlay')
    const port = randomInt(40_000, 50_000)
    farmer = await startBackendFarmer(dir, port)
    gateway = await startPeer({
      home: join(dir, 'gateway'),
      privateKey: await generateKeyPair('Ed25519'),
      config: {
        ...quiet,
        farmer: {
          enabled: true, farm: 'edge', country: 'BE', capacity: { cru: 1, mru: '1G', sru: '1G', hru: '0' }, capabilities: ['gateway', 'network'],
          gatewayDomain: 'gw.test',
          gateway: { http: { host: '127.0.0.1', port: httpPort }, https: { host: '127.0.0.1', port: httpPort + 1 } },
          network: { ports: { first: port + 4, last: port + 7 } }
        }
      },
      tuning: { gateway: { probeIntervalMs: 1000 }, network: { tickMs: 300 } }
    })
    twin = await startPeer({ home: join(dir, 'twin'), privateKey: await generateKeyPair('Ed25519'), config: quiet })
    for (const peer of [farmer, gateway]) await twin.dial(peer.getMultiaddrs()[0])
    await gateway.dial(farmer.getMultiaddrs()[0])
  })

  after(async () => {
    for (const record of await twin?.services.twin.list().catch(() => []) ?? []) await twin.services.twin.delete(record.name).catch(() => {})
    await waitFor('the containers to be removed', async () => farmer?.services.farmer?.provisioner?.all().length === 0, 30_000, 200).catch(() => {})
    for (const peer of [twin, gateway, farmer]) await peer?.stop()
    for (const id of hostIds) execFileSync('sh', ['-c', `ip netns del p2pn-${id} 2>/dev/null; true`])
    await rm(dir, { recursive: true, force: true })
  })

  it('the gateway deployment gets the network, the gateway becomes a member, and the page comes over the overlay with the backend farmer\'s tunnel service stopped', async () => {
    const service = twin.services.twin
    const network = await service.networks.store.create('web-net')
    for (const peer of [farmer, gateway]) hostIds.push(networkHostId(peer.peerId.toString(), twin.peerId.toString(), network.networkId))
    await service.deploy(parseDeploymentSpec(`
name: web
where: { farmer: ${farmer.peerId.toString()} }
lease: 1h
workloads:
  - name: httpd
    type: container
    flist: ${flist}
    args: [sh, -c, "mkdir -p /tmp/www && echo hello-over-the-overlay > /tmp/www/index.html && exec httpd -f -p 8080 -h /tmp/www"]
    cpu: 1
    memory: 64M
    rootfs: 64M
    network: web-net
`, 'web.yaml'))
    // the same container by name and by its overlay address
    const ip = ((await service.get('web')).spec.workloads.find(w => w.name === 'httpd') as any).ip
    const deployed = await service.deploy(parseDeploymentSpec(`
name: site
where: { farmer: ${gateway.peerId.toString()} }
lease: 1h
workloads:
  - { name: www, type: gateway-name, backend: web/httpd:8080, tls: none }
  - { name: api, type: gateway-name, backend: "${ip as string}:8080", tls: none }
`, 'site.yaml'))
    assert.deepEqual(deployed.status?.workloads.map(w => [w.type, w.state]).sort(), [['gateway-name', 'ok'], ['gateway-name', 'ok'], ['network', 'ok']])
    const members = (await service.networks.store.get('web-net')).members.map(m => m.peerId).sort()
    assert.deepEqual(members, [farmer.peerId.toString(), gateway.peerId.toString()].sort())
    // no tunnel can carry it now: what answers came over WireGuard, between the two farmers' networks
    await farmer.services.gatewayTunnel?.stop()
    for (const host of ['www.gw.test', 'api.gw.test']) {
      await waitFor(`the page over the overlay (${host})`, async () => (await get(httpPort, host).catch(() => ({ body: '' }))).body === 'hello-over-the-overlay\n', 60_000, 500)
    }
  })

  it('an overlay address no container of the twin\'s has is an error at the backend\'s line', async () => {
    await assert.rejects(twin.services.twin.deploy(parseDeploymentSpec(`
name: other
where: { farmer: ${gateway.peerId.toString()} }
lease: 1h
workloads:
  - { name: none, type: gateway-name, backend: "10.250.9.9:80", tls: none }
`, 'other.yaml')), { name: 'SpecError', message: /^other\.yaml:6:\d+: workloads\[0\]\.backend: no container of yours has the address 10\.250\.9\.9 in any of your networks/ })
  })
})
