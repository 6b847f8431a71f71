import { loadavg } from 'node:os'
import { monitorEventLoopDelay } from 'node:perf_hooks'
import { CAPACITY_TOPIC } from '@p2pcloud/wire'
import { inCapacityMesh, SimulationTimeoutError, startSimulation, type SimPeer, type Simulation } from '../simulation.js'
import { SocketByteCounter } from '../socket-bytes.js'
import type { Benchmark, Measurement } from './results.js'
import { median, percentile } from './stats.js'

/** Mesh sizes measured, smallest first: the mesh grows from one to the next. */
const SIZES = [50, 100] as const
/** The size whose p99 is the headline figure. */
const HEADLINE_SIZE = 100
const FARMERS = 10
/** Adverts timed per mesh size, one at a time, each by the next farmer in turn. */
const ROUNDS = 5
/** Pause after each timed advert, so its IHAVE gossip (three heartbeats) and DHT put are over before the next. */
const ROUND_GAP_MS = 1000
/** Longest wait for the last peer; a peer still without the advert then counts as missed (at this time). */
const ARRIVAL_TIMEOUT_MS = 15_000
/**
 * Bytes are counted over an idle window and then an equally long window in
 * which every farmer publishes one advert. Both last one period of libp2p's
 * connection monitor (a ping on every connection every 10 s, and on loopback
 * all peers ping at about the same moment), so each window holds one round
 * of pings and the difference is the adverts' traffic.
 */
const BYTES_WINDOW_MS = 10_000
/** Spacing of the adverts in the bytes window. */
const BYTES_ADVERT_SPACING_MS = 300
/** Settled: at most SETTLE_TOLERANCE connections opened or closed in the last QUIET_MS. */
const QUIET_MS = 3000
const SETTLE_TOLERANCE = 5
const SETTLE_TIMEOUT_MS = 150_000
const GiB = 2 ** 30
/** What a farmer books, or gives back when it holds it already: a real change of free capacity. */
const BOOKING = { cru: 1, mru: GiB, sru: 0, hru: 0, ipv4u: 0 }
const FRACTIONS = [50, 90, 99, 100] as const

interface Round {
  /** ms after the booking at which 50/90/99/100 % of the other peers held the new advert. */
  percentiles: Record<typeof FRACTIONS[number], number>
  missed: number
  loopDelayMaxMs: number
  /**
   * Share of the round this process's event loop was busy: near 1 means the
   * spread is the CPU time of a hundred peers' handling queued on one thread,
   * not network hops.
   */
  loopUtilization: number
}

async function sleep (ms: number): Promise<void> {
  await new Promise(resolve => setTimeout(resolve, ms))
}

/** The directory's seq for `farmerId` on `peer`, or -1. */
function seqOn (peer: SimPeer, farmerId: string): number {
  return peer.market.directory.get(farmerId)?.advert.seq ?? -1
}

/** Book capacity on a farmer, or release it if this farmer holds the booking: either way its free capacity changes and it advertises. */
async function changeCapacity (farmer: SimPeer): Promise<void> {
  const account = farmer.market.account
  if (account == null) throw new Error(`peer ${farmer.index} is not a farmer`)
  if (account.reserved().cru >= BOOKING.cru) await account.release(BOOKING)
  else await account.reserve(BOOKING)
}

/**
 * One advert: a farmer's free capacity changes and we time, per peer, the
 * moment its directory holds an advert newer than the farmer's previous one.
 * Arrivals are taken from gossipsub's `message` event (fired once the topic
 * validator, which writes the directory, accepted it), with a 20 ms poll as a
 * safety net.
 */
async function measureRound (simulation: Simulation, publisher: SimPeer): Promise<Round> {
  const farmerId = publisher.node.peerId.toString()
  const receivers = simulation.peers.filter(peer => peer !== publisher)
  // some peers may hold an older advert of this farmer, or none (see `MissingAdvertsBefore`): any seq above the farmer's current one is the new advert
  const before = seqOn(publisher, farmerId)
  const arrivals = new Map<SimPeer, number>()
  let start = 0
  const check = (peer: SimPeer): void => {
    if (!arrivals.has(peer) && seqOn(peer, farmerId) > before) arrivals.set(peer, performance.now() - start)
  }
  const listeners = receivers.map(peer => {
    const listener = (event: CustomEvent<{ topic: string }>): void => { if (event.detail.topic === CAPACITY_TOPIC) check(peer) }
    peer.node.services.pubsub.addEventListener('message', listener)
    return { peer, listener }
  })
  const loopDelay = monitorEventLoopDelay({ resolution: 10 })
  loopDelay.enable()
  try {
    const busyBefore = performance.eventLoopUtilization()
    start = performance.now()
    await changeCapacity(publisher)
    while (arrivals.size < receivers.length && performance.now() - start < ARRIVAL_TIMEOUT_MS) {
      receivers.forEach(check)
      await sleep(20)
    }
    const loopUtilization = performance.eventLoopUtilization(busyBefore).utilization
    // the publisher holds it from the start: "99 % of 100 peers" is the publisher and 98 others
    const times = [0, ...receivers.map(peer => arrivals.get(peer) ?? ARRIVAL_TIMEOUT_MS)]
    return {
      percentiles: Object.fromEntries(FRACTIONS.map(p => [p, percentile(times, p)])) as Round['percentiles'],
      missed: receivers.length - arrivals.size,
      loopDelayMaxMs: loopDelay.max / 1e6,
      loopUtilization
    }
  } finally {
    loopDelay.disable()
    for (const { peer, listener } of listeners) peer.node.services.pubsub.removeEventListener('message', listener)
    await sleep(ROUND_GAP_MS)
  }
}

/** Bytes the whole mesh wrote in an idle window and in a window with one advert per farmer. */
async function measureBytes (simulation: Simulation, bytes: SocketByteCounter): Promise<{ idle: number, adverts: number, advertCount: number }> {
  const idleStart = bytes.total()
  await sleep(BYTES_WINDOW_MS)
  const idle = bytes.total() - idleStart
  const farmers = simulation.farmers
  const start = performance.now()
  const advertStart = bytes.total()
  for (const farmer of farmers) {
    await changeCapacity(farmer)
    await sleep(BYTES_ADVERT_SPACING_MS)
  }
  await sleep(BYTES_WINDOW_MS - (performance.now() - start))
  return { idle, adverts: bytes.total() - advertStart, advertCount: farmers.length }
}

interface SizeResult {
  peers: number
  rounds: Round[]
  idleBytes: number
  advertBytes: number
  advertCount: number
  connectionsAvg: number
  settleMs: number
  /** Whether the mesh had formed and stopped dialling before the rounds. */
  settled: boolean
  /** Peers without a gossip mesh peer on the capacity topic when the rounds began. */
  outsideMesh: number
  /** (peer, farmer) pairs lacking any advert before the rounds: gossip does not replay adverts to peers that joined after them. */
  missingAdvertsBefore: number
}

/** Wait for the mesh to form and stop dialling; false when it had not at the deadline (we measure anyway, and say so). */
async function settle (simulation: Simulation): Promise<boolean> {
  try {
    await simulation.waitForMesh(SETTLE_TIMEOUT_MS)
    await simulation.waitForQuiet(QUIET_MS, SETTLE_TIMEOUT_MS, SETTLE_TOLERANCE)
    return true
  } catch (err) {
    if (err instanceof SimulationTimeoutError) return false
    throw err
  }
}

async function measureSize (simulation: Simulation, bytes: SocketByteCounter): Promise<SizeResult> {
  const settleStart = performance.now()
  const settled = await settle(simulation)
  const settleMs = performance.now() - settleStart
  const outsideMesh = simulation.peers.filter(peer => !inCapacityMesh(peer.node)).length
  const { missingAdverts } = simulation.directoryProgress()
  const farmers = simulation.farmers
  const rounds: Round[] = []
  for (let round = 0; round < ROUNDS; round++) {
    rounds.push(await measureRound(simulation, farmers[round % farmers.length]))
  }
  const traffic = await measureBytes(simulation, bytes)
  return {
    peers: simulation.peers.length,
    rounds,
    idleBytes: traffic.idle,
    advertBytes: traffic.adverts,
    advertCount: traffic.advertCount,
    connectionsAvg: simulation.connectionStats().avg,
    settleMs,
    settled,
    outsideMesh,
    missingAdvertsBefore: missingAdverts
  }
}

/**
 * How fast a farmer's new advert (after a booking changed its free capacity)
 * reaches every peer's directory over gossipsub, on a simulated mesh of 50
 * and then 100 peers in this process, and what one advert costs in bytes.
 * The headline is the p99 at 100 peers against gossipsub's 1 s heartbeat:
 * a mesh that only moved adverts at heartbeats would need about that per hop.
 */
async function run (): Promise<Measurement> {
  const bytes = new SocketByteCounter()
  // other work on this machine competes with the simulation for its CPU: say how much there was
  const loadBefore = loadavg()[0]
  let simulation: Simulation | undefined
  try {
    simulation = await startSimulation({
      peers: SIZES[0],
      farmers: FARMERS,
      seed: 42,
      // adverts go out at once on a booking, and no heartbeat advert falls inside the run
      debounceMs: 0,
      advertTtlSeconds: 3600
    })
    const results: SizeResult[] = []
    for (const size of SIZES) {
      while (simulation.peers.length < size) await simulation.addPeer()
      results.push(await measureSize(simulation, bytes))
    }

    const extra: Record<string, number> = {
      farmers: FARMERS,
      roundsPerSize: ROUNDS,
      bytesWindowMs: BYTES_WINDOW_MS,
      loadAverage1mBefore: loadBefore,
      loadAverage1mAfter: loadavg()[0]
    }
    let headline = NaN
    for (const result of results) {
      const n = result.peers
      const { rounds } = result
      for (const p of FRACTIONS) {
        extra[`n${n}P${p}Ms`] = median(rounds.map(r => r.percentiles[p]))
      }
      extra[`n${n}WorstP99Ms`] = Math.max(...rounds.map(r => r.percentiles[99]))
      extra[`n${n}WorstP100Ms`] = Math.max(...rounds.map(r => r.percentiles[100]))
      extra[`n${n}MissedPeers`] = rounds.reduce((sum, r) => sum + r.missed, 0)
      extra[`n${n}BytesPerPeerPerAdvert`] = (result.advertBytes - result.idleBytes) / n / result.advertCount
      extra[`n${n}IdleBytesPerPeerPerSecond`] = result.idleBytes / n / (BYTES_WINDOW_MS / 1000)
      extra[`n${n}ConnectionsPerPeerAvg`] = result.connectionsAvg
      extra[`n${n}EventLoopDelayMaxMs`] = Math.max(...rounds.map(r => r.loopDelayMaxMs))
      extra[`n${n}EventLoopUtilization`] = median(rounds.map(r => r.loopUtilization))
      extra[`n${n}SettleMs`] = result.settleMs
      extra[`n${n}Settled`] = result.settled ? 1 : 0
      extra[`n${n}PeersOutsideMeshBefore`] = result.outsideMesh
      extra[`n${n}MissingAdvertsBefore`] = result.missingAdvertsBefore
      if (n === HEADLINE_SIZE) headline = extra[`n${n}P99Ms`]
    }
    return {
      metric: `time until 99% of ${HEADLINE_SIZE} peers hold a farmer's new advert (from the booking that changed it), median of ${ROUNDS} adverts`,
      value: headline,
      unit: 'ms',
      baseline: 'gossipsub heartbeat interval (1 s): the delay of one hop for a message that waits for a heartbeat',
      baselineValue: 1000,
      extra
    }
  } finally {
    await simulation?.stop()
    bytes.close()
  }
}

export const advertPropagation: Benchmark = { name: 'advert-propagation', run }
