import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'

/** One look at a process: after a full GC, what its heap holds, its RSS and its open handles. */
export interface Sample {
  atMs: number
  heapUsed: number
  rss: number
  handles: number
  metricsBytes: number
}

// the soak measures what stays, not garbage waiting for the next collection
setFlagsFromString('--expose-gc')
const gc = runInNewContext('gc') as () => void

export async function takeSample (metricsBytes = 0): Promise<Sample> {
  gc()
  const { heapUsed, rss } = process.memoryUsage()
  return { atMs: Date.now(), heapUsed, rss, handles: process.getActiveResourcesInfo().length, metricsBytes }
}

/** Least-squares slope of `value` over time, per hour. */
export function slopePerHour (samples: Sample[], value: (sample: Sample) => number): number {
  const n = samples.length
  if (n < 2) return 0
  const xs = samples.map(s => s.atMs / 3_600_000)
  const ys = samples.map(value)
  const mx = xs.reduce((a, b) => a + b, 0) / n
  const my = ys.reduce((a, b) => a + b, 0) / n
  let num = 0
  let den = 0
  for (let i = 0; i < n; i++) {
    num += (xs[i] - mx) * (ys[i] - my)
    den += (xs[i] - mx) ** 2
  }
  return den === 0 ? 0 : num / den
}
