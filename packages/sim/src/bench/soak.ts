import { fork, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { peerIdFromString } from '@libp2p/peer-id'
import { multiaddr } from '@multiformats/multiaddr'
import { parseDeploymentSpec } from '@p2pcloud/twin'
import { ZdbClient } from '@p2pcloud/zdb'
import { startLoopbackDaemon } from '../loopback-peers.js'
import { simulationConfig } from '../simulation.js'
import type { Benchmark, Measurement } from './results.js'
import { slopePerHour, takeSample, type Sample } from './soak-sample.js'

const FARMER = fileURLToPath(new URL('./workers/soak-farmer-process.js', import.meta.url))
const MiB = 2 ** 20
/** How long the traffic runs: P2PCLOUD_SOAK_MINUTES (default 3; 60 for the closing figures). */
const MINUTES = Number(process.env.P2PCLOUD_SOAK_MINUTES ?? 3)
/** Heap growth (MB/hour, after a full GC, over the whole run) past which the soak fails: P2PCLOUD_SOAK_MAX_SLOPE_MB_H, default 20. */
const MAX_SLOPE_MB_H = Number(process.env.P2PCLOUD_SOAK_MAX_SLOPE_MB_H ?? 20)
/** Growth smaller than this over the run is noise whatever its slope (a few minutes' run). */
const NOISE_MB = 4
const FARMERS = 3
const OBJECT_BYTES = MiB
const VALUE_BYTES = 64 * 1024
const VALUES_PER_CYCLE = 8

interface FarmerProcess { child: ChildProcess, address: string, peerId: string, samples: Sample[] }

async function startFarmer (home: string, farm: string, bootstrap?: string): Promise<FarmerProcess> {
  const child = fork(FARMER, [home, farm, ...(bootstrap != null ? [bootstrap] : [])], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })
  const { address, peerId } = await new Promise<{ address: string, peerId: string }>((resolve, reject) => {
    child.once('message', message => { resolve(message as { address: string, peerId: string }) })
    child.once('exit', code => { reject(new Error(`soak farmer ${farm} exited (code ${code}) before it started`)) })
  })
  return { child, address, peerId, samples: [] }
}

async function sampleOf (farmer: FarmerProcess): Promise<Sample> {
  return new Promise((resolve, reject) => {
    const onExit = (code: number | null): void => { reject(new Error(`a soak farmer exited (code ${code}) mid-run`)) }
    const onMessage = (message: any): void => {
      if (message?.sample == null) return
      farmer.child.off('message', onMessage)
      farmer.child.off('exit', onExit)
      resolve(message.sample)
    }
    farmer.child.on('message', onMessage)
    farmer.child.once('exit', onExit)
    farmer.child.send('sample')
  })
}

const mb = (bytes: number): number => bytes / 1e6

/** The figures of one process's samples: heap and RSS at the first and last, the heap's slope, handles. */
function figures (samples: Sample[]): { heapStart: number, heapEnd: number, slope: number, rssStart: number, rssEnd: number, handlesStart: number, handlesEnd: number } {
  const first = samples[0]
  const last = samples[samples.length - 1]
  return {
    heapStart: mb(first.heapUsed),
    heapEnd: mb(last.heapUsed),
    slope: mb(slopePerHour(samples, s => s.heapUsed)),
    rssStart: mb(first.rss),
    rssEnd: mb(last.rss),
    handlesStart: first.handles,
    handlesEnd: last.handles
  }
}

/**
 * A small mesh under steady traffic for P2PCLOUD_SOAK_MINUTES: three zdb farmers, each in a
 * process of its own, and a twin in this one. Every cycle the twin deploys a zdb namespace
 * (find, quote, contract, deployment: adverts change and gossip), sets and gets values in it,
 * puts, gets and deletes an encrypted, erasure-coded 1 MiB object in a 2+1 storage pool, asks
 * every farmer for its live advert and removes the deployment. Every process's heap (after a
 * full GC), RSS and handles are sampled about 40 times; the run fails when a heap grows by more
 * than MAX_SLOPE_MB_H an hour (and more than NOISE_MB in all). Reported: the farmers' heap at
 * the end against the same heap after a warm-up cycle (ratio ~1: nothing kept).
 */
async function run (): Promise<Measurement> {
  const dir = await mkdtemp(join(tmpdir(), 'p2pcloud-bench-soak-'))
  const farmers: FarmerProcess[] = []
  const twinSamples: Sample[] = []
  try {
    for (let i = 0; i < FARMERS; i++) farmers.push(await startFarmer(join(dir, `farmer${i}`), `soak-${i}`, farmers[0]?.address))
    const node = await startLoopbackDaemon({ home: join(dir, 'twin'), config: { ...simulationConfig(), bootstrap: [farmers[0].address] } })
    try {
      for (const farmer of farmers) await node.dial(multiaddr(farmer.address))
      const { twin, capacity } = node.services
      const deadline = Date.now() + 30_000
      while (capacity.directory.size < FARMERS) {
        if (Date.now() > deadline) throw new Error(`the twin heard ${capacity.directory.size} of ${FARMERS} farmers' adverts in 30 s`)
        await new Promise(resolve => setTimeout(resolve, 200))
      }
      await twin.pools.create({ dataShards: 2, parityShards: 1, namespaceBytes: 256 * MiB, leaseMs: 24 * 3_600_000 })
      const objects = await twin.pools.objects()
      let cycles = 0
      let bytesMoved = 0
      const cycle = async (): Promise<void> => {
        const name = `soak-${cycles}`
        const deployed = await twin.deploy(parseDeploymentSpec(`name: ${name}\nlease: 1h\nworkloads:\n  - {name: ns, type: zdb, size: 16M}\n`))
        const db = new ZdbClient(node, { farmer: peerIdFromString(deployed.farmer), contractId: deployed.contractId, namespace: 'ns' })
        for (let i = 0; i < VALUES_PER_CYCLE; i++) {
          const value = randomBytes(VALUE_BYTES)
          await db.set(Buffer.from(`k${i}`), value)
          if (Buffer.compare(Buffer.from(await db.get(Buffer.from(`k${i}`)) ?? []), value) !== 0) throw new Error(`soak cycle ${cycles}: a zdb value came back different`)
        }
        const content = randomBytes(OBJECT_BYTES)
        const info = await objects.put((async function * () { yield content })(), { name })
        const parts: Uint8Array[] = []
        for await (const part of objects.get(info.objectId)) parts.push(part)
        if (Buffer.compare(Buffer.concat(parts), content) !== 0) throw new Error(`soak cycle ${cycles}: a stored object came back different`)
        await objects.delete(info.objectId)
        for (const farmer of farmers) await capacity.fetchAdvert(peerIdFromString(farmer.peerId))
        await twin.delete(name)
        bytesMoved += 2 * (VALUES_PER_CYCLE * VALUE_BYTES + OBJECT_BYTES)
        cycles++
      }
      const sampleAll = async (): Promise<void> => {
        for (const farmer of farmers) farmer.samples.push(await sampleOf(farmer))
        twinSamples.push(await takeSample())
      }
      // warm-up: the first cycle loads what stays (codecs, WASM, caches); samples start after it
      await cycle()
      const runMs = MINUTES * 60_000
      const sampleEveryMs = Math.max(2000, runMs / 40)
      const started = Date.now()
      await sampleAll()
      let nextSample = started + sampleEveryMs
      while (Date.now() - started < runMs) {
        await cycle()
        if (Date.now() >= nextSample) {
          await sampleAll()
          nextSample += sampleEveryMs
        }
      }
      await sampleAll()
      const farmerFigures = farmers.map(f => figures(f.samples))
      const twinFigures = figures(twinSamples)
      const table = [...farmerFigures.map((f, i) => [`farmer ${i}`, f] as const), ['twin', twinFigures] as const]
      for (const [who, f] of table) {
        console.log(`  ${who}: heap ${f.heapStart.toFixed(1)} → ${f.heapEnd.toFixed(1)} MB (${f.slope >= 0 ? '+' : ''}${f.slope.toFixed(1)} MB/h), RSS ${f.rssStart.toFixed(0)} → ${f.rssEnd.toFixed(0)} MB, handles ${f.handlesStart} → ${f.handlesEnd}`)
      }
      const growing = table.filter(([, f]) => f.slope > MAX_SLOPE_MB_H && f.heapEnd - f.heapStart > NOISE_MB)
      if (growing.length > 0) {
        throw new Error(`heap grows without bound over ${MINUTES} min: ${growing.map(([who, f]) => `${who} +${f.slope.toFixed(1)} MB/h (${f.heapStart.toFixed(1)} → ${f.heapEnd.toFixed(1)} MB)`).join('; ')}; the limit is ${MAX_SLOPE_MB_H} MB/h`)
      }
      const worst = farmerFigures.reduce((a, b) => b.heapEnd - b.heapStart > a.heapEnd - a.heapStart ? b : a)
      return {
        metric: `farmer heap after a full GC, after ${MINUTES} min of steady traffic (${cycles} cycles: deploy, zdb sets and gets, storage put/get/delete, adverts, remove), the farmer that grew most`,
        value: worst.heapEnd,
        unit: 'MB',
        baseline: 'the same farmer\'s heap after a full GC, after one warm-up cycle',
        baselineValue: worst.heapStart,
        extra: {
          minutes: MINUTES,
          cycles,
          mbMoved: mb(bytesMoved),
          farmerHeapSlopeMbPerHourMax: Math.max(...farmerFigures.map(f => f.slope)),
          farmerRssStartMb: worst.rssStart,
          farmerRssEndMb: worst.rssEnd,
          farmerHandlesStart: worst.handlesStart,
          farmerHandlesEnd: worst.handlesEnd,
          twinHeapStartMb: twinFigures.heapStart,
          twinHeapEndMb: twinFigures.heapEnd,
          twinHeapSlopeMbPerHour: twinFigures.slope,
          twinRssStartMb: twinFigures.rssStart,
          twinRssEndMb: twinFigures.rssEnd,
          twinHandlesStart: twinFigures.handlesStart,
          twinHandlesEnd: twinFigures.handlesEnd
        }
      }
    } finally {
      await node.stop()
    }
  } finally {
    for (const farmer of farmers) {
      farmer.child.send('stop')
      await new Promise(resolve => { if (farmer.child.exitCode != null) resolve(undefined); else farmer.child.once('exit', resolve) })
    }
    await rm(dir, { recursive: true, force: true })
  }
}

export const soak: Benchmark = { name: 'soak', run }
