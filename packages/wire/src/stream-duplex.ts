import { Duplex } from 'node:stream'
import type { Stream, StreamMessageEvent } from '@libp2p/interface'

/**
 * A libp2p stream as a Node Duplex, for protocols that carry raw bytes after their handshake
 * (gateway-tunnel.md): reading pauses the stream while Node's buffer is full, writing waits for
 * the stream's drain, `end()` half-closes our side and the remote's half-close ends reading.
 * Destroying it aborts the stream; the stream's end or reset destroys it.
 */
export function streamDuplex (stream: Stream): Duplex {
  const duplex = new Duplex({
    // Node asks for more also after the stream ended; only a paused stream has anything to resume
    read () { if (stream.readStatus === 'paused') stream.resume() },
    write (chunk: Buffer, _encoding, callback) {
      if (stream.send(chunk)) { callback(); return }
      const onEnd = (): void => { stream.removeEventListener('drain', onDrain); callback(new Error('the stream closed')) }
      const onDrain = (): void => { stream.removeEventListener('close', onEnd); callback() }
      stream.addEventListener('drain', onDrain, { once: true })
      stream.addEventListener('close', onEnd, { once: true })
    },
    final (callback) { stream.close().then(() => { callback() }, callback) },
    destroy (err, callback) {
      if (stream.status === 'open') stream.abort(err ?? new Error('the tunnel was closed'))
      callback(err)
    }
  })
  let ended = false
  // the remote's half-close ends reading once what it sent before is pushed: a paused stream
  // still holds it, and dispatches it when resumed
  const endWhenRead = (): void => {
    if (ended || stream.remoteWriteStatus !== 'closed' || stream.readBufferLength > 0) return
    ended = true
    duplex.push(null)
  }
  stream.addEventListener('message', (event: StreamMessageEvent) => {
    if (!duplex.push(event.data.subarray()) && stream.readStatus === 'readable') stream.pause()
    endWhenRead()
  })
  stream.addEventListener('remoteCloseWrite', endWhenRead)
  // it may have half-closed already (its data and FIN in the packet that finished negotiation):
  // that event is gone, so look again once what it sent was dispatched (in a microtask)
  if (stream.remoteWriteStatus === 'closed') setTimeout(endWhenRead, 0)
  stream.addEventListener('close', event => {
    if (event.error != null) duplex.destroy(event.error)
    else if (!ended) {
      ended = true
      duplex.push(null)
    }
  })
  return duplex
}
