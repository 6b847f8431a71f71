import { dialLatency } from './dial-latency.js'
import type { Benchmark } from './results.js'
import { streamThroughput } from './stream-throughput.js'

/** Every benchmark `npm run bench` runs, in this order. */
export const benchmarks: readonly Benchmark[] = [streamThroughput, dialLatency]

export * from './results.js'
export { formatSummary } from './summary.js'
