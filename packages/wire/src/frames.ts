import type { Writable } from 'node:stream'
import { Uint8ArrayList } from 'uint8arraylist'
import { frameOf, readVarint } from './proto-bytes.js'

/** A frame whose length prefix is over the limit of its protocol: the stream is reset unread. */
export class FrameTooLargeError extends Error {
  override name = 'FrameTooLargeError'
}

/**
 * The frames (protocols/README.md §4.1) of a byte source, each decided from its length prefix
 * before any of it is buffered: one over `maxBytes` throws a FrameTooLargeError. Reads only as
 * fast as the frames are taken, so a Node stream's own backpressure holds the sender back.
 */
export async function * readFrames (source: AsyncIterable<Uint8Array>, maxBytes: number | ((index: number) => number), what = 'a frame'): AsyncGenerator<Uint8Array> {
  const buffer = new Uint8ArrayList()
  let index = 0
  for await (const chunk of source) {
    buffer.append(chunk)
    while (true) {
      const head = buffer.subarray(0, Math.min(buffer.byteLength, 10))
      const length = readVarint(head, 0)
      if (length == null) {
        if (head.byteLength >= 10) throw new FrameTooLargeError(`${what} length of more than 10 varint bytes`)
        break
      }
      const max = typeof maxBytes === 'number' ? maxBytes : maxBytes(index)
      if (length.value > max) throw new FrameTooLargeError(`${what} of ${length.value} bytes, over the limit of ${max}`)
      if (buffer.byteLength < length.next + length.value) break
      yield buffer.subarray(length.next, length.next + length.value)
      buffer.consume(length.next + length.value)
      index++
    }
  }
  if (buffer.byteLength > 0) throw new Error(`the stream ended inside ${what}`)
}

/** Write one frame; resolves once the stream takes more (its backpressure), rejects when it is gone. */
export async function writeFrame (to: Writable, message: Uint8Array): Promise<void> {
  await writeBytes(to, frameOf(message).subarray())
}

/** Write bytes; resolves once the stream takes more (its backpressure), rejects when it is gone. */
export async function writeBytes (to: Writable, bytes: Uint8Array): Promise<void> {
  if (to.destroyed || to.writableEnded) throw new Error('the stream is closed')
  if (to.write(bytes)) return
  await new Promise<void>((resolve, reject) => {
    const done = (err?: Error): void => {
      to.off('drain', onDrain)
      to.off('close', onClose)
      if (err != null) reject(err)
      else resolve()
    }
    const onDrain = (): void => { done() }
    const onClose = (): void => { done(new Error('the stream closed')) }
    to.once('drain', onDrain)
    to.once('close', onClose)
  })
}
