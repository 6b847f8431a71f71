/**
 * One member of a private network in a process of its own, started inside a site's namespace
 * (`nsenter --net=/var/run/netns/SITE node relay-member-process.js RANGE SUBNET NETWORK_ID SITE_ADDRESS`), so that its libp2p
 * and its WireGuard are both that site's, as a farmer's are on its host: a libp2p peer with the
 * network relay and the stream-throughput handler, the network's namespace and device, one
 * workload namespace on it. Answers the parent's requests over IPC, one at a time:
 * `{ op, args }` → `{ result }` or `{ error }`.
 */
import { execFileSync } from 'node:child_process'
import { randomBytes, randomInt } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromString } from '@libp2p/peer-id'
import { multiaddr } from '@multiformats/multiaddr'
import { formatIpv4, generateWireguardKeys, NetworkOverlay, NetworkRange, networkRelay, OverlayNamespace, overlayNames, type NetworkRelay, type OverlayPeer } from '@p2pcloud/network'
import { createPeer, type P2PCloudLibp2p } from '@p2pcloud/node'
import { loopbackConfig } from '../../loopback-peers.js'
import { handleTransfers, libp2pTransfer } from '../stream-throughput.js'

/** What a member tells the parent, and the parent tells the other member. */
export interface RelayMemberInfo {
  peerId: string
  addresses: string[]
  publicKey: string
  subnet: number
  /** Its WireGuard's `host:port` in its site (its site address). */
  endpoint: string
  workload: string
  address: string
}

const [rangeText, subnetText, networkIdHex, siteAddress] = process.argv.slice(2)
const range = NetworkRange.parse(rangeText)
const subnet = Number(subnetText)
const networkId = new Uint8Array(Buffer.from(networkIdHex, 'hex'))
const keys = generateWireguardKeys()
const port = randomInt(20_000, 40_000)
let other: RelayMemberInfo | undefined

const node: P2PCloudLibp2p<{ networkRelay: NetworkRelay }> = await createPeer({
  config: loopbackConfig({ listen: ['/ip4/0.0.0.0/tcp/0'] }),
  privateKey: await generateKeyPair('Ed25519'),
  extension: {
    services: {
      networkRelay: networkRelay({
        authorize: (id, peer, key) => Buffer.from(id).equals(networkId) && other?.peerId === peer.toString() && Buffer.from(key).toString('base64') === other.publicKey ? { wireguardPort: port } : undefined,
        onInbound: (_id, peer, relay) => { void network.inbound(peer, relay) }
      })
    }
  }
})
await handleTransfers(node)
const overlay = await OverlayNamespace.create({ names: overlayNames(randomBytes(4).toString('hex')), range, subnet: range.subnet(subnet), implementation: 'wireguard-go' })
const workload = `p2pbwl-${randomBytes(4).toString('hex')}`
execFileSync('ip', ['netns', 'add', workload])
await overlay.attach(workload, range.subnet(subnet).base + 2, `v${randomBytes(4).toString('hex')}`)
// made after the peer, whose relay's inbound handler reaches it once a member relays
const network: NetworkOverlay = new NetworkOverlay({ networkId, self: node.peerId, keys, listenPort: port, overlay, relays: node.services.networkRelay, timings: { directTimeoutMs: 3000 } })
const tick = setInterval(() => { void network.tick().catch(() => {}) }, 500)

const info: RelayMemberInfo = {
  peerId: node.peerId.toString(),
  addresses: node.getMultiaddrs().map(a => a.toString()).filter(a => a.includes(`/ip4/${siteAddress}/`)),
  publicKey: keys.publicKey,
  subnet,
  endpoint: `${siteAddress}:${port}`,
  workload,
  address: formatIpv4(range.subnet(subnet).base + 2)
}

/** Datagrams this site's kernel dropped for a full socket receive buffer (the relay's, WireGuard's): losses no relay counter sees. */
function udpReceiveBufferErrors (): number {
  const [names, values] = readFileSync('/proc/self/net/snmp', 'utf8').split('\n').filter(line => line.startsWith('Udp:')).map(line => line.split(/\s+/))
  return Number(values[names.indexOf('RcvbufErrors')])
}

let stopping: Promise<void> | undefined
/** Once, whether the parent asked or went away. */
async function stop (): Promise<void> {
  stopping ??= (async () => {
    clearInterval(tick)
    await network.close()
    await overlay.destroy().catch(() => {})
    execFileSync('sh', ['-c', `ip netns del ${workload} 2>/dev/null; true`])
    await node.stop()
    process.exit(0)
  })()
  await stopping
}

const operations: Record<string, (args: any) => Promise<unknown>> = {
  info: async () => info,
  dial: async (addresses: string[]) => { await node.dial(addresses.map(a => multiaddr(a))) },
  peer: async (member: RelayMemberInfo) => {
    other = member
    const peer: OverlayPeer = { peerId: peerIdFromString(member.peerId), publicKey: member.publicKey, subnet: range.subnet(member.subnet), endpoints: [member.endpoint] }
    await network.setPeers([peer])
  },
  path: async () => (await network.paths())[0]?.path,
  transfer: async ({ addresses, bytes }: { addresses: string[], bytes: number }) => await libp2pTransfer(node, addresses.map(a => multiaddr(a)), bytes),
  counters: async () => ({ ...node.services.networkRelay.relayTo(networkId, peerIdFromString(other?.peerId ?? ''))?.counters, udpReceiveBufferErrors: udpReceiveBufferErrors() })
}

process.on('message', (message: { op: string, args?: unknown }) => {
  if (message.op === 'stop') { void stop(); return }
  const operation = operations[message.op]
  if (operation === undefined) { process.send?.({ error: `no operation ${message.op}` }); return }
  operation(message.args).then(result => process.send?.({ result }), (err: Error) => process.send?.({ error: err.message }))
})
process.on('disconnect', () => { void stop() })
process.send?.({ result: 'started' })
