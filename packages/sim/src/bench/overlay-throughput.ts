import { execFileSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { createTestInternet, pings, waitFor, type TestInternet } from '@p2pcloud/test-utils'
import { formatIpv4, generateWireguardKeys, NetworkOverlay, NetworkRange, OverlayNamespace, overlayNames, WireguardDevice } from '@p2pcloud/network'
import { againstBareTunnel, iperfMegabytesPerSecond } from './iperf.js'
import type { Benchmark, Measurement } from './results.js'

const RUNS = 3
const range = NetworkRange.parse('10.67.0.0/16')

/** The bare tunnel the overlay is compared with: one wireguard-go device per site, addresses on the devices themselves, set up by hand. */
export async function bareTunnel (internet: TestInternet): Promise<{ devices: WireguardDevice[], addresses: string[] }> {
  const sites = [internet.site('a'), internet.site('b')]
  const keys = sites.map(() => generateWireguardKeys())
  const addresses = ['10.68.0.1', '10.68.0.2']
  const devices: WireguardDevice[] = []
  for (const [i, site] of sites.entries()) {
    const device = await WireguardDevice.create(`p2pbare${i}${randomBytes(2).toString('hex')}`, { netns: site.netns, implementation: 'wireguard-go' })
    devices.push(device)
    const other = 1 - i
    await device.configure({ privateKey: keys[i].privateKey, listenPort: 51900, peers: [{ publicKey: keys[other].publicKey, allowedIps: [`${addresses[other]}/32`], endpoint: `${sites[other].publicAddress}:51900` }] })
    execFileSync('ip', ['-n', site.netns, 'addr', 'add', `${addresses[i]}/24`, 'dev', device.name])
    execFileSync('ip', ['-n', site.netns, 'link', 'set', device.name, 'up'])
  }
  return { devices, addresses }
}

/** The overlay as a farmer runs it: a namespace per network with its bridge and device, a workload namespace on a veth, paths chosen by NetworkOverlay. */
async function overlay (internet: TestInternet): Promise<{ overlays: OverlayNamespace[], networks: NetworkOverlay[], workloads: string[], addresses: string[] }> {
  const sites = [internet.site('a'), internet.site('b')]
  const members = await Promise.all(sites.map(async (site, i) => {
    const privateKey = await generateKeyPair('Ed25519')
    const overlay = await OverlayNamespace.create({ names: overlayNames(randomBytes(4).toString('hex')), range, subnet: range.subnet(i + 1), hostNetns: site.netns, implementation: 'wireguard-go' })
    const workload = `p2pbwl-${randomBytes(4).toString('hex')}`
    execFileSync('ip', ['netns', 'add', workload])
    await overlay.attach(workload, range.subnet(i + 1).base + 2, `v${randomBytes(4).toString('hex')}`)
    return { peerId: peerIdFromPrivateKey(privateKey), overlay, workload, keys: generateWireguardKeys(), port: 51910 + i, site }
  }))
  // both endpoints answer: the direct path, which is what this measures (no relay service needed)
  const noRelay = { open: async () => { throw new Error('the throughput bench measures the direct path') } }
  const networks = members.map(m => new NetworkOverlay({ networkId: new Uint8Array(16), self: m.peerId, keys: m.keys, listenPort: m.port, overlay: m.overlay, relays: noRelay }))
  for (const [i, network] of networks.entries()) {
    const other = members[1 - i]
    await network.setPeers([{ peerId: other.peerId, publicKey: other.keys.publicKey, subnet: range.subnet(2 - i), endpoints: [`${other.site.publicAddress}:${other.port}`] }])
  }
  const addresses = members.map((_, i) => formatIpv4(range.subnet(i + 1).base + 2))
  await waitFor('the overlay\'s direct path', async () => await pings(members[0].workload, addresses[1]), 15_000)
  return { overlays: members.map(m => m.overlay), networks, workloads: members.map(m => m.workload), addresses }
}

/**
 * TCP throughput between two workloads on two hosts over a private network (namespaces,
 * bridge, veth, wireguard-go, paths by NetworkOverlay) against the same two sites joined by a
 * bare wireguard-go tunnel set up by hand. Runs alternate so that drift hits both alike.
 */
async function run (): Promise<Measurement> {
  const internet = await createTestInternet([{ name: 'a' }, { name: 'b' }])
  const cleanup: Array<() => Promise<void>> = [async () => { await internet.destroy() }]
  try {
    const bare = await bareTunnel(internet)
    cleanup.push(async () => { for (const device of bare.devices) await device.destroy() })
    const net = await overlay(internet)
    cleanup.push(async () => {
      for (const network of net.networks) await network.close()
      for (const o of net.overlays) await o.destroy()
      for (const workload of net.workloads) execFileSync('ip', ['netns', 'del', workload])
    })
    return await againstBareTunnel(
      'TCP throughput between two workloads over a private network (iperf3), median of runs',
      RUNS,
      async () => await iperfMegabytesPerSecond(net.workloads[0], net.workloads[1], net.addresses[1], 5201),
      async () => await iperfMegabytesPerSecond(internet.site('a').netns, internet.site('b').netns, bare.addresses[1], 5202)
    )
  } finally {
    for (const step of cleanup.reverse()) await step().catch(() => {})
  }
}

export const overlayThroughput: Benchmark = { name: 'overlay-throughput', run }
