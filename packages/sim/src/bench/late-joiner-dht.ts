import { loadavg } from 'node:os'
import type { CID } from 'multiformats/cid'
import { indexKeyCid } from '@p2pcloud/capacity'
import { drawFarmerProfile, SimulationTimeoutError, startSimulation, type FarmerProfile, type SimPeer, type Simulation } from '../simulation.js'
import type { Benchmark, Measurement } from './results.js'
import { median } from './stats.js'

const PEERS = 100
const FARMERS = 20
/** Farmers 0..BE_FARMERS-1 are in Belgium; the others are drawn from the seed (some of them may be Belgian too). */
const BE_FARMERS = 12
const WANTED = 10
const ROUNDS = 5
/** Bootstrap peers of each late joiner. */
const JOINER_BOOTSTRAP = 3
/** Settled: at most SETTLE_TOLERANCE connections opened or closed in the last QUIET_MS. */
const QUIET_MS = 3000
const SETTLE_TOLERANCE = 5
const SETTLE_TIMEOUT_MS = 150_000
/** How long to wait for a non-farmer's lookup to see every Belgian provider before measuring anyway. */
const PROVIDERS_TIMEOUT_MS = 20_000
const DHT_TIMEOUT_MS = 10_000

async function sleep (ms: number): Promise<void> {
  await new Promise(resolve => setTimeout(resolve, ms))
}

/** kad-dht's node has a routing table; its exported interface does not declare it. */
interface RoutingTableView { routingTable?: { size: number } }

/**
 * Wait until a freshly started peer could run a DHT query: it is connected and
 * has at least one DHT server in its routing table (identify has run).
 */
async function waitUntilReady (joiner: SimPeer, timeoutMs = 10_000): Promise<void> {
  const start = performance.now()
  const table = (joiner.node.services.dht as unknown as RoutingTableView).routingTable
  if (table == null) throw new Error('cannot read the DHT routing table size (did @libp2p/kad-dht change?)')
  while (table.size === 0) {
    if (performance.now() - start > timeoutMs) throw new Error(`late joiner had no DHT peer after ${timeoutMs} ms (${joiner.node.getConnections().length} connections)`)
    await sleep(5)
  }
}

/** Distinct providers of `cid` a DHT lookup from `peer` finds, stopping at `enough` or after DHT_TIMEOUT_MS. */
async function collectProviders (peer: SimPeer, cid: CID, enough: number): Promise<Set<string>> {
  const providers = new Set<string>()
  const signal = AbortSignal.timeout(DHT_TIMEOUT_MS)
  try {
    for await (const event of peer.node.services.dht.findProviders(cid, { signal })) {
      if (event.name !== 'PROVIDER') continue
      event.providers.forEach(provider => providers.add(provider.id.toString()))
      if (providers.size >= enough) break
    }
  } catch (err: any) {
    // the lookup ran out of time: what it found so far is the answer
    if (!signal.aborted) throw err
  }
  return providers
}

interface Lookup {
  /** From starting the peer until it had a DHT routing table entry. */
  readyMs: number
  /** Until the lookup returned: with WANTED farmers, or fewer once it gave up. */
  ms: number
  found: number
  /** Of those, adverts the directory got through the DHT lookup (not gossip): asked of the provider (`direct`) or read from its record (`dht`). */
  viaDht: number
}

/** Our path: `market.find` on an empty directory, which looks up the BE index key's providers and fetches their adverts. */
async function timeFind (simulation: Simulation): Promise<Lookup> {
  const joined = performance.now()
  const joiner = await simulation.addPeer({ bootstrapFrom: JOINER_BOOTSTRAP })
  try {
    await waitUntilReady(joiner)
    const readyMs = performance.now() - joined
    if (joiner.market.directory.size !== 0) throw new Error(`the late joiner's directory already holds ${joiner.market.directory.size} adverts`)
    const start = performance.now()
    const found = await joiner.market.find({ country: 'BE', limit: WANTED }, { dhtTimeoutMs: DHT_TIMEOUT_MS })
    return { readyMs, ms: performance.now() - start, found: found.length, viaDht: found.filter(entry => entry.source === 'dht' || entry.source === 'direct').length }
  } finally {
    await simulation.removePeer(joiner)
  }
}

/** The DHT's own floor: a fresh peer's provider lookup of the same key until WANTED distinct providers are known. */
async function timeFindProviders (simulation: Simulation): Promise<Lookup> {
  const joined = performance.now()
  const joiner = await simulation.addPeer({ bootstrapFrom: JOINER_BOOTSTRAP })
  try {
    await waitUntilReady(joiner)
    const readyMs = performance.now() - joined
    const cid = await indexKeyCid({ kind: 'country', country: 'BE' })
    const start = performance.now()
    const providers = await collectProviders(joiner, cid, WANTED)
    return { readyMs, ms: performance.now() - start, found: providers.size, viaDht: providers.size }
  } finally {
    await simulation.removePeer(joiner)
  }
}

/**
 * How many Belgian providers a lookup from a peer that is not a farmer finds;
 * repeated until it sees all `expected` or PROVIDERS_TIMEOUT_MS passed.
 */
async function visibleProviders (simulation: Simulation, expected: number): Promise<number> {
  const cid = await indexKeyCid({ kind: 'country', country: 'BE' })
  const observer = simulation.peers.find(peer => peer.farmer == null)
  if (observer == null) throw new Error('no peer that is not a farmer')
  const deadline = performance.now() + PROVIDERS_TIMEOUT_MS
  let seen = 0
  while (true) {
    seen = Math.max(seen, (await collectProviders(observer, cid, expected)).size)
    if (seen >= expected || performance.now() > deadline) return seen
    await sleep(1000)
  }
}

/** Wait for the mesh to stop dialling; false when it still churned at the deadline (we measure anyway, and say so). */
async function settle (simulation: Simulation): Promise<boolean> {
  try {
    await simulation.waitForQuiet(QUIET_MS, SETTLE_TIMEOUT_MS, SETTLE_TOLERANCE)
    return true
  } catch (err) {
    if (err instanceof SimulationTimeoutError) return false
    throw err
  }
}

/**
 * A peer that joins after every advert went out has an empty directory and
 * gossip will not replay adverts to it: it finds farmers through the DHT
 * provider index. With 100 peers of which at least 12 are Belgian farmers,
 * each round starts a new peer (bootstrapping from 3 random peers) and times
 * `find({ country: 'BE', limit: 10 })` from the moment the peer has a DHT
 * routing table entry. Baseline: a fresh peer's bare `findProviders` for the
 * same key until 10 providers are known — the DHT's share, without asking
 * each farmer for its signed advert and verifying it.
 *
 * A round whose lookup ends with fewer than 10 is "short": it is counted in
 * `extra` and left out of the medians (its time is how long it took to give up).
 */
async function run (): Promise<Measurement> {
  // other work on this machine competes with the simulation for its CPU: say how much there was
  const loadBefore = loadavg()[0]
  let simulation: Simulation | undefined
  try {
    simulation = await startSimulation({
      peers: PEERS,
      farmers: FARMERS,
      seed: 7,
      advertTtlSeconds: 3600,
      farmerProfile: (farmerIndex, random) => {
        const drawn = drawFarmerProfile(farmerIndex, random)
        const belgian: FarmerProfile = { ...drawn, country: 'BE', city: 'Gent', farm: `farm-${farmerIndex % 4}-be` }
        return farmerIndex < BE_FARMERS ? belgian : drawn
      }
    })
    const settled = await settle(simulation)
    const belgians = simulation.farmers.filter(farmer => farmer.farmer?.country === 'BE').length
    const visible = await visibleProviders(simulation, belgians)

    const finds: Lookup[] = []
    const baselines: Lookup[] = []
    for (let round = 0; round < ROUNDS; round++) {
      // alternate the order, so neither side always runs on a mesh the other just warmed
      if (round % 2 === 0) {
        finds.push(await timeFind(simulation))
        baselines.push(await timeFindProviders(simulation))
      } else {
        baselines.push(await timeFindProviders(simulation))
        finds.push(await timeFind(simulation))
      }
    }
    const complete = (lookups: Lookup[]): Lookup[] => lookups.filter(lookup => lookup.found >= WANTED)
    const findMs = complete(finds).map(lookup => lookup.ms)
    const baselineMs = complete(baselines).map(lookup => lookup.ms)
    if (findMs.length === 0 || baselineMs.length === 0) {
      throw new Error(`no complete round: find found ${finds.map(l => l.found).join(', ')} and findProviders ${baselines.map(l => l.found).join(', ')} of ${WANTED} BE farmers; ` +
        `a non-farmer's lookup saw ${visible} of ${belgians} BE providers before the rounds (provider records missing from the DHT)`)
    }
    return {
      metric: `late joiner: market.find({ country: 'BE', limit: ${WANTED} }) on an empty directory until ${WANTED} BE farmers, ${PEERS} peers, median of complete rounds`,
      value: median(findMs),
      unit: 'ms',
      baseline: `a fresh peer's kad-dht findProviders for the same BE index key until ${WANTED} distinct providers (no advert fetched or verified), median of complete rounds`,
      baselineValue: median(baselineMs),
      extra: {
        peers: PEERS,
        farmers: FARMERS,
        belgianFarmers: belgians,
        belgianProvidersVisibleBefore: visible,
        settled: settled ? 1 : 0,
        rounds: ROUNDS,
        findShortRounds: finds.length - findMs.length,
        findFoundMin: Math.min(...finds.map(lookup => lookup.found)),
        findMinMs: Math.min(...findMs),
        findMaxMs: Math.max(...findMs),
        baselineShortRounds: baselines.length - baselineMs.length,
        baselineMinMs: Math.min(...baselineMs),
        baselineMaxMs: Math.max(...baselineMs),
        joinToDhtReadyMedianMs: median(finds.map(lookup => lookup.readyMs)),
        joinToTenFarmersMedianMs: median(complete(finds).map(lookup => lookup.readyMs + lookup.ms)),
        advertsFoundViaDhtMin: Math.min(...finds.map(lookup => lookup.viaDht)),
        connectionsPerPeerAvg: simulation.connectionStats().avg,
        loadAverage1mBefore: loadBefore,
        loadAverage1mAfter: loadavg()[0]
      }
    }
  } finally {
    await simulation?.stop()
  }
}

export const lateJoinerDht: Benchmark = { name: 'late-joiner-dht', run }
