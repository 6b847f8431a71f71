import { loadavg } from 'node:os'
import { fork } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import type { MemoryProbeKind, MemoryProbeResult } from '../memory-probe.js'
import type { Benchmark, Measurement } from './results.js'

const PEERS = 50
const PROBE = fileURLToPath(new URL('../memory-probe.js', import.meta.url))
const PROBE_TIMEOUT_MS = 240_000
const MiB = 2 ** 20
/**
 * Dials per bare node: about 13 each gives the 25-30 connections per node
 * that the p2pcloud peers hold once meshed (`connectionsPerPeerAvg` in the result).
 */
const BARE_DIALS = 13

/**
 * Measure in a child process of its own, with `--expose-gc`: RSS before and
 * after its peers start is then not muddied by what earlier benchmarks left
 * on this process's heap. The child stops its peers; if it hangs it is killed,
 * and its peers die with it.
 */
async function probe (kind: MemoryProbeKind, peers: number, bareDials = 0): Promise<MemoryProbeResult> {
  const child = fork(PROBE, [kind, String(peers), String(bareDials)], { execArgv: ['--expose-gc'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })
  try {
    return await new Promise<MemoryProbeResult>((resolve, reject) => {
      let result: MemoryProbeResult | undefined
      const timer = setTimeout(() => { reject(new Error(`memory probe (${kind}) did not finish within ${PROBE_TIMEOUT_MS} ms`)) }, PROBE_TIMEOUT_MS)
      child.on('message', message => { result = message as MemoryProbeResult })
      child.on('error', err => { clearTimeout(timer); reject(err) })
      child.on('exit', (code, signal) => {
        clearTimeout(timer)
        if (result != null && code === 0) resolve(result)
        else reject(new Error(`memory probe (${kind}) exited with ${signal ?? `code ${code}`} before reporting`))
      })
    })
  } finally {
    if (child.exitCode == null && child.signalCode == null) child.kill('SIGKILL')
  }
}

function perPeer (result: MemoryProbeResult): number {
  return (result.rssAfter - result.rssBefore) / result.peers / MiB
}

/**
 * Resident memory each idle p2pcloud peer adds: 50 peers running the capacity
 * market, meshed (each bootstrapped from 3 earlier ones, then dialling as a
 * real peer does) until connections stop opening and closing, RSS after
 * garbage collection, minus RSS before, per peer. Baseline: the same for bare
 * libp2p nodes (TCP + Noise + Yamux only) holding about as many connections
 * each (every new node dials BARE_DIALS random earlier nodes), so the ratio is
 * what p2pcloud's services add, not what more connections cost. The two
 * children run side by side; each reads only its own memory.
 */
async function run (): Promise<Measurement> {
  // allSettled: neither child is left running when the other fails
  const settled = await Promise.allSettled([probe('p2pcloud', PEERS), probe('bare', PEERS, BARE_DIALS)])
  const failed = settled.find(outcome => outcome.status === 'rejected')
  if (failed != null) throw (failed as PromiseRejectedResult).reason
  const [ours, bare] = settled.map(outcome => (outcome as PromiseFulfilledResult<MemoryProbeResult>).value)
  return {
    metric: `resident memory per idle peer (RSS increase / ${PEERS} peers, after GC)`,
    value: perPeer(ours),
    unit: 'MiB',
    baseline: 'bare libp2p nodes (createLibp2p with tcp + noise + yamux only), same count, about as many connections each',
    baselineValue: perPeer(bare),
    extra: {
      peers: PEERS,
      rssBeforeMiB: ours.rssBefore / MiB,
      rssAfterMiB: ours.rssAfter / MiB,
      heapUsedPerPeerMiB: (ours.heapUsedAfter - ours.heapUsedBefore) / PEERS / MiB,
      connectionsPerPeerAvg: ours.connectionsAvg,
      settleMs: ours.elapsedMs,
      bareRssBeforeMiB: bare.rssBefore / MiB,
      bareRssAfterMiB: bare.rssAfter / MiB,
      bareHeapUsedPerPeerMiB: (bare.heapUsedAfter - bare.heapUsedBefore) / PEERS / MiB,
      bareConnectionsPerPeerAvg: bare.connectionsAvg,
      loadAverage1mAfter: loadavg()[0]
    }
  }
}

export const idlePeerMemory: Benchmark = { name: 'idle-peer-memory', run }
