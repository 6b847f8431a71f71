import { randomBytes } from 'node:crypto'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { buildFromDirectory } from '@p2pcloud/flist'
import type { DaemonLibp2p } from '@p2pcloud/daemon'
import { startLoopbackDaemon } from '../loopback-peers.js'
import type { Benchmark, Measurement } from './results.js'
import { CHUNK, handleTransfers, libp2pTransfer, megabytesPerSecond } from './stream-throughput.js'

const MiB = 2 ** 20
const ROUNDS = 3

/**
 * ~50 MB of random bytes (nothing compresses, nothing deduplicates): four large files,
 * as an image's binaries, and 400 small ones of 2 to 42 KiB, as its configs and scripts.
 */
async function makeTree (dir: string): Promise<{ bytes: number, files: number }> {
  let bytes = 0
  let files = 0
  const put = async (path: string, size: number): Promise<void> => {
    await writeFile(path, randomBytes(size))
    bytes += size
    files++
  }
  for (let f = 0; f < 4; f++) await put(join(dir, `large${f}`), 10 * MiB + f * 4096 + 17)
  for (let d = 0; d < 20; d++) {
    const sub = join(dir, `dir${d}`)
    await mkdir(sub, { recursive: true })
    for (let f = 0; f < 20; f++) await put(join(sub, `file${f}`), 2048 + ((d * 20 + f) * 104) % (40 * 1024))
  }
  return { bytes, files }
}

async function milliseconds (work: () => Promise<unknown>): Promise<number> {
  const started = performance.now()
  await work()
  return performance.now() - started
}

/**
 * Cold fetch + materialise of a ~50 MB flist from one peer by another (a fresh block store
 * each round: nothing is local), against the same bytes sent on one raw libp2p stream
 * between the same two peers. Rounds alternate; the best of each counts.
 */
async function run (): Promise<Measurement> {
  const dir = await mkdtemp(join(tmpdir(), 'p2pcloud-bench-flist-fetch-'))
  const peers: DaemonLibp2p[] = []
  try {
    const tree = join(dir, 'tree')
    await mkdir(tree)
    const { bytes, files } = await makeTree(tree)
    const built = await buildFromDirectory(tree, join(dir, 'tree.flist'))
    // the raw stream moves whole 64 KiB writes: the tree's size rounded up to one
    const rawBytes = Math.ceil(bytes / CHUNK.byteLength) * CHUNK.byteLength
    const fetchRates: number[] = []
    const rawRates: number[] = []
    for (let round = 0; round < ROUNDS; round++) {
      // two new peers each round: no earlier fetcher provides the flist, no rate limit carries over
      const a = await startLoopbackDaemon({ home: join(dir, 'a') })
      const b = await startLoopbackDaemon({ home: join(dir, `b${round}`) })
      peers.push(a, b)
      await handleTransfers(b)
      await b.dial(a.getMultiaddrs())
      // once connected: A's provider record goes to B's DHT
      await a.services.flists.publish(join(dir, 'tree.flist'))
      const fetch = async (): Promise<void> => {
        fetchRates.push(megabytesPerSecond(bytes, await milliseconds(async () => b.services.flists.get(built.cid, join(dir, `out${round}`)))))
      }
      const raw = async (): Promise<void> => { rawRates.push(megabytesPerSecond(rawBytes, await libp2pTransfer(a, b.getMultiaddrs(), rawBytes))) }
      // alternate which goes first, so that warming up (JIT, connection windows) favours neither
      if (round % 2 === 0) { await fetch(); await raw() } else { await raw(); await fetch() }
      await Promise.all([a.stop(), b.stop()])
    }
    return {
      metric: 'cold fetch + materialise of a ~50 MB flist from another peer, best of rounds',
      value: Math.max(...fetchRates),
      unit: 'MB/s',
      baseline: 'the same bytes on one raw libp2p stream between the same two peers',
      baselineValue: Math.max(...rawRates),
      extra: { treeMB: bytes / 1e6, files, blocks: built.blocks, rounds: ROUNDS, fetchWorstMBps: Math.min(...fetchRates), rawWorstMBps: Math.min(...rawRates) }
    }
  } finally {
    await Promise.all(peers.map(async peer => peer.stop()))
    await rm(dir, { recursive: true, force: true })
  }
}

export const flistFetch: Benchmark = { name: 'flist-fetch', run }
