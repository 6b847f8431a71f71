import { logger } from '@libp2p/logger'
import { lpStream, type LengthPrefixedStream } from '@libp2p/utils'
import {
  ErrorCodes, MAX_RELAY_HANDSHAKE_BYTES, NETWORK_ID_BYTES, NETWORK_RELAY_LIMITS, NETWORK_RELAY_PROTOCOL,
  RemoteError, TokenBuckets, WIREGUARD_KEY_BYTES, networkRelayMessages, openStream, wireMessage, type StreamOpener
} from '@p2pcloud/wire'
import type { Connection, PeerId, Startable, Stream } from '@libp2p/interface'
import type { Registrar } from '@libp2p/interface-internal'
import { DatagramRelay } from './datagram-relay.js'

const log = logger('p2pcloud:network:relay')

export interface NetworkRelayComponents {
  registrar: Pick<Registrar, 'handle' | 'unhandle'>
  connectionManager: { openStream: StreamOpener['dialProtocol'] }
}

export interface NetworkRelayInit {
  /**
   * The local WireGuard port of network `networkId` when `peer` is one of its members and
   * `publicKey` that member's key; undefined otherwise (the caller is told NOT_FOUND either way).
   */
  authorize(networkId: Uint8Array, peer: PeerId, publicKey: Uint8Array): { wireguardPort: number } | undefined
  /** A member opened a relay to us: point our WireGuard's endpoint for it at `relay.port`. */
  onInbound?(networkId: Uint8Array, peer: PeerId, relay: DatagramRelay): void
}

/** A refusal of a relay, in the responder's words. */
export class RelayRefusedError extends RemoteError {}

function checkOpen (open: networkRelayMessages.RelayOpen): string | undefined {
  if (open.networkId.byteLength !== NETWORK_ID_BYTES) return `network_id must be ${NETWORK_ID_BYTES} bytes, not ${open.networkId.byteLength}`
  if (open.publicKey.byteLength !== WIREGUARD_KEY_BYTES) return `public_key must be ${WIREGUARD_KEY_BYTES} bytes, not ${open.publicKey.byteLength}`
  return undefined
}

const pairKey = (networkId: Uint8Array, peer: PeerId): string => `${Buffer.from(networkId).toString('hex')}/${peer.toString()}`

/**
 * `/p2pcloud/network-relay/1.0.0` (protocols/network-relay.md): carries a network's WireGuard
 * datagrams between two members over a libp2p stream when they cannot reach each other
 * directly. One relay per network and pair: a new one replaces the old.
 */
export class NetworkRelay implements Startable {
  private readonly relays = new Map<string, DatagramRelay>()
  private readonly rate = new TokenBuckets(NETWORK_RELAY_LIMITS.ratePerSecond, NETWORK_RELAY_LIMITS.burst)
  private readonly node: StreamOpener

  constructor (private readonly components: NetworkRelayComponents, private readonly init: NetworkRelayInit) {
    this.node = { dialProtocol: async (peer, protocols, options) => components.connectionManager.openStream(peer, protocols, options) }
  }

  async start (): Promise<void> {
    await this.components.registrar.handle(NETWORK_RELAY_PROTOCOL, (stream, connection) => { void this.answer(stream, connection) }, {
      maxInboundStreams: NETWORK_RELAY_LIMITS.maxInboundStreams,
      maxOutboundStreams: NETWORK_RELAY_LIMITS.maxOutboundStreams,
      // members behind NATs may only have a relayed connection until DCUtR makes it direct
      runOnLimitedConnection: true
    })
  }

  async stop (): Promise<void> {
    await this.components.registrar.unhandle(NETWORK_RELAY_PROTOCOL)
    await Promise.all([...this.relays.values()].map(async relay => { await relay.close() }))
    this.relays.clear()
  }

  /** Relay our WireGuard (on 127.0.0.1:`wireguardPort`) to member `peer` of network `networkId`, whose key for us is `publicKey`. */
  async open (peer: PeerId, networkId: Uint8Array<ArrayBuffer>, publicKey: Uint8Array<ArrayBuffer>, wireguardPort: number, signal = AbortSignal.timeout(NETWORK_RELAY_LIMITS.timeoutMs)): Promise<DatagramRelay> {
    const stream = await openStream(this.node, peer, NETWORK_RELAY_PROTOCOL, signal, { runOnLimitedConnection: true })
    const frames = framesOf(stream)
    try {
      await frames.write(networkRelayMessages.RelayOpen.encode({ networkId, publicKey }), { signal })
      const accept = networkRelayMessages.RelayAccept.decode(await frames.read({ signal }))
      if (accept.error != null) throw new RelayRefusedError(accept.error.code, accept.error.message, peer.toString(), NETWORK_RELAY_PROTOCOL, accept.error.retryAfterMs)
    } catch (err: any) {
      stream.abort(err)
      throw err
    }
    return this.keep(networkId, peer, await DatagramRelay.start(frames.unwrap(), wireguardPort))
  }

  /** The relay to `peer` for network `networkId`, while one is open. */
  relayTo (networkId: Uint8Array, peer: PeerId): DatagramRelay | undefined {
    const relay = this.relays.get(pairKey(networkId, peer))
    return relay?.open === true ? relay : undefined
  }

  private keep (networkId: Uint8Array, peer: PeerId, relay: DatagramRelay): DatagramRelay {
    const key = pairKey(networkId, peer)
    const previous = this.relays.get(key)
    this.relays.set(key, relay)
    void previous?.close()
    return relay
  }

  private async answer (stream: Stream, connection: Connection): Promise<void> {
    const peer = connection.remotePeer
    const frames = framesOf(stream)
    const signal = AbortSignal.timeout(NETWORK_RELAY_LIMITS.timeoutMs)
    const refuse = async (code: string, message: string, retryAfterMs = 0): Promise<void> => {
      await frames.write(networkRelayMessages.RelayAccept.encode({ error: { code, message: wireMessage(message), retryAfterMs } }), { signal })
      await stream.close({ signal })
    }
    try {
      const open = networkRelayMessages.RelayOpen.decode(await frames.read({ signal }))
      const waitMs = this.rate.take(peer.toString())
      if (waitMs > 0) { await refuse(ErrorCodes.RATE_LIMITED, `too many relays opened; retry in ${waitMs} ms`, waitMs); return }
      const problem = checkOpen(open)
      if (problem !== undefined) { await refuse(ErrorCodes.BAD_REQUEST, problem); return }
      // a stranger learns nothing: an unknown network and a non-member get the same answer
      const membership = this.init.authorize(open.networkId, peer, open.publicKey)
      if (membership === undefined) { await refuse(ErrorCodes.NOT_FOUND, 'no such network here, or you are not a member of it'); return }
      await frames.write(networkRelayMessages.RelayAccept.encode({}), { signal })
      const relay = this.keep(open.networkId, peer, await DatagramRelay.start(frames.unwrap(), membership.wireguardPort))
      this.init.onInbound?.(open.networkId, peer, relay)
    } catch (err: any) {
      log('relay from %p refused - %e', peer, err)
      stream.abort(err)
    }
  }
}

/** The handshake's frames; the datagrams after it are read by the relay itself. */
function framesOf (stream: Stream): LengthPrefixedStream<Stream> {
  return lpStream(stream, { maxDataLength: MAX_RELAY_HANDSHAKE_BYTES })
}

/** The relay as a libp2p service: `services: { networkRelay: networkRelay(init) }`. */
export function networkRelay (init: NetworkRelayInit): (components: NetworkRelayComponents) => NetworkRelay {
  return components => new NetworkRelay(components, init)
}
