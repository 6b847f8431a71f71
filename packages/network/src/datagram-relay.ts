import { createSocket, type Socket } from 'node:dgram'
import { logger } from '@libp2p/logger'
import { LengthPrefixedDecoder } from '@libp2p/utils'
import { MAX_RELAYED_DATAGRAM, varintBytes } from '@p2pcloud/wire'
import type { Stream, StreamMessageEvent } from '@libp2p/interface'

const log = logger('p2pcloud:network:relay')

/** What a relay carried, for `network show` and the benchmarks. */
export interface RelayCounters {
  /** Datagrams from our WireGuard sent on the stream. */
  sent: number
  /** Datagrams from the stream given to our WireGuard. */
  received: number
  /** Datagrams dropped: the stream could not take more (a full window drops, as a full link does), or of no size a frame may have. */
  dropped: number
}

/**
 * Datagrams from one turn of the event loop go out as one write: a write per datagram costs a
 * muxer frame and an encryption each, which held the relay to a twentieth of a stream's speed.
 * Past this many bytes waiting, datagrams are dropped.
 */
const MAX_PENDING_BYTES = 256 * 1024

/**
 * The relay socket's kernel buffers. WireGuard sends in bursts faster than one event-loop turn
 * reads, and the default 208 KiB dropped a tenth of a bulk transfer's datagrams, which the
 * workloads' TCP took for congestion. The kernel caps it at net.core.rmem_max/wmem_max. Only
 * our WireGuard writes into it (the socket is connected): a peer cannot make us hold it.
 */
const SOCKET_BUFFER_BYTES = 4 * 1024 * 1024

/**
 * One relayed pair of members: what our WireGuard sends to `port` (a loopback socket of ours)
 * goes out as frames on the stream, and frames from the stream reach WireGuard's own port from
 * that socket, so WireGuard sees the other member at 127.0.0.1:`port`. Datagrams are never
 * queued past one turn of the event loop: when the stream's window is full they are dropped,
 * and WireGuard's traffic backs off as on any lossy link. Closes with the stream, and the
 * stream with it.
 */
export class DatagramRelay {
  readonly counters: RelayCounters = { sent: 0, received: 0, dropped: 0 }
  private closing?: Promise<void>
  private pending: Uint8Array[] = []
  private pendingBytes = 0
  private flushScheduled = false
  // a chunk from the muxer holds many frames (its default buffer bound takes any chunk the muxer's
  // window lets through); between chunks it keeps at most one partial frame
  private readonly decoder = new LengthPrefixedDecoder({ maxDataLength: MAX_RELAYED_DATAGRAM })

  private constructor (private readonly stream: Stream, private readonly socket: Socket) {}

  /**
   * Start relaying between `stream` (its handshake done; whatever was read past it already
   * given back to the stream) and WireGuard listening on 127.0.0.1:`wireguardPort`.
   */
  static async start (stream: Stream, wireguardPort: number): Promise<DatagramRelay> {
    const socket = createSocket({ type: 'udp4', recvBufferSize: SOCKET_BUFFER_BYTES, sendBufferSize: SOCKET_BUFFER_BYTES })
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject)
      // connected to our WireGuard: the kernel takes datagrams from it alone (another local
      // process cannot use the relay), and a send needs no address of its own
      socket.bind(0, '127.0.0.1', () => { socket.connect(wireguardPort, '127.0.0.1', () => { socket.off('error', reject); resolve() }) })
    })
    const relay = new DatagramRelay(stream, socket)
    socket.on('message', datagram => { relay.forward(datagram) })
    socket.on('error', err => { log.error('relay socket failed - %e', err); void relay.close() })
    stream.addEventListener('message', event => { relay.deliver(event) })
    stream.addEventListener('close', () => { void relay.close() }, { once: true })
    return relay
  }

  /** Where our WireGuard reaches the other member: its endpoint for that peer while relayed. */
  get port (): number {
    return this.socket.address().port
  }

  get open (): boolean {
    return this.closing === undefined
  }

  private forward (datagram: Buffer): void {
    if (datagram.byteLength > MAX_RELAYED_DATAGRAM || datagram.byteLength === 0 ||
      this.stream.writableNeedsDrain || this.pendingBytes > MAX_PENDING_BYTES || this.closing !== undefined) {
      this.counters.dropped++
      return
    }
    this.pending.push(varintBytes(datagram.byteLength), datagram)
    this.pendingBytes += datagram.byteLength
    if (!this.flushScheduled) {
      this.flushScheduled = true
      setImmediate(() => { this.flush() })
    }
  }

  private flush (): void {
    const frames = this.pending
    const count = frames.length / 2
    this.flushScheduled = false
    this.pending = []
    this.pendingBytes = 0
    if (this.closing !== undefined || this.stream.status !== 'open') return
    this.counters.sent += count
    this.stream.send(Buffer.concat(frames))
  }

  private deliver (event: StreamMessageEvent): void {
    try {
      // a frame over MAX_RELAYED_DATAGRAM throws: a violation, the stream is reset
      for (const datagram of this.decoder.decode(event.data)) {
        this.counters.received++
        this.socket.send(datagram.subarray())
      }
    } catch (err: any) {
      log('relay stream violated the protocol - %s', err.message)
      this.stream.abort(err)
      void this.close()
    }
  }

  /** Stop relaying: the socket closes and the stream ends. */
  async close (): Promise<void> {
    this.closing ??= (async () => {
      this.socket.close()
      await this.stream.close().catch(err => { this.stream.abort(err) })
    })()
    await this.closing
  }
}
