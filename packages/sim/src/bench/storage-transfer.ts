import { randomFillSync } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { unixfs } from '@helia/unixfs'
import { multiaddr } from '@multiformats/multiaddr'
import type { DaemonLibp2p } from '@p2pcloud/daemon'
import { CID } from 'multiformats/cid'
import { startLoopbackDaemon } from '../loopback-peers.js'
import { simulationConfig } from '../simulation.js'
import { BenchWorker } from './bench-worker.js'
import { chunksOf } from './file-chunks.js'
import { startOfflineHelia } from './offline-helia.js'
import type { Benchmark, Measurement } from './results.js'
import { handleTransfers, megabytesPerSecond } from './stream-throughput.js'
import type { HeliaProviderStarted } from './workers/helia-provider.js'
import type { ZdbFarmerData, ZdbFarmerStarted } from './workers/zdb-farmer.js'

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

type ZdbFarmer = BenchWorker<ZdbFarmerStarted>

/** Farmer i in a thread of its own (as a daemon on its own machine would be); each bootstraps from the first. */
async function startZdbFarmers (dir: string): Promise<ZdbFarmer[]> {
  const farmers: ZdbFarmer[] = []
  let bootstrap: string | undefined
  try {
    for (const [farm, country] of FARMS) {
      const data: ZdbFarmerData = { home: join(dir, farm), farm, country, ...(bootstrap != null ? { bootstrap } : {}) }
      const farmer = await BenchWorker.start<ZdbFarmerStarted>(new URL('./workers/zdb-farmer.js', import.meta.url), `farmer ${farm}`, data)
      farmers.push(farmer)
      bootstrap ??= farmer.started.address
    }
    return farmers
  } catch (err) {
    await Promise.all(farmers.map(async farmer => farmer.stop()))
    throw err
  }
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

/** Node A, in a thread of its own, adds the file (unixfs, Helia's default chunking, in memory); node B here, dialled to A, cats it. */
async function heliaTransfer (data: Uint8Array<SharedArrayBuffer>): Promise<{ addMs: number, fetchMs: number }> {
  const a = await BenchWorker.start<HeliaProviderStarted>(new URL('./workers/helia-provider.js', import.meta.url), 'helia provider', { data: data.buffer })
  const b = await startOfflineHelia()
  try {
    await b.libp2p.dial(a.started.addresses.map(address => multiaddr(address)))
    const fetchMs = await drainTimed('helia cat', data, () => unixfs(b).cat(CID.parse(a.started.cid)))
    return { addMs: a.started.addMs, fetchMs }
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
  let farmers: ZdbFarmer[] = []
  let node: DaemonLibp2p | undefined
  try {
    // shared: the Helia provider's thread reads the same bytes without a copy
    const data = randomFillSync(new Uint8Array(new SharedArrayBuffer(FILE_BYTES)))
    farmers = await startZdbFarmers(dir)
    const twinNode = node = await startLoopbackDaemon({ home: join(dir, 'twin'), config: simulationConfig({ bootstrap: [farmers[0].started.address] }) })
    const market = node.services.capacity
    await until('the twin to hear every farmer', () => market.directory.size === FARMS.length)
    const twin = node.services.twin
    await phase('creating the pool', async () => twin.pools.create({ dataShards: DATA_SHARDS, parityShards: PARITY_SHARDS, namespaceBytes: NAMESPACE_BYTES, leaseMs: 3_600_000 }))
    const objects = await twin.pools.objects()
    await handleTransfers(node)

    const rounds: RoundTimes[] = []
    for (let round = 0; round < ROUNDS; round++) {
      const put = await phase('put', async () => timed(async () => objects.put(chunksOf(data), { name: `bench${round}` })))
      const { objectId } = put.result
      const get = async (): Promise<number> => phase('get', async () => drainTimed('object get', data, () => objects.get(objectId)))
      const raw = async (): Promise<number> => phase('raw stream', async () => farmers[0].ask<number>('send', { to: twinNode.getMultiaddrs().map(String), bytes: FILE_BYTES }))
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
    await node?.stop()
    await Promise.all(farmers.map(async farmer => farmer.stop()))
    await rm(dir, { recursive: true, force: true })
  }
}

export const storageTransfer: Benchmark = { name: 'storage-transfer', run }
