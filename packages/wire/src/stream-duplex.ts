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
    read () { stream.resume() },
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
  stream.addEventListener('message', (event: StreamMessageEvent) => {
    if (!duplex.push(event.data.subarray())) stream.pause()
  })
  let ended = false
  const end = (): void => {
    if (ended) return
    ended = true
    duplex.push(null)
  }
  stream.addEventListener('remoteCloseWrite', end)
  stream.addEventListener('close', event => {
    if (event.error != null) duplex.destroy(event.error)
    else end()
  })
  return duplex
}
