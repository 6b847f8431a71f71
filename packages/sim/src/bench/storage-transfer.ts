import { randomBytes } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { unixfs } from '@helia/unixfs'
import { identify } from '@libp2p/identify'
import { tcp } from '@libp2p/tcp'
import { capacityExtension, type CapacityMarket, type Resources } from '@p2pcloud/capacity'
import { contractsExtension } from '@p2pcloud/contracts'
import { farmerExtension } from '@p2pcloud/farmer'
import { VERSION, type P2PCloudLibp2p } from '@p2pcloud/node'
import { twinExtension, type Twin } from '@p2pcloud/twin'
import { zdbCapability } from '@p2pcloud/zdb'
import { createHelia } from 'helia'
import { dialAddress, startLoopbackPeer } from '../loopback-peers.js'
import { farmerSettings, simulationConfig } from '../simulation.js'
import type { Benchmark, Measurement } from './results.js'
import { handleTransfers, libp2pTransfer, megabytesPerSecond } from './stream-throughput.js'

const GiB = 2 ** 30
const MiB = 2 ** 20
/** A whole number of the raw stream's 64 KiB writes. */
const FILE_BYTES = 256 * MiB
const DATA_SHARDS = 4
const PARITY_SHARDS = 2
const ROUNDS = 3
/** Each namespace holds a quarter of every round's object plus shard headers and the manifest (no deletes between rounds). */
const NAMESPACE_BYTES = ROUNDS * 80 * MiB
/** A phase that takes longer has hung: the bench fails naming it instead of running on. */
const PHASE_TIMEOUT_MS = 120_000
/** One farm and country each: the pool spreads over all six. */
const FARMS = [['gent', 'BE'], ['berlin', 'DE'], ['paris', 'FR'], ['austin', 'US'], ['oslo', 'NO'], ['madrid', 'ES']]
const FARMER_TOTAL: Resources = { cru: 2, mru: 4 * GiB, sru: GiB, hru: 10 * GiB, ipv4u: 0 }
/** What the object store and Helia are given at a time, as a file read would. */
const WRITE_CHUNK = MiB

/** A farmer offering zdb namespaces, wired as a daemon wires one (cli's capabilities.ts). */
async function startZdbFarmer (home: string, farm: string, country: string, bootstrap?: P2PCloudLibp2p): Promise<P2PCloudLibp2p> {
  const config = farmerSettings({ farm, country, city: '', total: FARMER_TOTAL, capabilities: ['zdb'], cuHour: 0.1 })
  const zdb = zdbCapability({ root: join(home, 'zdb') })
  return startLoopbackPeer(simulationConfig(bootstrap != null ? { bootstrap: [dialAddress(bootstrap)] } : {}), {
    extensions: [
      capacityExtension({ version: `p2pcloud/${VERSION}`, debounceMs: 50, farmer: { config, total: FARMER_TOTAL } }),
      contractsExtension({ farmer: { price: config.price, graceMs: 60_000 } }),
      farmerExtension({ volumesRoot: join(home, 'volumes'), drivers: [zdb.driver] }),
      // after the farmer: the protocol serves the namespaces its driver opened
      { services: { zdb: zdb.service } }
    ]
  })
}

async function startTwin (bootstrap: P2PCloudLibp2p): Promise<P2PCloudLibp2p> {
  return startLoopbackPeer(simulationConfig({ bootstrap: [dialAddress(bootstrap)] }), {
    extensions: [capacityExtension({ version: `p2pcloud/${VERSION}` }), contractsExtension({}), twinExtension()]
  })
}

async function until (what: string, condition: () => boolean, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise(resolve => setTimeout(resolve, 50))
  }
}

async function timed<T> (work: () => Promise<T>): Promise<{ result: T, ms: number }> {
  const started = performance.now()
  const result = await work()
  return { result, ms: performance.now() - started }
}

async function phase<T> (what: string, work: () => Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const hung = new Promise<never>((_resolve, reject) => { timer = setTimeout(() => { reject(new Error(`storage-transfer: ${what} took over ${PHASE_TIMEOUT_MS} ms`)) }, PHASE_TIMEOUT_MS) })
  try {
    return await Promise.race([work(), hung])
  } finally {
    clearTimeout(timer)
  }
}

async function * chunksOf (data: Uint8Array): AsyncGenerator<Uint8Array> {
  for (let at = 0; at < data.byteLength; at += WRITE_CHUNK) yield data.subarray(at, at + WRITE_CHUNK)
}

/**
 * Drains `chunks` into a buffer of `data`'s size (a copy, as a writer to disk would make) and,
 * once the clock has stopped, checks that it holds exactly `data`.
 */
async function drainTimed (what: string, data: Uint8Array, chunks: () => AsyncIterable<Uint8Array>): Promise<number> {
  const received = Buffer.alloc(data.byteLength)
  let at = 0
  const { ms } = await timed(async () => {
    for await (const chunk of chunks()) {
      if (at + chunk.byteLength > received.byteLength) throw new Error(`${what}: more than the ${data.byteLength} bytes stored`)
      received.set(chunk, at)
      at += chunk.byteLength
    }
  })
  if (at !== data.byteLength || Buffer.compare(received, data) !== 0) throw new Error(`${what}: ${at} bytes read back, not the ${data.byteLength} bytes stored`)
  return ms
}

/**
 * A Helia node with Helia's own libp2p defaults, except what would leave this machine: it listens
 * on loopback TCP only, discovers nobody (no bootstrappers, no mDNS), runs no DHT, delegated
 * routing or NAT services, and asks no HTTP gateway or delegated router.
 */
async function startOfflineHelia (): Promise<ReturnType<typeof createHelia>> {
  const helia = createHelia({
    libp2p: {
      addresses: { listen: ['/ip4/127.0.0.1/tcp/0'] },
      transports: [tcp()],
      peerDiscovery: [],
      // bitswap learns that a connected peer speaks it from identify
      services: { identify: identify() }
    },
    http: { delegatedRouters: [], recursiveGateways: [] }
  })
  await helia.start()
  return helia
}

/** Node A adds the file (unixfs, Helia's default chunking, in memory), node B, dialled to A, cats it. */
async function heliaTransfer (data: Uint8Array): Promise<{ addMs: number, fetchMs: number }> {
  const a = await startOfflineHelia()
  const b = await startOfflineHelia()
  try {
    const added = await timed(async () => unixfs(a).addByteStream(chunksOf(data)))
    await b.libp2p.dial(a.libp2p.getMultiaddrs())
    const fetchMs = await drainTimed('helia cat', data, () => unixfs(b).cat(added.result))
    return { addMs: added.ms, fetchMs }
  } finally {
    await Promise.all([a.stop(), b.stop()])
  }
}

/** One round's times: put, get, the raw stream, Helia's add and cat, in ms. */
interface RoundTimes { uploadMs: number, downloadMs: number, rawMs: number, heliaAddMs: number, heliaFetchMs: number }

/**
 * Put and get of a 256 MiB object in a 4+2 pool over six loopback farmers (encrypted,
 * erasure-coded, one zdb namespace each), against the same bytes on one raw libp2p stream
 * from a farmer to the twin, and against Helia adding the file on one node and a second
 * node fetching it over bitswap. Rounds alternate the get and the raw stream; the best of each counts.
 */
async function run (): Promise<Measurement> {
  const dir = await mkdtemp(join(tmpdir(), 'p2pcloud-bench-storage-'))
  const peers: P2PCloudLibp2p[] = []
  try {
    const data = randomBytes(FILE_BYTES)
    for (const [farm, country] of FARMS) peers.push(await startZdbFarmer(join(dir, farm), farm, country, peers[0]))
    const node = await startTwin(peers[0])
    peers.push(node)
    const market = node.services.capacity as CapacityMarket
    await until('the twin to hear every farmer', () => market.directory.size === FARMS.length)
    const twin = node.services.twin as Twin
    await phase('creating the pool', async () => twin.pools.create({ dataShards: DATA_SHARDS, parityShards: PARITY_SHARDS, namespaceBytes: NAMESPACE_BYTES, leaseMs: 3_600_000 }))
    const objects = await twin.pools.objects()
    await handleTransfers(node)

    const rounds: RoundTimes[] = []
    for (let round = 0; round < ROUNDS; round++) {
      const put = await phase('put', async () => timed(async () => objects.put(chunksOf(data), { name: `bench${round}` })))
      const { objectId } = put.result
      const get = async (): Promise<number> => phase('get', async () => drainTimed('object get', data, () => objects.get(objectId)))
      const raw = async (): Promise<number> => phase('raw stream', async () => libp2pTransfer(peers[0], node, FILE_BYTES))
      // alternate which goes first, so that warming up (JIT, connection windows, GC) favours neither
      let downloadMs: number
      let rawMs: number
      if (round % 2 === 0) { downloadMs = await get(); rawMs = await raw() } else { rawMs = await raw(); downloadMs = await get() }
      const helia = await phase('helia add and cat', async () => heliaTransfer(data))
      rounds.push({ uploadMs: put.ms, downloadMs, rawMs, heliaAddMs: helia.addMs, heliaFetchMs: helia.fetchMs })
    }

    // best of rounds: the shortest time of each
    const best = (key: keyof RoundTimes): number => megabytesPerSecond(FILE_BYTES, Math.min(...rounds.map(r => r[key])))
    const worst = (key: keyof RoundTimes): number => megabytesPerSecond(FILE_BYTES, Math.max(...rounds.map(r => r[key])))
    const download = best('downloadMs')
    const upload = best('uploadMs')
    const heliaFetch = best('heliaFetchMs')
    const heliaAdd = best('heliaAddMs')
    return {
      metric: 'download (get, fully drained) of a 256 MiB object, 4+2 over 6 loopback zdb farmers, best of rounds',
      value: download,
      unit: 'MB/s',
      baseline: 'the same bytes on one raw libp2p stream from a farmer to the twin',
      baselineValue: best('rawMs'),
      extra: {
        fileMB: FILE_BYTES / 1e6,
        rounds: ROUNDS,
        uploadMBps: upload,
        heliaAddMBps: heliaAdd,
        heliaFetchMBps: heliaFetch,
        downloadVsHeliaFetch: download / heliaFetch,
        uploadVsHeliaAdd: upload / heliaAdd,
        downloadWorstMBps: worst('downloadMs'),
        uploadWorstMBps: worst('uploadMs'),
        rawWorstMBps: worst('rawMs'),
        heliaFetchWorstMBps: worst('heliaFetchMs')
      }
    }
  } finally {
    await Promise.all(peers.map(async peer => peer.stop()))
    await rm(dir, { recursive: true, force: true })
  }
}

export const storageTransfer: Benchmark = { name: 'storage-transfer', run }
