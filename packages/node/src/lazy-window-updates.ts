import { yamux, type YamuxMuxerInit } from '@libp2p/yamux'
import type { StreamMuxerFactory } from '@libp2p/interface'

const WINDOW_UPDATE = 1
const PAUSED = 5

/** The parts of @libp2p/yamux's stream (8.x, private there) that its window-update policy uses. */
interface YamuxStreamWindow {
  streamId: number
  state: number
  recvWindow: number
  recvWindowCapacity: number
  maxStreamWindowSize: number
  epochStart: number
  getRTT: () => number
  getSendFlags: () => number
  sendFrame: (header: { type: number, flag: number, streamID: number, length: number }) => boolean
  sendWindowUpdate: () => void
}

/**
 * Grants window as Go's yamux does, once half of it is used (or with a SYN/ACK): @libp2p/yamux
 * grants it after every data frame, a frame and an encrypted write back per message, which held
 * a request through the mesh to a third of a direct one. The same auto-tuning (double the window,
 * up to `maxStreamWindowSize`, when half of it went within 4 round trips) and never more window
 * than @libp2p/yamux would grant: what a peer can make us hold is unchanged.
 */
function sendWindowUpdateAtHalf (this: YamuxStreamWindow): void {
  if (this.state === PAUSED) {
    this.epochStart = Date.now()
    return
  }
  const flags = this.getSendFlags()
  if (flags === 0 && this.recvWindow - this.recvWindowCapacity < this.recvWindow / 2) return
  const now = Date.now()
  const rtt = this.getRTT()
  if (flags === 0 && rtt > -1 && now - this.epochStart <= rtt * 4) {
    this.recvWindow = Math.min(this.recvWindow * 2, this.maxStreamWindowSize)
  }
  const delta = this.recvWindow - this.recvWindowCapacity
  this.recvWindowCapacity = this.recvWindow
  this.epochStart = now
  this.sendFrame({ type: WINDOW_UPDATE, flag: flags, streamID: this.streamId, length: delta })
}

/** @libp2p/yamux whose streams grant window at half (see sendWindowUpdateAtHalf). */
export function yamuxLazyWindowUpdates (init?: YamuxMuxerInit): () => StreamMuxerFactory {
  const factory = yamux(init)
  return () => {
    const yamuxFactory = factory()
    const createStreamMuxer = yamuxFactory.createStreamMuxer.bind(yamuxFactory)
    yamuxFactory.createStreamMuxer = maConn => {
      const muxer = createStreamMuxer(maConn) as unknown as { _newStream: (...args: unknown[]) => YamuxStreamWindow }
      // every stream, ours and the remote's, is made here before any frame of it is handled
      const newStream = muxer._newStream.bind(muxer)
      muxer._newStream = (...args) => {
        const stream = newStream(...args)
        stream.sendWindowUpdate = sendWindowUpdateAtHalf
        return stream
      }
      return muxer as unknown as ReturnType<typeof createStreamMuxer>
    }
    return yamuxFactory
  }
}
