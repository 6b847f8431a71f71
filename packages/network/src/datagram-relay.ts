import { createSocket, type Socket } from 'node:dgram'
import { logger } from '@libp2p/logger'
import { MAX_RELAYED_DATAGRAM } from '@p2pcloud/wire'
import type { Stream } from '@libp2p/interface'
import type { LengthPrefixedStream } from '@libp2p/utils'

const log = logger('p2pcloud:network:relay')

/** What a relay carried, for `network show` and the benchmarks. */
export interface RelayCounters {
  /** Datagrams from our WireGuard sent on the stream. */
  sent: number
  /** Datagrams from the stream given to our WireGuard. */
  received: number
  /** Datagrams dropped: the stream could not take more (a full window drops, as a full link does), or not from our WireGuard. */
  dropped: number
}

/**
 * One relayed pair of members: what our WireGuard sends to `port` (a loopback socket of ours)
 * goes out as frames on the stream, and frames from the stream reach WireGuard's own port from
 * that socket, so WireGuard sees the other member at 127.0.0.1:`port`. Datagrams are never
 * queued: when the stream's window is full they are dropped, and WireGuard's traffic backs off
 * as on any lossy link. Closes with the stream, and the stream with it.
 */
export class DatagramRelay {
  readonly counters: RelayCounters = { sent: 0, received: 0, dropped: 0 }
  private closing?: Promise<void>

  private constructor (private readonly stream: Stream, private readonly frames: LengthPrefixedStream<Stream>, private readonly socket: Socket, private readonly wireguardPort: number) {}

  /** Start relaying between the stream (after its handshake; `frames` reads what follows) and WireGuard listening on 127.0.0.1:`wireguardPort`. */
  static async start (stream: Stream, frames: LengthPrefixedStream<Stream>, wireguardPort: number): Promise<DatagramRelay> {
    const socket = createSocket('udp4')
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject)
      socket.bind(0, '127.0.0.1', () => { socket.off('error', reject); resolve() })
    })
    const relay = new DatagramRelay(stream, frames, socket, wireguardPort)
    socket.on('message', (datagram, from) => { relay.forward(datagram, from.address, from.port) })
    socket.on('error', err => { log.error('relay socket failed - %e', err); void relay.close() })
    stream.addEventListener('close', () => { void relay.close() }, { once: true })
    void relay.deliver()
    return relay
  }

  /** Where our WireGuard reaches the other member: its endpoint for that peer while relayed. */
  get port (): number {
    return this.socket.address().port
  }

  get open (): boolean {
    return this.closing === undefined
  }

  private forward (datagram: Buffer, address: string, port: number): void {
    // only our WireGuard's datagrams go out: another local process cannot use the relay
    if (address !== '127.0.0.1' || port !== this.wireguardPort || datagram.byteLength > MAX_RELAYED_DATAGRAM || this.stream.writableNeedsDrain || this.closing !== undefined) {
      this.counters.dropped++
      return
    }
    this.counters.sent++
    this.frames.write(datagram).catch(err => { log('relay write failed - %e', err); void this.close() })
  }

  private async deliver (): Promise<void> {
    try {
      while (this.closing === undefined) {
        // a frame over MAX_RELAYED_DATAGRAM throws (the caller's lpStream limit): a violation, the stream is reset
        const datagram = await this.frames.read()
        this.counters.received++
        this.socket.send(datagram.subarray(), this.wireguardPort, '127.0.0.1')
      }
    } catch (err: any) {
      if (this.closing === undefined) {
        log('relay stream ended - %s', err.message)
        this.stream.abort(err)
      }
    } finally {
      await this.close()
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
