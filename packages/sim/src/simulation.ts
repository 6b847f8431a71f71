import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { CAPABILITIES, type AdvertSettings, type CapacityMarket, type Resources } from '@p2pcloud/capacity'
import type { DaemonLibp2p, FarmerSettingsInput } from '@p2pcloud/daemon'
import { CAPACITY_TOPIC } from '@p2pcloud/wire'
import type { P2PCloudLibp2p, PeerConfigInput } from '@p2pcloud/node'
import { dialAddress, loopbackConfig, startLoopbackDaemon } from './loopback-peers.js'
import { pick, randomInt, sample, seededRandom, type Random } from './random.js'

const GiB = 2 ** 30
const TiB = 2 ** 40

/** What one simulated farmer offers; drawn from the seed unless the caller says otherwise. */
export interface FarmerProfile {
  farm: string
  country: string
  city: string
  total: Resources
  capabilities: AdvertSettings['capabilities']
  cuHour: number
}

export interface SimulationOptions {
  /** Peers in the mesh, farmers included (≥ 1). */
  peers: number
  /** How many of them are farmers (0 ≤ farmers ≤ peers; default 0). */
  farmers?: number
  /** Each new peer bootstraps from this many random earlier peers (default 3). */
  degree?: number
  /** Seed of the topology, of who is a farmer and of the farmer profiles (default 1). */
  seed?: number
  /** Override the drawn profile of farmer number `farmerIndex` (0 ≤ farmerIndex < farmers). */
  farmerProfile?: (farmerIndex: number, random: Random) => FarmerProfile
  /** Farmers' advert lifetime; they re-advertise every third of it (default: the peer default, 600 s). */
  advertTtlSeconds?: number
  /** The advertiser's debounce after a capacity change (default 500 ms, as in a real peer). */
  debounceMs?: number
  /** Peers started at once (default 8); each batch bootstraps only from peers already running. */
  startConcurrency?: number
  /** Longest wait for the mesh to form once every peer runs (default 120 s + 200 ms per peer: a peer pruned by all its mesh peers waits out their 60 s backoff). */
  formTimeoutMs?: number
  /**
   * Keep gossipsub's IP colocation penalty (default false). It gives every
   * peer a negative score once more than 10 connected peers share an IP; on
   * loopback all of them share 127.0.0.1, so with it a peer with more than 10
   * connections ungrafts (and beyond 13, ignores) all of them. The simulation
   * exempts 127.0.0.1 unless this is set.
   */
  ipColocationPenalty?: boolean
  /**
   * Config overrides on top of the simulation's settings (`connections` is
   * merged key by key). `listen`, `mdns` and `bootstrap` are the simulation's:
   * peers listen on 127.0.0.1 only and never multicast.
   */
  config?: PeerConfigInput
  onProgress?: (progress: SimulationProgress) => void
}

export type SimulationProgress =
  | { phase: 'starting', started: number, total: number, elapsedMs: number }
  | { phase: 'forming', ready: number, total: number, elapsedMs: number }
  | { phase: 'formed', elapsedMs: number }

export interface SimPeer {
  /** Position in start order; the bootstrap topology only points backwards. */
  index: number
  node: DaemonLibp2p
  market: CapacityMarket
  /** Set on farmers. */
  farmer?: FarmerProfile
  /** Indexes of the peers it bootstrapped from. */
  bootstrappedFrom: number[]
}

export interface DirectoryProgress {
  /** Peers whose directory holds every farmer. */
  completePeers: number
  peers: number
  /** (peer, farmer) pairs where the peer's directory lacks the farmer's advert. */
  missingAdverts: number
  elapsedMs: number
}

export interface ConnectionStats {
  min: number
  avg: number
  max: number
}

export interface Simulation {
  readonly peers: readonly SimPeer[]
  readonly farmers: readonly SimPeer[]
  /** From the first peer's start until every peer was running. */
  readonly startedAfterMs: number
  /** From the first peer's start until every peer had a gossip mesh peer on the capacity topic. */
  readonly formedAfterMs: number
  /** `performance.now()` when the first peer was started: the zero of the other times. */
  readonly startTime: number
  /** Open connections per peer. */
  connectionStats: () => ConnectionStats
  /** Whether every peer's directory holds a live advert of every farmer. */
  directoriesComplete: () => boolean
  /**
   * Wait until every peer's directory holds every farmer and return the time
   * since the simulation started; throws a SimulationTimeoutError saying how many are missing.
   */
  waitForDirectories: (timeoutMs?: number, onProgress?: (progress: DirectoryProgress) => void) => Promise<number>
  /** How far the directories are from holding every farmer. */
  directoryProgress: () => DirectoryProgress
  /**
   * Wait until at most `tolerance` connections opened or closed anywhere in
   * the mesh during the last `quietMs` (peers dial until they hold
   * `minConnections`, and on one CPU the handshakes of a hundred peers take a
   * while); returns the time since the simulation started. Throws a
   * SimulationTimeoutError after `timeoutMs`.
   */
  waitForQuiet: (quietMs?: number, timeoutMs?: number, tolerance?: number) => Promise<number>
  /** Connections opened and closed, summed over all peers (each connection counts at both ends). */
  readonly connectionEvents: { opened: number, closed: number }
  /** Wait until every peer (those added since the start too) has a gossip mesh peer on the capacity topic; returns the time since the start. */
  waitForMesh: (timeoutMs?: number) => Promise<number>
  /** Start one more peer (not a farmer unless `farmer` is given) that bootstraps from `degree` random running peers. */
  addPeer: (options?: { farmer?: FarmerProfile, bootstrapFrom?: number }) => Promise<SimPeer>
  /** Stop one peer (e.g. a late joiner) and forget it. */
  removePeer: (peer: SimPeer) => Promise<void>
  /** Stop every peer; never throws, safe to call twice. */
  stop: () => Promise<void>
}

export class SimulationTimeoutError extends Error {
  override name = 'SimulationTimeoutError'
}

const COUNTRIES: ReadonlyArray<[country: string, cities: string[], weight: number]> = [
  ['BE', ['Gent', 'Brussels', 'Antwerp', 'Leuven'], 4],
  ['NL', ['Amsterdam', 'Rotterdam', 'Utrecht'], 2],
  ['DE', ['Berlin', 'Frankfurt', 'Munich'], 3],
  ['FR', ['Paris', 'Lyon'], 2],
  ['US', ['Ashburn', 'Dallas', 'Portland'], 3],
  ['CA', ['Toronto', 'Montreal'], 1],
  ['EG', ['Cairo', 'Alexandria'], 2],
  ['IN', ['Mumbai', 'Bangalore'], 2],
  ['BR', ['Sao Paulo'], 1],
  ['JP', ['Tokyo', 'Osaka'], 1]
]
const COUNTRY_WEIGHT = COUNTRIES.reduce((sum, [, , weight]) => sum + weight, 0)

function drawCountry (random: Random): [string, string[]] {
  let r = random() * COUNTRY_WEIGHT
  for (const [country, cities, weight] of COUNTRIES) {
    r -= weight
    if (r < 0) return [country, cities]
  }
  const [country, cities] = COUNTRIES[0]
  return [country, cities]
}

/** A plausible farmer, from a laptop-sized node to a large server; the same `random` gives the same farmer. */
export function drawFarmerProfile (farmerIndex: number, random: Random): FarmerProfile {
  const [country, cities] = drawCountry(random)
  const cru = pick(random, [2, 4, 8, 16, 32, 64])
  const capabilities = CAPABILITIES.filter(() => random() < 0.4)
  return {
    farm: `farm-${farmerIndex % 7}-${country.toLowerCase()}`,
    country,
    city: pick(random, cities),
    total: {
      cru,
      mru: cru * pick(random, [2, 4, 8]) * GiB,
      sru: pick(random, [256 * GiB, 512 * GiB, TiB, 2 * TiB, 4 * TiB]),
      hru: pick(random, [0, 0, 4 * TiB, 16 * TiB]),
      ipv4u: randomInt(random, 5)
    },
    capabilities: capabilities.length > 0 ? capabilities : ['container'],
    cuHour: Math.round((0.05 + random() * 0.2) * 1000) / 1000
  }
}

/**
 * The farmer section of a simulated farmer's config: what it advertises, its totals stated
 * (not measured), and a minute of lease grace (a real farmer's default is a day).
 */
export function farmerSettings (profile: FarmerProfile, advertTtlSeconds?: number): FarmerSettingsInput {
  return {
    enabled: true,
    farm: profile.farm,
    country: profile.country,
    city: profile.city,
    capacity: profile.total,
    capabilities: profile.capabilities,
    price: { cuHour: profile.cuHour },
    advertTtlSeconds,
    leaseGraceSeconds: 60
  }
}

/**
 * Loopback settings for many peers in one process. Every peer is 127.0.0.1,
 * so libp2p's limit of inbound connections per host and second (default 5)
 * would refuse most of the mesh; pending inbound connections are raised for
 * the same reason. Whatever the overrides say, peers listen on 127.0.0.1
 * only and mDNS stays off: nothing leaves this machine.
 */
export function simulationConfig (overrides: PeerConfigInput = {}): PeerConfigInput {
  const base = loopbackConfig()
  return {
    ...overrides,
    listen: base.listen,
    mdns: base.mdns,
    connections: {
      ...base.connections,
      inboundConnectionsPerHostPerSecond: 1000,
      maxIncomingPendingConnections: 200,
      ...overrides.connections
    }
  }
}

async function sleep (ms: number): Promise<void> {
  await new Promise(resolve => setTimeout(resolve, ms))
}

/** gossipsub implements `getMeshPeers` but its exported interface does not declare it. */
interface MeshView { getMeshPeers?: (topic: string) => string[] }

/** Peers in this peer's gossipsub mesh for the capacity topic (its topic peers, where mesh membership cannot be read). */
export function capacityMeshPeers (node: P2PCloudLibp2p): number {
  const pubsub = node.services.pubsub
  const mesh = (pubsub as unknown as MeshView).getMeshPeers?.(CAPACITY_TOPIC)
  return mesh != null ? mesh.length : pubsub.getSubscribers(CAPACITY_TOPIC).length
}

/** A peer belongs to the formed mesh once gossipsub has grafted at least one peer into its capacity topic mesh. */
export function inCapacityMesh (node: P2PCloudLibp2p): boolean {
  return capacityMeshPeers(node) >= 1
}

async function stopQuietly (peers: readonly SimPeer[]): Promise<void> {
  await Promise.allSettled(peers.map(async peer => peer.node.stop()))
}

/**
 * Start `peers` real p2pcloud peers in this process on loopback TCP, all
 * running the capacity market, `farmers` of them farmers. Peer 0 starts alone;
 * every later peer bootstraps from `degree` random peers started before it.
 * Resolves once every peer has at least one gossipsub mesh peer on the
 * capacity topic. Everything is drawn from `seed`, except peer ids and ports.
 */
export async function startSimulation (options: SimulationOptions): Promise<Simulation> {
  const total = options.peers
  const farmerCount = options.farmers ?? 0
  const degree = options.degree ?? 3
  const concurrency = options.startConcurrency ?? 8
  if (!Number.isInteger(total) || total < 1) throw new RangeError(`peers must be a whole number ≥ 1, not ${total}`)
  if (!Number.isInteger(farmerCount) || farmerCount < 0 || farmerCount > total) throw new RangeError(`farmers must be a whole number from 0 to peers (${total}), not ${farmerCount}`)
  if (!Number.isInteger(degree) || degree < 1) throw new RangeError(`degree must be a whole number ≥ 1, not ${degree}`)
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new RangeError(`startConcurrency must be a whole number ≥ 1, not ${concurrency}`)

  const random = seededRandom(options.seed ?? 1)
  const farmerIndexes = new Set(sample(random, Array.from({ length: total }, (_, i) => i), farmerCount))
  const profiles = new Map<number, FarmerProfile>()
  let nextFarmer = 0
  for (let i = 0; i < total; i++) {
    if (!farmerIndexes.has(i)) continue
    const drawn = drawFarmerProfile(nextFarmer, random)
    profiles.set(i, options.farmerProfile?.(nextFarmer, random) ?? drawn)
    nextFarmer++
  }
  // every simulated peer is 127.0.0.1: gossipsub's penalty for many peers on one IP would bar them from the mesh
  const gossip = { ...loopbackConfig().gossip, ipColocationWhitelist: options.ipColocationPenalty === true ? [] : ['127.0.0.1'] }
  const config = simulationConfig({ gossip, ...options.config })

  const peers: SimPeer[] = []
  let stopped = false
  const connectionEvents = { opened: 0, closed: 0 }
  /** When recent connection events happened (pruned to the longest quiet window asked for). */
  let churn: number[] = []
  const noteChurn = (): void => {
    churn.push(performance.now())
    // nobody may be waiting for quiet: keep only the recent past
    if (churn.length > 20_000) churn = churn.slice(-10_000)
  }
  const onOpen = (): void => { connectionEvents.opened++; noteChurn() }
  const onClose = (): void => { connectionEvents.closed++; noteChurn() }
  const startTime = performance.now()
  const elapsed = (): number => performance.now() - startTime

  // the peers' homes: only what they publish or fetch would be written there
  const homes = await mkdtemp(join(tmpdir(), 'p2pcloud-sim-'))
  const startPeer = async (index: number, bootstrapFrom: number[], farmer?: FarmerProfile): Promise<SimPeer> => {
    const bootstrap = bootstrapFrom.map(i => {
      const peer = peers.find(candidate => candidate.index === i)
      if (peer == null) throw new Error(`no running peer ${i} to bootstrap from`)
      return dialAddress(peer.node)
    })
    const node = await startLoopbackDaemon({
      home: join(homes, `peer-${index}`),
      config: { ...config, bootstrap, ...(farmer != null ? { farmer: farmerSettings(farmer, options.advertTtlSeconds) } : {}) },
      tuning: { capacity: { debounceMs: options.debounceMs }, advertiseOnly: true }
    })
    node.addEventListener('connection:open', onOpen)
    node.addEventListener('connection:close', onClose)
    return { index, node, market: node.services.capacity, farmer, bootstrappedFrom: bootstrapFrom }
  }

  const stop = async (): Promise<void> => {
    if (stopped) return
    stopped = true
    await stopQuietly(peers)
    await rm(homes, { recursive: true, force: true })
  }

  try {
    // peer 0 alone, then batches that bootstrap only from peers already running
    for (let batchStart = 0; batchStart < total;) {
      const batchEnd = batchStart === 0 ? 1 : Math.min(total, batchStart + concurrency)
      const running = Array.from({ length: batchStart }, (_, i) => i)
      const plans = Array.from({ length: batchEnd - batchStart }, (_, offset) => {
        const index = batchStart + offset
        return { index, from: sample(random, running, degree).sort((a, b) => a - b) }
      })
      const started = await Promise.allSettled(plans.map(async plan => startPeer(plan.index, plan.from, profiles.get(plan.index))))
      for (const result of started) if (result.status === 'fulfilled') peers.push(result.value)
      const failed = started.find(result => result.status === 'rejected')
      if (failed != null) throw new Error(`starting peer failed: ${(failed as PromiseRejectedResult).reason?.message ?? failed}`, { cause: (failed as PromiseRejectedResult).reason })
      peers.sort((a, b) => a.index - b.index)
      batchStart = batchEnd
      options.onProgress?.({ phase: 'starting', started: peers.length, total, elapsedMs: elapsed() })
    }
    const startedAfterMs = elapsed()

    const waitForMesh = async (timeoutMs: number, onProgress?: (ready: number, total: number) => void): Promise<number> => {
      const deadline = performance.now() + timeoutMs
      let lastReported = -1
      while (true) {
        const count = peers.length
        const ready = count === 1 ? 1 : peers.filter(peer => inCapacityMesh(peer.node)).length
        if (ready !== lastReported) {
          onProgress?.(ready, count)
          lastReported = ready
        }
        if (ready === count) return elapsed()
        if (performance.now() > deadline) {
          const stuck = peers.filter(peer => !inCapacityMesh(peer.node)).slice(0, 5).map(peer =>
            `peer ${peer.index} (${peer.node.getConnections().length} connections, ${peer.node.services.pubsub.getSubscribers(CAPACITY_TOPIC).length} topic peers)`)
          throw new SimulationTimeoutError(`the mesh did not form within ${timeoutMs} ms: ${count - ready} of ${count} peers have no gossipsub mesh peer on ${CAPACITY_TOPIC}: ${stuck.join(', ')}${count - ready > 5 ? ', …' : ''}`)
        }
        await sleep(50)
      }
    }
    await waitForMesh(options.formTimeoutMs ?? 120_000 + 200 * total, (ready, count) => {
      options.onProgress?.({ phase: 'forming', ready, total: count, elapsedMs: elapsed() })
    })
    const formedAfterMs = elapsed()
    options.onProgress?.({ phase: 'formed', elapsedMs: formedAfterMs })

    const farmers = (): SimPeer[] => peers.filter(peer => peer.farmer != null)
    const directoryProgress = (): DirectoryProgress => {
      const ids = farmers().map(farmer => farmer.node.peerId.toString())
      let completePeers = 0
      let missingAdverts = 0
      for (const peer of peers) {
        const missing = ids.filter(id => peer.market.directory.get(id) == null).length
        if (missing === 0) completePeers++
        missingAdverts += missing
      }
      return { completePeers, peers: peers.length, missingAdverts, elapsedMs: elapsed() }
    }

    const simulation: Simulation = {
      get peers () { return peers },
      get farmers () { return farmers() },
      startedAfterMs,
      formedAfterMs,
      startTime,
      connectionStats: () => {
        const counts = peers.map(peer => peer.node.getConnections().length)
        return {
          min: Math.min(...counts),
          avg: counts.reduce((sum, count) => sum + count, 0) / counts.length,
          max: Math.max(...counts)
        }
      },
      directoriesComplete: () => directoryProgress().missingAdverts === 0,
      directoryProgress,
      waitForDirectories: async (timeoutMs = 60_000, onProgress) => {
        const until = performance.now() + timeoutMs
        let last = ''
        while (true) {
          const progress = directoryProgress()
          const key = `${progress.completePeers}/${progress.missingAdverts}`
          if (key !== last) {
            onProgress?.(progress)
            last = key
          }
          if (progress.missingAdverts === 0) return progress.elapsedMs
          if (performance.now() > until) {
            throw new SimulationTimeoutError(`after waiting ${timeoutMs} ms, ${progress.peers - progress.completePeers} of ${progress.peers} peers still miss adverts (${progress.missingAdverts} of ${progress.peers * farmers().length})`)
          }
          await sleep(50)
        }
      },
      connectionEvents,
      waitForQuiet: async (quietMs = 5000, timeoutMs = 120_000, tolerance = 0) => {
        const began = performance.now()
        const until = began + timeoutMs
        while (true) {
          const now = performance.now()
          churn = churn.filter(time => now - time < quietMs)
          // a full window must have passed since we started watching
          if (now - began >= quietMs && churn.length <= tolerance) return elapsed()
          if (now > until) {
            throw new SimulationTimeoutError(`connections were still opening or closing after ${timeoutMs} ms (${churn.length} in the last ${quietMs} ms; ${connectionEvents.opened} opened, ${connectionEvents.closed} closed so far)`)
          }
          await sleep(100)
        }
      },
      waitForMesh: async (timeoutMs = 60_000) => waitForMesh(timeoutMs),
      addPeer: async (add = {}) => {
        if (stopped) throw new Error('the simulation was stopped')
        const running = peers.map(peer => peer.index)
        const from = sample(random, running, add.bootstrapFrom ?? degree).sort((a, b) => a - b)
        const index = Math.max(...running) + 1
        const peer = await startPeer(index, from, add.farmer)
        peers.push(peer)
        return peer
      },
      removePeer: async (peer) => {
        const at = peers.indexOf(peer)
        if (at >= 0) peers.splice(at, 1)
        await peer.node.stop()
      },
      stop
    }
    return simulation
  } catch (err) {
    await stop()
    throw err
  }
}
