import { pushable } from 'it-pushable'
import type { IncomingMessage } from 'node:http'

/**
 * A route's answer that is streamed instead of sent as one JSON value: long
 * work reports progress as it goes (`ndjson`), logs follow, files come out as
 * bytes (`raw`). An error after the first line is sent as a last NDJSON line
 * `{"error":{"name","message"}}`; a raw stream is cut off (the client sees a
 * short body).
 */
export type Streamed =
  | { kind: 'ndjson', lines: AsyncIterable<unknown> }
  | { kind: 'raw', contentType: string, chunks: AsyncIterable<Uint8Array> }

const STREAMED = Symbol('p2pcloud.streamed')

/** Answer with one JSON value per line, flushed as each is produced. */
export function ndjson (lines: AsyncIterable<unknown>): Streamed {
  return Object.assign({ kind: 'ndjson' as const, lines }, { [STREAMED]: true })
}

/** Answer with bytes as they come. */
export function rawBytes (chunks: AsyncIterable<Uint8Array>, contentType = 'application/octet-stream'): Streamed {
  return Object.assign({ kind: 'raw' as const, contentType, chunks }, { [STREAMED]: true })
}

export function isStreamed (value: unknown): value is Streamed {
  return typeof value === 'object' && value != null && (value as any)[STREAMED] === true
}

/**
 * Long work as NDJSON: every progress report is a line `{"progress": …}`, the result the last
 * line `{"done": …}` (a failure, the API's error line).
 */
export function withProgress<P, R> (work: (onProgress: (p: P) => void) => Promise<R>): Streamed {
  const lines = pushable<unknown>({ objectMode: true })
  work(progress => { lines.push({ progress }) }).then(done => { lines.push({ done }); lines.end() }, err => { lines.end(err) })
  return ndjson(lines)
}

/** Aborts when the client goes away: long and followed work stops with it. */
export function clientGone (req: IncomingMessage): AbortSignal {
  const gone = new AbortController()
  req.socket.once('close', () => { gone.abort() })
  return gone.signal
}

/**
 * Bytes as they come, once the first has: a failure before it (nothing to read, unreachable)
 * is an HTTP error instead of a body cut short.
 */
export async function rawBytesOnceStarted (chunks: AsyncIterator<Uint8Array>): Promise<Streamed> {
  const first = await chunks.next()
  return rawBytes((async function * () {
    if (first.done === true) return
    yield first.value
    for (let next = await chunks.next(); next.done !== true; next = await chunks.next()) yield next.value
  })())
}
