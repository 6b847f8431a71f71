import { execFileSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { formatIpv4, generateWireguardKeys, NetworkOverlay, NetworkRange, networkRelay, OverlayNamespace, overlayNames, type NetworkRelay } from '@p2pcloud/network'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { createPeer, type P2PCloudLibp2p } from '@p2pcloud/node'
import { waitFor } from '@p2pcloud/test-utils'
import { loopbackConfig, stopAll } from '../loopback-peers.js'
import { iperfMegabytesPerSecond } from './iperf.js'
import type { Benchmark, Measurement } from './results.js'
import { median } from './stats.js'
import { handleTransfers, libp2pTransfer, megabytesPerSecond } from './stream-throughput.js'

const RUNS = 3
const STREAM_BYTES = 64 * 2 ** 20
const range = NetworkRange.parse('10.69.0.0/16')

interface Member { node: P2PCloudLibp2p<{ networkRelay: NetworkRelay }>, overlay: OverlayNamespace, network?: NetworkOverlay, workload: string, address: string }

/**
 * TCP throughput between two workloads whose only path is the mesh relay (their WireGuard
 * endpoints are dead, so the datagrams travel as frames on one libp2p stream), against one raw
 * libp2p stream between the same two peers moving bulk bytes; for scale, also the same two
 * members on their direct path (`directPathMBps`), which is what wireguard-go itself reaches here.
 */
async function run (): Promise<Measurement> {
  const networkId = new Uint8Array(randomBytes(16))
  const keys = [generateWireguardKeys(), generateWireguardKeys()]
  const ports = [51920, 51921]
  const members: Member[] = []
  const cleanup: Array<() => Promise<void>> = []
  try {
    for (const i of [0, 1]) {
      const node = await createPeer({
        config: loopbackConfig(),
        privateKey: await generateKeyPair('Ed25519'),
        extension: {
          services: {
            networkRelay: networkRelay({
              authorize: (id, peer, key) => Buffer.from(id).equals(networkId) && peer.equals(members[1 - i]?.node.peerId) && Buffer.from(key).toString('base64') === keys[1 - i].publicKey ? { wireguardPort: ports[i] } : undefined,
              onInbound: (_id, peer, relay) => { void members[i].network?.inbound(peer, relay) }
            })
          }
        }
      })
      cleanup.push(async () => { await stopAll([node]) })
      const overlay = await OverlayNamespace.create({ names: overlayNames(randomBytes(4).toString('hex')), range, subnet: range.subnet(i + 1), implementation: 'wireguard-go' })
      cleanup.push(async () => { await overlay.destroy() })
      const workload = `p2pbwl-${randomBytes(4).toString('hex')}`
      execFileSync('ip', ['netns', 'add', workload])
      cleanup.push(async () => { execFileSync('ip', ['netns', 'del', workload]) })
      await overlay.attach(workload, range.subnet(i + 1).base + 2, `v${randomBytes(4).toString('hex')}`)
      members.push({ node, overlay, workload, address: formatIpv4(range.subnet(i + 1).base + 2) })
    }
    const [a, b] = members
    await a.node.dial(b.node.getMultiaddrs()[0])
    for (const [i, m] of members.entries()) {
      const other = members[1 - i]
      m.network = new NetworkOverlay({ networkId, self: m.node.peerId, keys: keys[i], listenPort: ports[i], overlay: m.overlay, relays: m.node.services.networkRelay, timings: { directTimeoutMs: 1000 } })
      cleanup.push(async () => { await m.network?.close() })
      // a dead endpoint: the only way through is the relay
      await m.network.setPeers([{ peerId: other.node.peerId, publicKey: keys[1 - i].publicKey, subnet: range.subnet(2 - i), endpoints: ['127.0.0.1:9'] }])
    }
    await waitFor('both members to be relayed', async () => {
      for (const m of members) await m.network?.tick()
      const paths = await Promise.all(members.map(async m => (await m.network?.paths())?.[0]?.path))
      return paths.every(path => path === 'relayed')
    }, 30_000, 250)
    await handleTransfers(b.node)
    await libp2pTransfer(a.node, b.node.getMultiaddrs(), STREAM_BYTES)
    const relayRates: number[] = []
    const streamRates: number[] = []
    for (let i = 0; i < RUNS; i++) {
      relayRates.push(await iperfMegabytesPerSecond(a.workload, b.workload, b.address, 5203))
      streamRates.push(megabytesPerSecond(STREAM_BYTES, await libp2pTransfer(a.node, b.node.getMultiaddrs(), STREAM_BYTES)))
    }
    const relay = a.node.services.networkRelay.relayTo(networkId, b.node.peerId)
    const counters = { ...relay?.counters }
    // for scale: the same two members on their direct path (wireguard-go's own ceiling on this machine)
    for (const [i, m] of members.entries()) {
      const other = members[1 - i]
      await m.network?.setPeers([{ peerId: other.node.peerId, publicKey: keys[1 - i].publicKey, subnet: range.subnet(2 - i), endpoints: [`127.0.0.1:${ports[1 - i]}`] }])
    }
    await waitFor('both members to be direct', async () => {
      for (const m of members) await m.network?.tick()
      const paths = await Promise.all(members.map(async m => (await m.network?.paths())?.[0]?.path))
      return paths.every(path => path === 'direct')
    }, 120_000, 250)
    const directRates: number[] = []
    for (let i = 0; i < RUNS; i++) directRates.push(await iperfMegabytesPerSecond(a.workload, b.workload, b.address, 5203))
    return {
      metric: 'TCP throughput between two workloads over the mesh relay (iperf3), median of runs',
      value: median(relayRates),
      unit: 'MB/s',
      baseline: 'one libp2p stream between the same two peers moving bulk bytes',
      baselineValue: median(streamRates),
      extra: { runs: RUNS, relayMinMBps: Math.min(...relayRates), relayMaxMBps: Math.max(...relayRates), streamMinMBps: Math.min(...streamRates), streamMaxMBps: Math.max(...streamRates), droppedDatagrams: counters.dropped ?? 0, sentDatagrams: counters.sent ?? 0, directPathMBps: median(directRates) }
    }
  } finally {
    for (const step of cleanup.reverse()) await step().catch(() => {})
  }
}

export const overlayRelay: Benchmark = { name: 'overlay-relay', run }
