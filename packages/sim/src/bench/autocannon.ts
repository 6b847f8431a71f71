import { execFile } from 'node:child_process'
import { createRequire } from 'node:module'
import { promisify } from 'node:util'

/** The autocannon command line, run as a process of its own: the load generator must not share the gateway's thread. */
const AUTOCANNON = createRequire(import.meta.url).resolve('autocannon/autocannon.js')

export interface LoadOptions {
  url: string
  /** The Host header (the gateway routes by it). */
  host?: string
  connections: number
  durationSeconds: number
  /** A fixed overall rate (requests/s); none: as fast as the server answers. */
  rate?: number
}

/** What one autocannon run saw. */
export interface LoadResult {
  requestsPerSecond: number
  p50Ms: number
  p99Ms: number
  /** Answers with a 2xx status. */
  ok: number
  /** Connection errors, timeouts (each also counted in errors by autocannon) and answers that were not 2xx. */
  errors: number
  timeouts: number
  non2xx: number
}

/** One autocannon run (at most durationSeconds plus its 10 s request timeout). */
export async function loadTest (options: LoadOptions): Promise<LoadResult> {
  const args = [AUTOCANNON, '--json', '-n', '-c', String(options.connections), '-d', String(options.durationSeconds), '-t', '5']
  if (options.host !== undefined) args.push('-H', `host=${options.host}`)
  if (options.rate !== undefined) args.push('-R', String(options.rate))
  args.push(options.url)
  const { stdout } = await promisify(execFile)(process.execPath, args, { timeout: (options.durationSeconds + 30) * 1000, maxBuffer: 16 * 2 ** 20 })
  const report = JSON.parse(stdout)
  return {
    requestsPerSecond: report['2xx'] / report.duration,
    p50Ms: report.latency.p50,
    p99Ms: report.latency.p99,
    ok: report['2xx'],
    errors: report.errors + report.non2xx,
    timeouts: report.timeouts,
    non2xx: report.non2xx
  }
}
