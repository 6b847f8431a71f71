import { appendFile, mkdir, readFile, rename, rm, stat } from 'node:fs/promises'
import { join } from 'node:path'

export interface LogChunk {
  at: number
  stream: 'stdout' | 'stderr'
  data: Uint8Array
}

/** Output a follower may have waiting before its oldest waiting chunks are dropped (a reader never holds back the container). */
export const FOLLOW_QUEUE_BYTES = 256 * 1024

/**
 * A container's output, bounded: NDJSON records in `current.log`; when it
 * passes half the bound it becomes `previous.log` (the older one is dropped),
 * so at most `maxBytes` are kept and the newest output is never lost.
 */
export class LogStore {
  private bytes = -1
  private readonly listeners = new Set<(chunk: LogChunk) => void>()
  /** Appends one at a time: stdout and stderr write concurrently, and a rotation must see the size it rotates. */
  private writing = Promise.resolve()

  constructor (private readonly dir: string, private readonly maxBytes = 2 * 2 ** 20) {}

  private get current (): string { return join(this.dir, 'current.log') }
  private get previous (): string { return join(this.dir, 'previous.log') }

  /** Resolves once the chunk is on disk; a writer that waits for it never has more than one chunk in memory. */
  async append (chunk: LogChunk): Promise<void> {
    const written = this.writing.then(async () => { await this.write(chunk) })
    this.writing = written.catch(() => {})
    await written
  }

  private async write (chunk: LogChunk): Promise<void> {
    if (this.bytes < 0) {
      await mkdir(this.dir, { recursive: true })
      this.bytes = await stat(this.current).then(s => s.size, () => 0)
    }
    const line = JSON.stringify({ t: chunk.at, s: chunk.stream === 'stdout' ? 1 : 2, d: Buffer.from(chunk.data).toString('base64') }) + '\n'
    if (this.bytes + line.length > this.maxBytes / 2) {
      await rename(this.current, this.previous).catch(() => {})
      this.bytes = 0
    }
    await appendFile(this.current, line)
    this.bytes += line.length
    for (const listener of this.listeners) listener(chunk)
  }

  /** The kept output, oldest first; only the last `tailBytes` of data when given. */
  async read (tailBytes?: number): Promise<LogChunk[]> {
    const chunks: LogChunk[] = []
    for (const file of [this.previous, this.current]) {
      const text = await readFile(file, 'utf8').catch(() => '')
      for (const line of text.split('\n')) {
        if (line === '') continue
        try {
          const record = JSON.parse(line)
          chunks.push({ at: record.t, stream: record.s === 1 ? 'stdout' : 'stderr', data: Buffer.from(record.d, 'base64') })
        } catch {
          // a line cut short by a crash mid-write: skip it, keep the rest
        }
      }
    }
    if (tailBytes == null) return chunks
    let kept = 0
    let from = chunks.length
    while (from > 0 && kept < tailBytes) kept += chunks[--from].data.byteLength
    const tail = chunks.slice(from)
    // the oldest chunk kept may be only partly wanted: its end
    if (kept > tailBytes) tail[0] = { ...tail[0], data: tail[0].data.subarray(kept - tailBytes) }
    return tail
  }

  /** The kept output, then (with `follow`) every new chunk until `signal` aborts. */
  async * logs (options: { tailBytes?: number, follow?: boolean, signal?: AbortSignal } = {}): AsyncGenerator<LogChunk> {
    const queued: LogChunk[] = []
    let queuedBytes = 0
    let wake: (() => void) | undefined
    const listener = (chunk: LogChunk): void => {
      queued.push(chunk)
      queuedBytes += chunk.data.byteLength
      // a reader that is behind loses the oldest of what waits for it (it can read the kept log again)
      while (queuedBytes > FOLLOW_QUEUE_BYTES && queued.length > 1) queuedBytes -= (queued.shift() as LogChunk).data.byteLength
      wake?.()
    }
    if (options.follow === true) this.listeners.add(listener)
    try {
      yield * await this.read(options.tailBytes)
      while (options.follow === true && options.signal?.aborted !== true) {
        if (queued.length === 0) {
          await new Promise<void>(resolve => {
            wake = resolve
            options.signal?.addEventListener('abort', () => { resolve() }, { once: true })
          })
          wake = undefined
        }
        while (queued.length > 0) {
          const chunk = queued.shift() as LogChunk
          queuedBytes -= chunk.data.byteLength
          yield chunk
        }
      }
    } finally {
      this.listeners.delete(listener)
    }
  }

  /** The last lines of output, for an error message. */
  async lastLines (maxChars = 1024): Promise<string> {
    const text = Buffer.concat((await this.read(maxChars * 2)).map(c => c.data)).toString('utf8').trimEnd()
    const lines = text.split('\n').slice(-5).join('\n')
    return lines.length > maxChars ? lines.slice(-maxChars) : lines
  }

  async remove (): Promise<void> {
    this.listeners.clear()
    await rm(this.dir, { recursive: true, force: true })
    this.bytes = -1
  }
}
