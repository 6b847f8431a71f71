/**
 * Child process of the idle-peer-memory benchmark: measures, in a process of
 * its own (so nothing earlier in the bench run is on its heap), how much
 * resident memory N idle peers add. Run with `--expose-gc`:
 *
 *   node --expose-gc memory-probe.js <p2pcloud|bare> <peers> [bare dials per node]
 *
 * and it answers one JSON `MemoryProbeResult` over the IPC channel (or stdout).
 */
import { noise } from '@chainsafe/libp2p-noise'
import { generateKeyPair } from '@libp2p/crypto/keys'
import type { Libp2p } from '@libp2p/interface'
import { tcp } from '@libp2p/tcp'
import { yamux } from '@libp2p/yamux'
import { createLibp2p } from 'libp2p'
import { pathToFileURL } from 'node:url'
import { sample, seededRandom } from './random.js'
import { startSimulation } from './simulation.js'

export type MemoryProbeKind = 'p2pcloud' | 'bare'

export interface MemoryProbeResult {
  kind: MemoryProbeKind
  peers: number
  rssBefore: number
  rssAfter: number
  heapUsedBefore: number
  heapUsedAfter: number
  connectionsAvg: number
  /** From starting the first peer until the memory was read. */
  elapsedMs: number
}

/** Bootstrap peers per new peer, as in the simulation. */
const DEGREE = 3
/** Time for timers, identify and the first heartbeats to have run before memory is read. */
const SETTLE_MS = 5000

async function sleep (ms: number): Promise<void> {
  await new Promise(resolve => setTimeout(resolve, ms))
}

/** Collect garbage until the heap stops shrinking, then read RSS. */
async function settledMemory (): Promise<NodeJS.MemoryUsage> {
  const gc = (globalThis as { gc?: () => void }).gc
  if (gc == null) throw new Error('run the memory probe with --expose-gc')
  for (let i = 0; i < 3; i++) {
    gc()
    await sleep(200)
  }
  return process.memoryUsage()
}

/** Bare libp2p: TCP + Noise + Yamux and nothing else; each new node dials `dials` random earlier ones. */
async function startBare (count: number, dials: number): Promise<Libp2p[]> {
  const random = seededRandom(1)
  const nodes: Libp2p[] = []
  try {
    for (let i = 0; i < count; i++) {
      const node = await createLibp2p({
        privateKey: await generateKeyPair('Ed25519'),
        addresses: { listen: ['/ip4/127.0.0.1/tcp/0'] },
        transports: [tcp()],
        connectionEncrypters: [noise()],
        streamMuxers: [yamux()],
        connectionManager: { inboundConnectionThreshold: 1000 }
      })
      for (const target of sample(random, nodes, dials)) await node.dial(target.getMultiaddrs())
      nodes.push(node)
    }
    return nodes
  } catch (err) {
    await Promise.allSettled(nodes.map(async node => node.stop()))
    throw err
  }
}

export async function probeMemory (kind: MemoryProbeKind, peers: number, bareDials = DEGREE): Promise<MemoryProbeResult> {
  const before = await settledMemory()
  const start = performance.now()
  if (kind === 'bare') {
    const nodes = await startBare(peers, bareDials)
    try {
      await sleep(SETTLE_MS)
      const after = await settledMemory()
      const connections = nodes.reduce((sum, node) => sum + node.getConnections().length, 0) / nodes.length
      return result(kind, peers, before, after, connections, start)
    } finally {
      await Promise.allSettled(nodes.map(async node => node.stop()))
    }
  }
  const simulation = await startSimulation({ peers, farmers: 0, seed: 1, degree: DEGREE })
  try {
    // idle: the mesh has formed and connections stopped opening and closing
    await simulation.waitForQuiet(3000, 180_000)
    await sleep(SETTLE_MS)
    const after = await settledMemory()
    return result(kind, peers, before, after, simulation.connectionStats().avg, start)
  } finally {
    await simulation.stop()
  }
}

function result (kind: MemoryProbeKind, peers: number, before: NodeJS.MemoryUsage, after: NodeJS.MemoryUsage, connectionsAvg: number, start: number): MemoryProbeResult {
  return {
    kind,
    peers,
    rssBefore: before.rss,
    rssAfter: after.rss,
    heapUsedBefore: before.heapUsed,
    heapUsedAfter: after.heapUsed,
    connectionsAvg,
    elapsedMs: performance.now() - start
  }
}

/** When run as the child: `<kind> <peers> [bare dials per node]`. */
async function main (): Promise<void> {
  const [kind, count, dials] = process.argv.slice(2)
  if (kind !== 'p2pcloud' && kind !== 'bare') throw new Error(`kind must be p2pcloud or bare, not ${kind}`)
  const peers = Number(count)
  if (!Number.isInteger(peers) || peers < 1) throw new Error(`peers must be a whole number ≥ 1, not ${count}`)
  const bareDials = dials == null ? DEGREE : Number(dials)
  if (!Number.isInteger(bareDials) || bareDials < 0) throw new Error(`dials must be a whole number, not ${dials}`)
  const measured = await probeMemory(kind, peers, bareDials)
  if (process.send != null) {
    await new Promise<void>((resolve, reject) => { process.send?.(measured, undefined, {}, err => { if (err == null) resolve(); else reject(err) }) })
  } else {
    console.log(JSON.stringify(measured))
  }
}

if (process.argv[1] != null && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().then(() => process.exit(0), err => {
    console.error(err)
    process.exit(1)
  })
}
