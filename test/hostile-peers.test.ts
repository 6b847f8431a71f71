import assert from 'node:assert/strict'
import { readFile, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { peerIdFromString } from '@libp2p/peer-id'
import { multiaddr } from '@multiformats/multiaddr'
import { HOSTILE_SHAPES, barePeer, resetPeakMemory, residentMemory, sendHostileFrame, type HostileOutcome } from '@p2pcloud/sim'
import { parseDeploymentSpec } from '@p2pcloud/twin'
import { ZdbClient } from '@p2pcloud/zdb'
import { bytesLike, fc, readVectors, vectorFiles, vectorSeeds, waitFor } from '@p2pcloud/test-utils'
import { farmerHome, parsePrometheus, sampleSum, spawnDaemon, startMarketPeer } from './helpers/index.js'

const MiB = 2 ** 20
/** Frames of each shape sent on each protocol, and hostile identities they come from. */
const FRAMES_PER_SHAPE = 2
const ATTACKERS = 4
/** Streams in flight at once, over all attackers. */
const IN_FLIGHT = 16
/** Fixed, so that a failure is replayed with the same frames. */
const SEED = 1818

/** Every message of every protocol's vectors: what valid-looking frames are made from. */
function vectorPayloads (): Uint8Array[] {
  return ['blocks', 'capacity', 'contract', 'deployment', 'logs', 'zdb', 'network-relay']
    .flatMap(protocol => vectorFiles(protocol).map(name => readVectors(`${protocol}/${name}`)))
    .flatMap(file => vectorSeeds(file).payloads)
}

/** Run `jobs` with at most `limit` at once. */
async function pool<T> (jobs: Array<() => Promise<T>>, limit: number): Promise<T[]> {
  const results: T[] = []
  let next = 0
  await Promise.all(Array.from({ length: limit }, async () => {
    while (next < jobs.length) {
      const i = next++
      results[i] = await jobs[i]()
    }
  }))
  return results
}

describe('hostile peers', () => {
  it('every inbound protocol of a live farmer daemon opened with generated frames (valid-looking, truncated, oversized, slow): it stays up, honest peers are still served and its memory comes back within bounds', async () => {
    const home = await farmerHome('hostile-peers', { cru: 2, mru: '4G', sru: '1G', hru: '1G' }, { capabilities: ['zdb'] })
    const configPath = join(home, 'config.json')
    const config = JSON.parse(await readFile(configPath, 'utf8'))
    // the hostile identities all come from 127.0.0.1 here, not from hosts of their own
    await writeFile(configPath, JSON.stringify({ ...config, connections: { ...config.connections, inboundConnectionsPerHostPerSecond: 100 }, metrics: { listen: '127.0.0.1:0' } }))
    const daemon = await spawnDaemon(home)
    const pid = daemon.child.pid as number
    const farmer = multiaddr(daemon.ready.addresses[0])
    const farmerId = peerIdFromString(daemon.ready.peerId)
    const scrape = async (): Promise<ReturnType<typeof parsePrometheus>> => parsePrometheus(await (await fetch(daemon.ready.metrics as string)).text())
    const twin = await startMarketPeer()
    const attackers = await Promise.all(Array.from({ length: ATTACKERS }, async () => barePeer()))
    try {
      await twin.node.dial(farmer)
      await waitFor('the farmer\'s advert', async () => twin.market.directory.size > 0)
      const first = await twin.twin.deploy(parseDeploymentSpec('name: before\nlease: 1h\nworkloads:\n  - {name: ns, type: zdb, size: 16M}\n'))
      const db = new ZdbClient(twin.node, { farmer: farmerId, contractId: first.contractId, namespace: 'ns' })
      await db.set(Buffer.from('k'), Buffer.alloc(MiB, 1))
      await waitFor('identify to list the farmer\'s protocols', async () => ((await twin.node.peerStore.get(farmerId)).protocols.length) > 0)
      const protocols = (await twin.node.peerStore.get(farmerId)).protocols
      assert.ok(protocols.includes('/p2pcloud/zdb/2.0.0') && protocols.includes('/p2pcloud/contract/1.0.0'), `the farmer's protocols: ${protocols.join(', ')}`)

      const idle = await residentMemory(pid)
      const idleHeap = sampleSum(await scrape(), 'nodejs_heap_size_used_bytes')
      await resetPeakMemory(pid)
      const payloads = fc.sample(bytesLike(vectorPayloads(), 4096), { numRuns: protocols.length * HOSTILE_SHAPES.length * FRAMES_PER_SHAPE, seed: SEED })
      const jobs = protocols.flatMap((protocol, p) => HOSTILE_SHAPES.flatMap((shape, s) => Array.from({ length: FRAMES_PER_SHAPE }, (_, f) => {
        const n = (p * HOSTILE_SHAPES.length + s) * FRAMES_PER_SHAPE + f
        return async () => ({ protocol, shape, outcome: await sendHostileFrame(attackers[n % ATTACKERS], farmer, protocol, shape, payloads[n]) })
      })))
      const results = await pool(jobs, IN_FLIGHT)
      const flooded = await residentMemory(pid)
      const tally: Record<string, Partial<Record<HostileOutcome, number>>> = {}
      for (const { protocol, outcome } of results) tally[protocol] = { ...tally[protocol], [outcome]: (tally[protocol]?.[outcome] ?? 0) + 1 }
      console.log(`hostile frames (${results.length}, seed ${SEED}): ${JSON.stringify(tally)}`)
      console.log(`farmer daemon: idle RSS ${(idle.rss / MiB).toFixed(0)} MiB, peak under the frames ${(flooded.peak / MiB).toFixed(0)} MiB; idle heap ${(idleHeap / MiB).toFixed(0)} MiB`)

      assert.equal(daemon.child.exitCode, null, 'the daemon is still running')
      assert.ok(flooded.peak - idle.rss < 256 * MiB, `the peak RSS grew ${((flooded.peak - idle.rss) / MiB).toFixed(0)} MiB over the idle ${(idle.rss / MiB).toFixed(0)} MiB`)
      assert.ok(sampleSum(await scrape(), 'p2pcloud_rpc_resets_total') > 0, 'malformed requests were reset, and counted')

      // the honest twin: its data, a live advert, a new deployment
      assert.equal(Buffer.compare(Buffer.from(await db.get(Buffer.from('k')) ?? []), Buffer.alloc(MiB, 1)), 0)
      await twin.market.fetchAdvert(farmerId)
      const second = await twin.twin.deploy(parseDeploymentSpec('name: after\nlease: 1h\nworkloads:\n  - {name: ns, type: zdb, size: 16M}\n'))
      // the heap comes back near where it was, while honest calls keep the collector running
      const after = new ZdbClient(twin.node, { farmer: farmerId, contractId: second.contractId, namespace: 'ns' })
      let heap = Infinity
      await waitFor('the farmer\'s heap to come back within 64 MiB of its idle heap', async () => {
        await after.set(Buffer.from('k'), Buffer.alloc(64 * 1024, 2))
        heap = sampleSum(await scrape(), 'nodejs_heap_size_used_bytes')
        return heap < idleHeap + 64 * MiB
      }, 60_000, 500)
      console.log(`farmer daemon heap after: ${(heap / MiB).toFixed(0)} MiB`)
    } finally {
      await Promise.all(attackers.map(async node => { await node.stop() }))
      await twin.node.stop()
      assert.equal(await daemon.stop(), 0)
      await rm(home, { recursive: true, force: true })
    }
  })
})
