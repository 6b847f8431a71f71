/** Cuts a byte stream into segments of exactly `size` bytes, the last one shorter (none for an empty stream). */
export async function * segmentsOf (source: AsyncIterable<Uint8Array>, size: number): AsyncGenerator<Buffer> {
  let segment = Buffer.allocUnsafe(size)
  let filled = 0
  for await (const chunk of source) {
    let at = 0
    while (at < chunk.byteLength) {
      const n = Math.min(size - filled, chunk.byteLength - at)
      segment.set(chunk.subarray(at, at + n), filled)
      filled += n
      at += n
      if (filled === size) {
        yield segment
        segment = Buffer.allocUnsafe(size)
        filled = 0
      }
    }
  }
  if (filled > 0) yield segment.subarray(0, filled)
}

/**
 * At most `limit` tasks at once: `add` waits while the window is full. The first task that
 * fails stops it: `add` and `drain` throw that error (drain once every task has ended).
 */
export class Window {
  private readonly running = new Set<Promise<void>>()
  private failure?: { error: unknown }

  constructor (private readonly limit: number) {}

  async add (task: () => Promise<void>): Promise<void> {
    while (this.running.size >= this.limit && this.failure == null) await Promise.race(this.running)
    if (this.failure != null) throw this.failure.error
    const run: Promise<void> = task()
      .catch(error => { this.failure ??= { error } })
      .finally(() => this.running.delete(run))
    this.running.add(run)
  }

  async drain (): Promise<void> {
    await Promise.all(this.running)
    if (this.failure != null) throw this.failure.error
  }
}

/** Runs `task` for 0..count-1, at most `limit` at once. */
export async function forEachBounded (count: number, limit: number, task: (i: number) => Promise<void>): Promise<void> {
  const window = new Window(limit)
  try {
    for (let i = 0; i < count; i++) await window.add(async () => task(i))
  } finally {
    await window.drain()
  }
}
