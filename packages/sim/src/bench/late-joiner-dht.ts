import type { CID } from 'multiformats/cid'
import { indexKeyCid } from '@p2pcloud/capacity'
import { seededRandom } from '../random.js'
import { drawFarmerProfile, startSimulation, type FarmerProfile, type SimPeer, type Simulation } from '../simulation.js'
import type { Benchmark, Measurement } from './results.js'
import { median, percentile } from './stats.js'

const PEERS = 100
const FARMERS = 20
/** Farmers 0..BE_FARMERS-1 are in Belgium; the others are drawn from the seed (some of them may be Belgian too). They join last. */
const BE_FARMERS = 12
const WANTED = 10
const ROUNDS = 5
/** Bootstrap peers of each late joiner. */
const JOINER_BOOTSTRAP = 3
const QUIET_MS = 3000
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

interface Lookup {
  /** From starting the peer until it had a DHT routing table entry. */
  readyMs: number
  findMs: number
  found: number
  viaDht: number
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
    const findMs = performance.now() - start
    if (found.length < WANTED) throw new Error(`find returned ${found.length} BE farmers, not ${WANTED}, after ${Math.round(findMs)} ms`)
    return { readyMs, findMs, found: found.length, viaDht: found.filter(entry => entry.source === 'dht').length }
  } finally {
    await simulation.removePeer(joiner)
  }
}

/** The DHT's own floor: a fresh peer's provider lookup of the same key until WANTED distinct providers are known. */
async function timeFindProviders (simulation: Simulation): Promise<number> {
  const joiner = await simulation.addPeer({ bootstrapFrom: JOINER_BOOTSTRAP })
  try {
    await waitUntilReady(joiner)
    const cid = await indexKeyCid({ kind: 'country', country: 'BE' })
    const start = performance.now()
    const providers = await collectProviders(joiner, cid, WANTED)
    const elapsed = performance.now() - start
    if (providers.size < WANTED) throw new Error(`findProviders found ${providers.size} BE providers, not ${WANTED}`)
    return elapsed
  } finally {
    await simulation.removePeer(joiner)
  }
}

/** Wait until the BE index key has all its providers in the DHT, as seen from a peer that is not one of them. */
async function waitForProviders (simulation: Simulation, expected: number, timeoutMs = 60_000): Promise<void> {
  const cid = await indexKeyCid({ kind: 'country', country: 'BE' })
  const observer = simulation.peers.find(peer => peer.farmer == null)
  if (observer == null) throw new Error('no peer that is not a farmer')
  const deadline = performance.now() + timeoutMs
  let seen = 0
  while (performance.now() < deadline) {
    const providers = await collectProviders(observer, cid, expected)
    seen = providers.size
    if (seen >= expected) return
    await sleep(1000)
  }
  throw new Error(`after ${timeoutMs} ms the DHT knows ${seen} of ${expected} BE providers`)
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
 */
async function run (): Promise<Measurement> {
  let simulation: Simulation | undefined
  try {
    // farmers join a mesh whose DHT has settled, as in a running network: a
    // farmer's provider records then reach the peers closest to the index key
    // (on a cold start they land on whatever few peers were known; see the report)
    simulation = await startSimulation({ peers: PEERS - FARMERS, farmers: 0, seed: 7, advertTtlSeconds: 3600 })
    await simulation.waitForQuiet(QUIET_MS, 180_000)
    const random = seededRandom(7)
    for (let i = 0; i < FARMERS; i++) {
      const drawn = drawFarmerProfile(i, random)
      const belgian: FarmerProfile = { ...drawn, country: 'BE', city: 'Gent', farm: `farm-${i % 4}-be` }
      await simulation.addPeer({ farmer: i < BE_FARMERS ? belgian : drawn })
    }
    await simulation.waitForMesh(60_000)
    await simulation.waitForQuiet(QUIET_MS, 180_000)
    const belgians = simulation.farmers.filter(farmer => farmer.farmer?.country === 'BE').length
    await waitForProviders(simulation, belgians)

    const finds: Lookup[] = []
    const baselines: number[] = []
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
    const findMs = finds.map(lookup => lookup.findMs)
    return {
      metric: `late joiner: market.find({ country: 'BE', limit: ${WANTED} }) on an empty directory until ${WANTED} BE farmers, ${PEERS} peers, median of ${ROUNDS}`,
      value: median(findMs),
      unit: 'ms',
      baseline: `a fresh peer's kad-dht findProviders for the same BE index key until ${WANTED} distinct providers (no advert fetched or verified)`,
      baselineValue: median(baselines),
      extra: {
        peers: PEERS,
        farmers: FARMERS,
        belgianFarmers: belgians,
        rounds: ROUNDS,
        findMinMs: Math.min(...findMs),
        findMaxMs: Math.max(...findMs),
        findP90Ms: percentile(findMs, 90),
        baselineMinMs: Math.min(...baselines),
        baselineMaxMs: Math.max(...baselines),
        joinToDhtReadyMedianMs: median(finds.map(lookup => lookup.readyMs)),
        joinToTenFarmersMedianMs: median(finds.map(lookup => lookup.readyMs + lookup.findMs)),
        advertsFoundViaDhtMin: Math.min(...finds.map(lookup => lookup.viaDht)),
        connectionsPerPeerAvg: simulation.connectionStats().avg
      }
    }
  } finally {
    await simulation?.stop()
  }
}

export const lateJoinerDht: Benchmark = { name: 'late-joiner-dht', run }
