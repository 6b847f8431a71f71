import type { CounterGroup, HistogramGroup, Metrics } from '@libp2p/interface'
import { ErrorCodes } from './errors.js'

/**
 * What every request/response protocol of a peer reports, counted where requests are handled
 * (handleRequests) so that each protocol is measured the same way. The metrics live in the
 * peer's libp2p metrics (its Prometheus registry); a peer without metrics counts nothing.
 * Labels are only the protocol ids this peer registered and the codes it answers with: no
 * value a remote peer chooses becomes a label, so no peer can grow the series without bound.
 */
export interface RequestMeter {
  /** A request answered (with a result or an error) `seconds` after its stream opened. */
  answered(protocol: string, seconds: number): void
  /** An error answer, by its wire code (RATE_LIMITED: a rate-limit refusal). */
  refused(protocol: string, code: string): void
  /** A stream reset instead of answered: an oversized or undecodable frame, a timeout, a caller gone. */
  reset(protocol: string): void
}

interface Groups {
  requests: CounterGroup
  seconds: HistogramGroup
  errors: CounterGroup
  rateLimited: CounterGroup
  resets: CounterGroup
}

/** Request latencies from 1 ms (a capacity query on loopback) to 30 s (a deployment's work). */
const SECONDS_BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30]

const NOTHING: RequestMeter = { answered () {}, refused () {}, reset () {} }

/** The meter over `metrics` (libp2p's `components.metrics`), or one that counts nothing. */
export function requestMeter (metrics: Metrics | undefined): RequestMeter {
  if (metrics == null) return NOTHING
  // registering a name again hands back the metric already registered: every protocol shares these
  const groups: Groups = {
    requests: metrics.registerCounterGroup('p2pcloud_rpc_requests_total', { label: 'protocol', help: 'requests answered, by protocol' }),
    seconds: metrics.registerHistogramGroup('p2pcloud_rpc_request_seconds', { label: 'protocol', help: 'time from a request stream opening to its answer', buckets: SECONDS_BUCKETS }),
    errors: metrics.registerCounterGroup('p2pcloud_rpc_errors_total', { label: 'code', help: 'error answers of every protocol, by wire error code' }),
    rateLimited: metrics.registerCounterGroup('p2pcloud_rpc_rate_limited_total', { label: 'protocol', help: 'requests refused by the per-peer rate limit, by protocol' }),
    resets: metrics.registerCounterGroup('p2pcloud_rpc_resets_total', { label: 'protocol', help: 'request streams reset instead of answered (oversized, undecodable, timed out), by protocol' })
  }
  return {
    answered (protocol, seconds) {
      groups.requests.increment({ [protocol]: true })
      groups.seconds.observe({ [protocol]: seconds })
    },
    refused (protocol, code) {
      groups.errors.increment({ [code]: true })
      if (code === ErrorCodes.RATE_LIMITED) groups.rateLimited.increment({ [protocol]: true })
    },
    reset (protocol) {
      groups.resets.increment({ [protocol]: true })
    }
  }
}
