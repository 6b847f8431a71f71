import type { Duplex } from 'node:stream'
import { logger } from '@libp2p/logger'
import { byteStream } from '@libp2p/utils'
import {
  BUDGET_RETRY_AFTER_MS, ErrorCodes, GATEWAY_TUNNEL_LIMITS, GATEWAY_TUNNEL_PROTOCOL, MAX_TUNNEL_OPEN_BYTES, REQUEST_HEAD_BYTES, TokenBuckets,
  frameOf, gatewayTunnelMessages, inboundBudget, readFrameLength, streamDuplex, wireMessage
} from '@p2pcloud/wire'
import type { Connection, PeerId, Startable, Stream } from '@libp2p/interface'
import type { Registrar } from '@libp2p/interface-internal'
import type { DriverRegistry, KindServiceComponents } from '@p2pcloud/farmer'
import { NamespaceDialer } from './namespace-dialer.js'
import { networkHostId } from './network-home.js'
import { overlayNames } from './overlay-namespace.js'
import { checkTunnelOpen, farmerHoldings, TunnelProofError, type TunnelHoldings, type TunnelTarget } from './tunnel-proof.js'

const log = logger('p2pcloud:network:tunnel')

/** Opens a TCP connection to a checked target; rejects with a message the gateway may be shown. */
export type TargetConnector = (target: TunnelTarget, signal: AbortSignal) => Promise<Duplex>

export interface GatewayTunnelComponents {
  registrar: Pick<Registrar, 'handle' | 'unhandle'>
}

export interface GatewayTunnelInit {
  /** The farmer's contracts and deployments; undefined until its ledger is open (tunnels are then NOT_FOUND). */
  holdings: () => TunnelHoldings | undefined
  connect: TargetConnector
  /** What `connect` holds open (a NamespaceDialer's forwarders): closed when the service stops. */
  close?: () => Promise<void>
}

/**
 * Containers reached from inside their network's namespace (NamespaceDialer): the farmer's own
 * namespace has no route to them. A container on no network has only its loopback: it is
 * reached there, from inside its own namespace, entered by its init's pid (its driver's).
 */
export function containerConnector (self: string, dialer: Pick<NamespaceDialer, 'dial'>, drivers: () => Pick<DriverRegistry, 'get'> | undefined): TargetConnector {
  return async (target, signal) => {
    if (target.network === undefined) {
      const driver = drivers()?.get('container')
      if (driver?.netnsPid === undefined) throw new Error('this farmer runs no containers')
      const pid = async (): Promise<number | undefined> => await driver.netnsPid?.(target.contractId, target.workload)
      return await dialer.dial({ pid }, '127.0.0.1', target.port, signal)
    }
    const { netns } = overlayNames(networkHostId(self, target.twin, target.network.networkId))
    return await dialer.dial(netns, target.network.ip, target.port, signal)
  }
}

/** Bytes both ways until both sides ended; a failure of either destroys both. Returns what destroys both, and calls `onClose` once they are. */
function join (a: Duplex, b: Duplex, onClose: () => void): () => void {
  const destroy = (): void => { a.destroy(); b.destroy() }
  for (const side of [a, b]) side.once('error', destroy)
  a.once('close', () => { b.destroy() })
  b.once('close', () => { a.destroy(); onClose() })
  a.pipe(b)
  b.pipe(a)
  return destroy
}

/**
 * `/p2pcloud/gateway-tunnel/1.0.0` (protocols/gateway-tunnel.md), the backend's side: a gateway
 * farmer shows that this farmer's twin sent it a gateway workload for one of the twin's
 * containers here, and the stream then carries that container port's TCP bytes.
 */
export class GatewayTunnel implements Startable {
  private readonly rate = new TokenBuckets(GATEWAY_TUNNEL_LIMITS.ratePerSecond, GATEWAY_TUNNEL_LIMITS.burst)
  /** What closes each tunnel open now: stopping the service ends them. */
  private readonly open = new Set<() => void>()

  constructor (private readonly components: GatewayTunnelComponents, private readonly init: GatewayTunnelInit) {}

  async start (): Promise<void> {
    await this.components.registrar.handle(GATEWAY_TUNNEL_PROTOCOL, (stream, connection) => { void this.answer(stream, connection) }, {
      maxInboundStreams: GATEWAY_TUNNEL_LIMITS.maxInboundStreams,
      maxOutboundStreams: GATEWAY_TUNNEL_LIMITS.maxOutboundStreams,
      // a backend behind NAT may have only a relayed connection to the gateway
      runOnLimitedConnection: true
    })
  }

  async stop (): Promise<void> {
    await this.components.registrar.unhandle(GATEWAY_TUNNEL_PROTOCOL)
    for (const close of [...this.open]) close()
    this.open.clear()
    await this.init.close?.()
  }

  private async answer (stream: Stream, connection: Connection): Promise<void> {
    const peer = connection.remotePeer
    const bytes = byteStream(stream, { maxBufferSize: MAX_TUNNEL_OPEN_BYTES + 16 })
    const signal = AbortSignal.timeout(GATEWAY_TUNNEL_LIMITS.timeoutMs)
    const reply = async (accept: gatewayTunnelMessages.TunnelAccept): Promise<void> => {
      await bytes.write(frameOf(gatewayTunnelMessages.TunnelAccept.encode(accept)), { signal })
    }
    const refuse = async (code: string, message: string, retryAfterMs = 0): Promise<void> => {
      await reply({ error: { code, message: wireMessage(message), retryAfterMs } })
      await stream.close({ signal })
    }
    let release = (): void => {}
    try {
      // the length is checked before any byte of the frame is read, the peer's rate and the
      // process's inbound budget (protocols/README.md §7.1) before the frame is buffered
      const length = await readFrameLength(bytes, MAX_TUNNEL_OPEN_BYTES, signal)
      const waitMs = this.rate.take(peer.toString())
      if (waitMs > 0) { await refuse(ErrorCodes.RATE_LIMITED, `too many tunnels opened; retry in ${waitMs} ms`, waitMs); return }
      if (length > REQUEST_HEAD_BYTES) {
        try {
          release = await inboundBudget.acquire(peer.toString(), length, GATEWAY_TUNNEL_LIMITS.timeoutMs, signal)
        } catch (err: any) {
          if (err.name !== 'BudgetExhaustedError') throw err
          await refuse(ErrorCodes.UNAVAILABLE, err.message, BUDGET_RETRY_AFTER_MS); return
        }
      }
      const frame = length === 0 ? new Uint8Array() : (await bytes.read({ bytes: length, signal })).subarray()
      let open: gatewayTunnelMessages.TunnelOpen
      try {
        open = gatewayTunnelMessages.TunnelOpen.decode(frame)
      } catch (err: any) {
        await refuse(ErrorCodes.BAD_REQUEST, `TunnelOpen does not decode: ${err.message as string}`); return
      }
      const target = await this.check(open, peer)
      release()
      if (target === undefined) { await refuse(ErrorCodes.NOT_FOUND, 'no such backend here, or this gateway was not given it'); return }
      let backend: Duplex
      try {
        backend = await this.init.connect(target, signal)
      } catch (err: any) {
        await refuse(ErrorCodes.UNAVAILABLE, `the backend ${target.workload}:${target.port} cannot be reached: ${err.message as string}`); return
      }
      try {
        await reply({})
      } catch (err) {
        backend.destroy()
        throw err
      }
      const close = join(streamDuplex(bytes.unwrap()), backend, () => { this.open.delete(close) })
      this.open.add(close)
    } catch (err: any) {
      log('tunnel from %p failed - %e', peer, err)
      stream.abort(err)
    } finally {
      release()
    }
  }

  /** The target, or undefined when anything does not check out: one answer for all, the reason in our log. */
  private async check (open: gatewayTunnelMessages.TunnelOpen, peer: PeerId): Promise<TunnelTarget | undefined> {
    const holdings = this.init.holdings()
    if (holdings === undefined) return undefined
    try {
      return await checkTunnelOpen(open, peer.toString(), holdings)
    } catch (err: any) {
      if (!(err instanceof TunnelProofError)) throw err
      log('tunnel from %p refused - %s', peer, err.message)
      return undefined
    }
  }
}

/**
 * The backend side on a farmer that runs networks: tunnels checked against its ledger and
 * deployments, containers reached from inside their network's namespace (forwarders' sockets
 * under `socketDir`).
 */
export function farmerGatewayTunnel (components: KindServiceComponents, socketDir: string): GatewayTunnel {
  const dialer = new NamespaceDialer(socketDir)
  return new GatewayTunnel(components, {
    holdings: () => {
      const ledger = components.contracts?.ledger
      const provisioner = components.farmer?.provisioner
      return ledger === undefined || provisioner === undefined ? undefined : farmerHoldings(ledger, provisioner)
    },
    connect: containerConnector(components.peerId.toString(), dialer, () => components.farmer?.drivers),
    close: async () => { await dialer.close() }
  })
}

/** The backend side as a libp2p service: `services: { gatewayTunnel: gatewayTunnel(init) }`. */
export function gatewayTunnel (init: GatewayTunnelInit): (components: GatewayTunnelComponents) => GatewayTunnel {
  return components => new GatewayTunnel(components, init)
}
