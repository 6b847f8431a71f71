import { logger } from '@libp2p/logger'
import type { PeerId } from '@libp2p/interface'
import type { DatagramRelay } from './datagram-relay.js'
import type { MemberSubnet } from './address-plan.js'
import type { OverlayNamespace } from './overlay-namespace.js'
import type { NetworkRelay } from './relay-service.js'
import type { WireguardKeyPair } from './wireguard-keys.js'
import type { WireguardPeer, WireguardPeerStatus } from './wireguard-config.js'

const log = logger('p2pcloud:network:paths')

/** Another member of the network, as its twin lists it. */
export interface OverlayPeer {
  peerId: PeerId
  /** Its WireGuard public key. */
  publicKey: string
  subnet: MemberSubnet
  /** Where its WireGuard may be reached directly (`host:port`), best first; empty when nowhere. */
  endpoints: string[]
}

/** How a pair of members reaches each other right now. */
export type PathKind = 'direct' | 'relayed' | 'connecting'

export interface PeerPath {
  peerId: PeerId
  path: PathKind
  endpoint?: string
  latestHandshake?: number
}

export interface PathTimings {
  /** How long a direct endpoint gets to complete a handshake before the next one, or the relay, is tried. */
  directTimeoutMs: number
  /** While relayed, the first wait before the direct path is tried again; it doubles up to `maxRetryDirectMs`. */
  retryDirectMs: number
  maxRetryDirectMs: number
  /** WireGuard rekeys every 2 minutes and drops a session after 3: a handshake older than this is a dead path. */
  handshakeFreshMs: number
  keepaliveSeconds: number
}

export const DEFAULT_PATH_TIMINGS: PathTimings = {
  directTimeoutMs: 15_000,
  retryDirectMs: 60_000,
  maxRetryDirectMs: 15 * 60_000,
  handshakeFreshMs: 180_000,
  keepaliveSeconds: 25
}

interface PairState {
  peer: OverlayPeer
  mode: 'direct' | 'relayed'
  /** Index into the peer's endpoints of the direct attempt under way. */
  candidate: number
  attemptStartedAt: number
  retryDelayMs: number
  nextDirectRetryAt: number
  /** The endpoint we last gave WireGuard for it; undefined: none given, WireGuard goes by what it hears (roaming). */
  endpoint?: string
  relay?: DatagramRelay
}

export interface NetworkOverlayOptions {
  networkId: Uint8Array<ArrayBuffer>
  self: PeerId
  keys: WireguardKeyPair
  listenPort: number
  /** Where its WireGuard device is: a farmer's OverlayNamespace, or a joined machine's HostInterface. */
  overlay: Pick<OverlayNamespace, 'device' | 'configure'>
  /** Opens relays to other members (the peer's NetworkRelay service). */
  relays: Pick<NetworkRelay, 'open'>
  timings?: Partial<PathTimings>
}

/**
 * One network on this host and the path to each other member: WireGuard's own UDP first (each
 * endpoint the member is known at, in turn), the relay over the mesh when none completes a
 * handshake, and the direct path tried again while relayed, less and less often. Of a pair, the
 * member with the lower peer id opens the relay and retries the direct path; the other follows
 * what it hears. `tick()` makes one round of decisions; the caller runs it every few seconds.
 */
export class NetworkOverlay {
  private readonly pairs = new Map<string, PairState>()
  private readonly timings: PathTimings

  constructor (private readonly options: NetworkOverlayOptions) {
    this.timings = { ...DEFAULT_PATH_TIMINGS, ...options.timings }
  }

  /** The other members, as the network's latest version lists them: new ones get a direct attempt, gone ones are removed. */
  async setPeers (peers: OverlayPeer[], now = Date.now()): Promise<void> {
    const wanted = new Set(peers.map(peer => peer.peerId.toString()))
    for (const [id, pair] of this.pairs) {
      if (wanted.has(id)) continue
      this.pairs.delete(id)
      await pair.relay?.close()
    }
    for (const peer of peers) {
      const pair = this.pairs.get(peer.peerId.toString())
      if (pair === undefined) {
        this.pairs.set(peer.peerId.toString(), this.startDirect({ peer, mode: 'direct', candidate: 0, attemptStartedAt: now, retryDelayMs: this.timings.retryDirectMs, nextDirectRetryAt: 0 }, now))
      } else {
        pair.peer = peer
      }
    }
    await this.configure()
  }

  /** A member opened a relay to us: answer it there. */
  async inbound (peerId: PeerId, relay: DatagramRelay): Promise<void> {
    const pair = this.pairs.get(peerId.toString())
    if (pair === undefined) {
      await relay.close()
      return
    }
    if (pair.relay !== relay) await pair.relay?.close()
    pair.relay = relay
    pair.mode = 'relayed'
    pair.endpoint = `127.0.0.1:${relay.port}`
    await this.configure()
  }

  /** One round of path decisions for every member. */
  async tick (now = Date.now()): Promise<void> {
    const seen = await this.peerStatus()
    let changed = false
    for (const pair of this.pairs.values()) {
      changed = await this.decide(pair, seen.get(pair.peer.publicKey), now) || changed
    }
    if (changed) await this.configure()
  }

  async paths (now = Date.now()): Promise<PeerPath[]> {
    const seen = await this.peerStatus()
    return [...this.pairs.values()].map(pair => {
      const wg = seen.get(pair.peer.publicKey)
      const path: PathKind = !this.isFresh(wg, now) ? 'connecting' : this.viaRelay(pair, wg) ? 'relayed' : 'direct'
      return { peerId: pair.peer.peerId, path, ...(wg?.endpoint !== undefined ? { endpoint: wg.endpoint } : {}), ...(wg?.latestHandshake !== undefined ? { latestHandshake: wg.latestHandshake } : {}) }
    })
  }

  async close (): Promise<void> {
    await Promise.all([...this.pairs.values()].map(async pair => { await pair.relay?.close() }))
    this.pairs.clear()
  }

  private isFresh (wg: WireguardPeerStatus | undefined, now: number): boolean {
    return wg?.latestHandshake !== undefined && now - wg.latestHandshake < this.timings.handshakeFreshMs
  }

  /** Whether WireGuard sends to this member through its relay (the relay's loopback socket is its endpoint). */
  private viaRelay (pair: PairState, wg: WireguardPeerStatus | undefined): boolean {
    return pair.relay?.open === true && wg?.endpoint === `127.0.0.1:${pair.relay.port}`
  }

  private opensRelay (pair: PairState): boolean {
    return this.options.self.toString() < pair.peer.peerId.toString()
  }

  private startDirect (pair: PairState, now: number): PairState {
    pair.mode = 'direct'
    pair.attemptStartedAt = now
    pair.endpoint = pair.peer.endpoints[pair.candidate]
    return pair
  }

  /**
   * Try the current candidate afresh: without its session WireGuard shakes hands at once (with
   * one, it would only retry after 5 s), and only a handshake over this endpoint counts.
   */
  private async restartDirect (pair: PairState, now: number): Promise<void> {
    await this.options.overlay.device.removePeer(pair.peer.publicKey)
    this.startDirect(pair, now)
  }

  /** Decide for one pair; true when WireGuard's config must change. */
  private async decide (pair: PairState, wg: WireguardPeerStatus | undefined, now: number): Promise<boolean> {
    const fresh = this.isFresh(wg, now)
    if (pair.mode === 'relayed') {
      // the other member reached us directly: WireGuard followed it, and so do we (a relay that
      // ended leaves WireGuard at its loopback socket, with a handshake still fresh: not direct)
      if (fresh && wg?.endpoint !== undefined && wg.endpoint !== pair.endpoint && !this.viaRelay(pair, wg)) {
        await this.dropRelay(pair)
        pair.mode = 'direct'
        pair.endpoint = undefined
        return true
      }
      if (!this.opensRelay(pair)) return false
      if (pair.peer.endpoints.length > 0 && now >= pair.nextDirectRetryAt) {
        pair.candidate = 0
        pair.retryDelayMs = Math.min(pair.retryDelayMs * 2, this.timings.maxRetryDirectMs)
        await this.dropRelay(pair)
        await this.restartDirect(pair, now)
        return true
      }
      if (pair.relay?.open !== true) return await this.openRelay(pair)
      return false
    }
    if (fresh && !this.viaRelay(pair, wg)) return false
    if (now - pair.attemptStartedAt < this.timings.directTimeoutMs) return false
    if (pair.candidate + 1 < pair.peer.endpoints.length) {
      pair.candidate++
      await this.restartDirect(pair, now)
      return true
    }
    log('no direct path to %p; relaying over the mesh', pair.peer.peerId)
    pair.mode = 'relayed'
    pair.endpoint = undefined
    pair.nextDirectRetryAt = now + pair.retryDelayMs
    return this.opensRelay(pair) ? await this.openRelay(pair) : true
  }

  private async openRelay (pair: PairState): Promise<boolean> {
    try {
      pair.relay = await this.options.relays.open(pair.peer.peerId, this.options.networkId, new Uint8Array(Buffer.from(this.options.keys.publicKey, 'base64')), this.options.listenPort)
      pair.endpoint = `127.0.0.1:${pair.relay.port}`
      return true
    } catch (err: any) {
      log('relay to %p failed, trying again at the next round - %e', pair.peer.peerId, err)
      return false
    }
  }

  private async dropRelay (pair: PairState): Promise<void> {
    const relay = pair.relay
    pair.relay = undefined
    await relay?.close()
  }

  private async peerStatus (): Promise<Map<string, WireguardPeerStatus>> {
    return new Map((await this.options.overlay.device.status()).peers.map(peer => [peer.publicKey, peer]))
  }

  private async configure (): Promise<void> {
    const peers: WireguardPeer[] = [...this.pairs.values()].map(pair => ({
      publicKey: pair.peer.publicKey,
      allowedIps: [pair.peer.subnet.toString()],
      ...(pair.endpoint !== undefined ? { endpoint: pair.endpoint } : {}),
      persistentKeepalive: this.timings.keepaliveSeconds
    }))
    await this.options.overlay.configure({ privateKey: this.options.keys.privateKey, listenPort: this.options.listenPort, peers })
  }
}
