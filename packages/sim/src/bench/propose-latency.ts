import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { echoRequest, serveEchoRequests } from './echo-request.js'
import { startContractPeer } from '../market-peers.js'
import type { Benchmark, Measurement } from './results.js'
import { median, percentile } from './stats.js'

const ROUNDS = 300
/** Two contract calls a round: 50 ms between rounds keeps one twin at 40 calls/s. */
const PACE_MS = 50
const GiB = 2 ** 30

/**
 * Propose → accept latency on a warm connection (the quote is fetched before
 * the clock starts), against the round trip of a trivial request/response on
 * the same connection. The farmer's ledger is in memory here: this measures
 * the protocol, the contract-throughput benchmark the durable path.
 */
async function run (): Promise<Measurement> {
  const dir = await mkdtemp(join(tmpdir(), 'p2pcloud-bench-propose-'))
  // one twin keeps every contract it proposes open: more than a farmer's default limit per twin
  const farmer = await startContractPeer({ home: join(dir, 'farmer'), farmer: { total: { cru: 64, mru: 256 * GiB, sru: 100_000 * GiB, hru: 0, ipv4u: 0 }, maxOpenContractsPerTwin: ROUNDS + 20 } })
  const twin = await startContractPeer({ home: join(dir, 'twin'), bootstrap: farmer.node })
  try {
    await serveEchoRequests(farmer.node)
    await twin.node.dial(farmer.node.getMultiaddrs())
    const propose: number[] = []
    const bare: number[] = []
    for (let i = 0; i < ROUNDS + 20; i++) {
      const { envelope } = await twin.contracts.client.quote(farmer.node.peerId, { cru: 0, mru: 0, sru: GiB, hru: 0, ipv4u: 0 }, 3_600_000)
      let start = performance.now()
      await twin.contracts.client.propose(farmer.node.peerId, envelope)
      const proposeMs = performance.now() - start
      start = performance.now()
      await echoRequest(twin.node, farmer.node.peerId)
      const bareMs = performance.now() - start
      if (i >= 20) { // the first rounds warm up JIT and streams
        propose.push(proposeMs)
        bare.push(bareMs)
      }
      // stay under the farmer's per-peer rate (50/s): a rate-limited call would time a wait
      await new Promise(resolve => setTimeout(resolve, PACE_MS))
    }
    return {
      metric: 'propose → accept latency on a warm connection, p50',
      value: median(propose),
      unit: 'ms',
      baseline: 'round trip of a trivial request/response (same framing, new stream) on the same connection, p50',
      baselineValue: median(bare),
      extra: { rounds: ROUNDS, proposeP99Ms: percentile(propose, 99), bareP99Ms: percentile(bare, 99) }
    }
  } finally {
    await Promise.all([twin, farmer].map(async p => p.node.stop()))
    await rm(dir, { recursive: true, force: true })
  }
}

export const proposeLatency: Benchmark = { name: 'propose-latency', run }
