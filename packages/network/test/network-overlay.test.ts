import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { randomBytes, randomInt } from 'node:crypto'
import { after, describe, it } from 'node:test'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { createPeer, defaultConfig, parseConfig, type P2PCloudLibp2p } from '@p2pcloud/node'
import { pings, waitFor, wireguardWorldMissing } from '@p2pcloud/test-utils'
import {
  formatIpv4, generateWireguardKeys, NetworkOverlay, NetworkRange, networkRelay, OverlayNamespace, overlayNames,
  type NetworkRelay, type OverlayPeer, type PathKind, type WireguardKeyPair
} from '../src/index.js'

const skip = await wireguardWorldMissing()

const range = NetworkRange.parse('10.66.0.0/16')
/** Short enough for a test to see every decision; the defaults are in minutes. */
const timings = { directTimeoutMs: 1500, retryDirectMs: 2000, keepaliveSeconds: 1 }

type RelayNode = P2PCloudLibp2p<{ networkRelay: NetworkRelay }>

/** One member host: a libp2p peer with the relay service, the network's namespace and one workload in it. */
interface Host {
  node: RelayNode
  overlay: OverlayNamespace
  network?: NetworkOverlay
  keys: WireguardKeyPair
  port: number
  subnet: number
  workload: string
}

describe('paths between two members: direct when WireGuard reaches, relayed when not, direct again when it can', { skip }, () => {
  const networkId = new Uint8Array(randomBytes(16))
  const hosts: Host[] = []
  const cleanup: Array<() => Promise<void>> = []

  after(async () => {
    for (const step of cleanup.reverse()) await step().catch(() => {})
  })

  const host = async (subnet: number): Promise<Host> => {
    const keys = generateWireguardKeys()
    const port = randomInt(20_000, 40_000)
    const overlay = await OverlayNamespace.create({ names: overlayNames(randomBytes(4).toString('hex')), range, subnet: range.subnet(subnet), implementation: 'wireguard-go' })
    cleanup.push(async () => { await overlay.destroy() })
    const workload = `p2pwl-${randomBytes(4).toString('hex')}`
    execFileSync('ip', ['netns', 'add', workload])
    cleanup.push(async () => { execFileSync('ip', ['netns', 'del', workload]) })
    await overlay.attach(workload, range.subnet(subnet).base + 2, `v${randomBytes(4).toString('hex')}`)
    const base = defaultConfig()
    const self: Partial<Host> = { overlay, keys, port, subnet, workload }
    const node = await createPeer({
      config: parseConfig({ ...base, listen: ['/ip4/127.0.0.1/tcp/0'], mdns: { ...base.mdns, enabled: false } }, 'overlay test peer'),
      privateKey: await generateKeyPair('Ed25519'),
      extension: {
        services: {
          networkRelay: networkRelay({
            // the other host, with its key, is the one member
            authorize: (id, peer, key) => {
              const other = hosts.find(h => h !== self && h.node.peerId.equals(peer))
              return Buffer.from(id).equals(networkId) && other !== undefined && Buffer.from(key).toString('base64') === other.keys.publicKey ? { wireguardPort: port } : undefined
            },
            onInbound: (_id, peer, relay) => { void self.network?.inbound(peer, relay) }
          })
        }
      }
    })
    cleanup.push(async () => { await node.stop() })
    Object.assign(self, { node })
    const made = self as Host
    made.network = new NetworkOverlay({ networkId, self: node.peerId, keys, listenPort: port, overlay, relays: node.services.networkRelay, timings })
    cleanup.push(async () => { await made.network?.close() })
    hosts.push(made)
    return made
  }

  const peerOf = (h: Host, endpoints: string[]): OverlayPeer => ({ peerId: h.node.peerId, publicKey: h.keys.publicKey, subnet: range.subnet(h.subnet), endpoints })
  const ping = async (from: Host, to: Host): Promise<boolean> => await pings(from.workload, formatIpv4(range.subnet(to.subnet).base + 2))
  const pathsAre = async (want: PathKind): Promise<boolean> => {
    for (const h of hosts) await h.network?.tick()
    const paths = await Promise.all(hosts.map(async h => (await h.network?.paths())?.[0]?.path))
    return paths.every(path => path === want)
  }

  it('goes direct when each member\'s endpoint answers', async () => {
    const [a, b] = [await host(1), await host(2)]
    await a.node.dial(b.node.getMultiaddrs()[0])
    // the first endpoint of each is dead, the second is right: the next one is tried after a timeout
    await a.network?.setPeers([peerOf(b, ['127.0.0.1:9', `127.0.0.1:${b.port}`])])
    await b.network?.setPeers([peerOf(a, ['127.0.0.1:9', `127.0.0.1:${a.port}`])])
    await waitFor('both members to see a direct path', async () => await pathsAre('direct'), 20_000, 250)
    assert.equal(await ping(a, b), true)
    assert.equal(a.node.services.networkRelay.relayTo(networkId, b.node.peerId), undefined, 'no relay while direct works')
  })

  it('relays over the mesh when no endpoint answers, then goes direct again once one does', async () => {
    const [a, b] = hosts
    const dead = (h: Host): OverlayPeer => peerOf(h, ['127.0.0.1:9'])
    // a network change that leaves both with dead endpoints: sessions restart through the relay
    await a.overlay.device.removePeer(b.keys.publicKey)
    await b.overlay.device.removePeer(a.keys.publicKey)
    await a.network?.close()
    await b.network?.close()
    for (const h of [a, b]) h.network = new NetworkOverlay({ networkId, self: h.node.peerId, keys: h.keys, listenPort: h.port, overlay: h.overlay, relays: h.node.services.networkRelay, timings: { ...timings, retryDirectMs: 4000 } })
    await a.network?.setPeers([dead(b)])
    await b.network?.setPeers([dead(a)])
    await waitFor('both members to see a relayed path', async () => await pathsAre('relayed'), 30_000, 250)
    assert.equal(await ping(a, b), true, 'the workloads reach each other through the relay')
    assert.equal(await ping(b, a), true)

    // the real endpoints become known: the member that opened the relay tries direct again, and it holds
    await a.network?.setPeers([peerOf(b, [`127.0.0.1:${b.port}`])])
    await b.network?.setPeers([peerOf(a, [`127.0.0.1:${a.port}`])])
    await waitFor('both members back on a direct path', async () => await pathsAre('direct'), 30_000, 250)
    assert.equal(await ping(a, b), true)
  })

  it('opens a relay that ended again (a member\'s peer restarted), instead of taking its fresh handshake for a direct path', async () => {
    const [a, b] = hosts
    await a.overlay.device.removePeer(b.keys.publicKey)
    await b.overlay.device.removePeer(a.keys.publicKey)
    for (const h of [a, b]) {
      await h.network?.close()
      h.network = new NetworkOverlay({ networkId, self: h.node.peerId, keys: h.keys, listenPort: h.port, overlay: h.overlay, relays: h.node.services.networkRelay, timings: { ...timings, retryDirectMs: 600_000 } })
    }
    await a.network?.setPeers([peerOf(b, ['127.0.0.1:9'])])
    await b.network?.setPeers([peerOf(a, ['127.0.0.1:9'])])
    await waitFor('both members to see a relayed path', async () => await pathsAre('relayed') && await ping(a, b), 30_000, 250)
    // the relay's stream ends (its connection closed), both handshakes still fresh
    await a.node.services.networkRelay.relayTo(networkId, b.node.peerId)?.close()
    await b.node.services.networkRelay.relayTo(networkId, a.node.peerId)?.close()
    await waitFor('a new relay between them', async () => await pathsAre('relayed') && await ping(a, b), 15_000, 250)
  })
})
