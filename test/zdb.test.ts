import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { readFile, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { LevelDatastore } from 'datastore-level'
import { DeploymentClient, type Deployment } from '@p2pcloud/farmer'
import { FsBlockStore, blockCid } from '@p2pcloud/flist'
import { MAX_EXCHANGED_BLOCK_BYTES, ZDB_PROTOCOL, deploymentMessages, peerIdToBytes } from '@p2pcloud/wire'
import { ZdbClient } from '@p2pcloud/zdb'
import { peerIdFromString } from '@libp2p/peer-id'
import { multiaddr } from '@multiformats/multiaddr'
import { askBlocksUnread, barePeer, floodZdb, resetPeakMemory, residentMemory, sendZdbSet, zdbSetHead } from '@p2pcloud/sim'
import type { PeerId } from '@libp2p/interface'
import type { CID } from 'multiformats/cid'
import { tempDir, waitFor } from '@p2pcloud/test-utils'
import { resources, runCli, spawnDaemon, startMarketPeer, type FarmerSpec, type MarketPeer } from './helpers/index.js'

const HOUR = 3_600_000
const MiB = 2 ** 20
/** The largest value a farmer before the head check read at all (its reader's buffer was 4 MiB, frame included). */
const FLOOD_VALUE_BYTES = 4 * MiB - 1024
const b = (text: string): Buffer => Buffer.from(text)
/** Bytes as bytes: over the wire they come back as Uint8Array, not Buffer. */
function assertBytes (actual: Uint8Array | undefined, expected: Uint8Array): void {
  assert.ok(actual != null, 'no value')
  assert.equal(Buffer.compare(actual, expected), 0, `${Buffer.from(actual).subarray(0, 16).toString('hex')}… is not ${Buffer.from(expected).subarray(0, 16).toString('hex')}…`)
}

function zdbWorkload (name: string, size: number, options: { seq?: boolean, readers?: string[], writers?: string[] } = {}): Deployment['workloads'][number] {
  return {
    name,
    type: 'zdb',
    version: 1,
    data: deploymentMessages.ZdbData.encode({
      size,
      mode: options.seq === true ? deploymentMessages.ZdbMode.SEQ : deploymentMessages.ZdbMode.USER,
      readers: (options.readers ?? []).map(peerIdToBytes),
      writers: (options.writers ?? []).map(peerIdToBytes)
    })
  }
}

async function untilOk (client: DeploymentClient, farmer: MarketPeer, contractId: string): Promise<void> {
  await waitFor('the namespaces to be ok', async () => (await client.get(farmer.node.peerId, contractId).catch(() => undefined))?.workloads.every(w => w.state === 'ok') === true)
}

/** A farmer's home offering zdb, its daemon not yet started. */
async function zdbFarmerHome (name: string): Promise<string> {
  const home = await tempDir(name)
  assert.equal((await runCli(['init', '--home', home, '--farmer', '--farm', 'gent', '--country', 'BE'])).code, 0)
  const configPath = join(home, 'config.json')
  const config = JSON.parse(await readFile(configPath, 'utf8'))
  config.farmer.capacity = { ...config.farmer.capacity, cru: 2, mru: '4G', sru: '1G', hru: '1G' }
  config.farmer.capabilities = ['zdb']
  // the hostile identities all come from 127.0.0.1 here, not from hosts of their own
  config.connections = { ...config.connections, inboundConnectionsPerHostPerSecond: 100 }
  await writeFile(configPath, JSON.stringify(config, null, 2))
  return home
}

/** `twin` rents a 16 MiB namespace "objects" on the farmer and waits for it to be ok. */
async function deployNamespace (twin: MarketPeer, farmerId: PeerId): Promise<{ contractId: string, namespace: string }> {
  const { envelope } = await twin.contracts.client.quote(farmerId, { cru: 0, mru: 0, sru: 0, hru: 16 * MiB, ipv4u: 0 }, HOUR)
  const contractId = (await twin.contracts.client.propose(farmerId, envelope)).id
  const client = new DeploymentClient(twin.node, (twin.node as any).components.privateKey)
  await client.deploy(farmerId, { contractId, twin: twin.node.peerId.toString(), name: 'store', version: 1, signedAt: Date.now(), workloads: [zdbWorkload('objects', 16 * MiB)] })
  await waitFor('the namespace to be ok', async () => (await client.get(farmerId, contractId).catch(() => undefined))?.workloads.every(w => w.state === 'ok') === true)
  return { contractId, namespace: 'objects' }
}

describe('zdb namespaces over the mesh', () => {
  it('the twin and the peers it lists use a namespace, others cannot, the quota holds, and a farmer restart keeps every record', async () => {
    const dir = await tempDir('zdb-mesh')
    const privateKey = await generateKeyPair('Ed25519')
    const farmerSpec: FarmerSpec = { farm: 'gent', country: 'BE', total: resources(2, 4, 1, 10), capabilities: ['zdb'], home: dir }
    let store = new LevelDatastore(join(dir, 'datastore'))
    await store.open()
    let farmer = await startMarketPeer({ farmer: farmerSpec, privateKey, datastore: store })
    const twin = await startMarketPeer({ bootstrap: farmer.node })
    const reader = await startMarketPeer({ bootstrap: farmer.node })
    const writer = await startMarketPeer({ bootstrap: farmer.node })
    const stranger = await startMarketPeer({ bootstrap: farmer.node })
    try {
      await waitFor('the peers to be connected', () => [twin, reader, writer, stranger].every(p => p.node.getConnections(farmer.node.peerId).length > 0))
      const { envelope } = await twin.contracts.client.quote(farmer.node.peerId, { cru: 0, mru: 0, sru: 0, hru: 4 * MiB, ipv4u: 0 }, HOUR)
      const contractId = (await twin.contracts.client.propose(farmer.node.peerId, envelope)).id
      const client = new DeploymentClient(twin.node, (twin.node as any).components.privateKey)
      await client.deploy(farmer.node.peerId, {
        contractId,
        twin: twin.node.peerId.toString(),
        name: 'store',
        version: 1,
        signedAt: Date.now(),
        workloads: [zdbWorkload('objects', 2 * MiB, { readers: [reader.node.peerId.toString()], writers: [writer.node.peerId.toString()] }), zdbWorkload('log', 2 * MiB, { seq: true })]
      })
      await untilOk(client, farmer, contractId)

      const ref = (namespace: string): { farmer: typeof farmer.node.peerId, contractId: string, namespace: string } => ({ farmer: farmer.node.peerId, contractId, namespace })
      const own = new ZdbClient(twin.node, ref('objects'))
      assertBytes(await own.set(b('a'), b('alpha')), b('a'))
      await own.set(b('b'), Buffer.alloc(100_000, 7))
      assertBytes(await own.get(b('a')), b('alpha'))
      assert.equal(await own.get(b('nope')), undefined)
      assert.equal(await own.exists(b('b')), true)
      const page = await own.scan({ limit: 1 })
      assert.deepEqual(page.entries.map(e => [Buffer.from(e.key).toString(), e.size]), [['a', 5]])
      assert.deepEqual((await own.scan({ after: page.next })).entries.map(e => Buffer.from(e.key).toString()), ['b'])
      const info = await own.info()
      assert.deepEqual({ mode: info.mode, maxBytes: info.maxBytes, entries: info.entries }, { mode: 'user', maxBytes: 2 * MiB, entries: 2 })

      const log = new ZdbClient(twin.node, ref('log'))
      const keys = [await log.set(undefined, b('first')), await log.set(undefined, b('second'))]
      assert.deepEqual(keys.map(k => Buffer.from(k).readBigUInt64BE(0)), [0n, 1n])
      await assert.rejects(log.set(b('chosen'), b('x')), { code: 'BAD_REQUEST', message: /seq mode/ })

      // a listed reader reads but cannot write; a listed writer can; anyone else sees no namespace at all
      assertBytes(await new ZdbClient(reader.node, ref('objects')).get(b('a')), b('alpha'))
      await assert.rejects(new ZdbClient(reader.node, ref('objects')).set(b('c'), b('x')), { code: 'FORBIDDEN' })
      await new ZdbClient(writer.node, ref('objects')).set(b('w'), b('from the writer'))
      await assert.rejects(new ZdbClient(stranger.node, ref('objects')).get(b('a')), { code: 'NOT_FOUND', message: /no such namespace/ })
      await assert.rejects(new ZdbClient(reader.node, ref('log')).get(keys[0]), { code: 'NOT_FOUND' })

      // the quota: 2 MiB of data file
      const big = Buffer.alloc(1024 * 1024, 1)
      await own.set(b('big'), big)
      await assert.rejects(own.set(b('big2'), big), { code: 'QUOTA_EXCEEDED', message: /namespace full/ })

      // a restart of the farmer: the namespaces come back with every acknowledged record
      await farmer.node.stop()
      await store.close()
      store = new LevelDatastore(join(dir, 'datastore'))
      await store.open()
      farmer = await startMarketPeer({ farmer: farmerSpec, privateKey, datastore: store })
      await twin.node.dial(farmer.node.getMultiaddrs()[0])
      await untilOk(client, farmer, contractId)
      assertBytes(await own.get(b('big')), big)
      assertBytes(await own.get(b('w')), b('from the writer'))
      assertBytes(await log.get(keys[1]), b('second'))
      assert.equal(Buffer.from(await log.set(undefined, b('third'))).readBigUInt64BE(0), 2n)

      await client.delete(farmer.node.peerId, contractId)
      await waitFor('the deployment to be gone', async () => client.get(farmer.node.peerId, contractId).then(() => false, (err: any) => err.code === 'NOT_FOUND'))
      await assert.rejects(own.get(b('a')), { code: 'NOT_FOUND' })
    } finally {
      await Promise.all([stranger, writer, reader, twin, farmer].map(async p => p.node.stop()))
      await store.close()
      await rm(dir, { recursive: true, force: true })
    }
  })

  it('peers not allowed on a namespace are refused from the request head: 10 identities × 16 streams of 4 MiB SETs are answered NOT_FOUND without their values being read', async () => {
    const home = await zdbFarmerHome('zdb-flood')
    const daemon = await spawnDaemon(home)
    const farmerId = peerIdFromString(daemon.ready.peerId)
    const farmerAddress = multiaddr(daemon.ready.addresses[0])
    const twin = await startMarketPeer()
    try {
      await twin.node.dial(farmerAddress)
      const target = await deployNamespace(twin, farmerId)

      // a stranger's head alone (its fields, then a value declared 4 MiB long that never comes) is answered
      assert.deepEqual(await floodZdb(farmerAddress, target, { identities: 1, streams: 1, rounds: 1, valueBytes: 4 * MiB, sendValue: false }), { NOT_FOUND: 1 })

      const idle = await residentMemory(daemon.child.pid as number)
      await resetPeakMemory(daemon.child.pid as number)
      const answers = await floodZdb(farmerAddress, target, { identities: 10, streams: 16, rounds: 2, valueBytes: FLOOD_VALUE_BYTES })
      const flooded = await residentMemory(daemon.child.pid as number)
      // refused as for a namespace that does not exist; a few may meet the farmer's 16 streams per
      // connection (libp2p resets the 17th) when a new stream overtakes the close of the last one
      const { NOT_FOUND: refused = 0, NO_ANSWER: reset = 0, ...others } = answers
      assert.deepEqual(others, {}, `every answer is NOT_FOUND or a reset: ${JSON.stringify(answers)}`)
      assert.equal(refused + reset, 320)
      assert.ok(refused >= 288, `most SETs are answered NOT_FOUND: ${JSON.stringify(answers)}`)
      const growthMiB = (flooded.peak - idle.rss) / MiB
      console.log(`farmer daemon: idle ${(idle.rss / MiB).toFixed(0)} MiB, peak under the flood ${(flooded.peak / MiB).toFixed(0)} MiB (+${growthMiB.toFixed(0)} MiB), answers ${JSON.stringify(answers)}`)
      // 160 SETs in flight at once would hold 640 MiB read whole. What remains is what libp2p takes in
      // before the zdb handler runs (Yamux grants window as data arrives, up to 4 MiB a stream)
      assert.ok(growthMiB < 512, `the farmer's peak RSS grew ${growthMiB.toFixed(0)} MiB over its idle ${(idle.rss / MiB).toFixed(0)} MiB`)

      // the twin's own 4 MiB value still goes through
      const own = new ZdbClient(twin.node, { farmer: farmerId, ...target })
      const value = Buffer.alloc(4 * MiB, 3)
      await own.set(b('big'), value)
      assertBytes(await own.get(b('big')), value)
    } finally {
      await twin.node.stop()
      await daemon.stop()
      await rm(home, { recursive: true, force: true })
    }
  })
  it('a peer holding blocks streams unread and a tenant filling the inbound budget with SETs it never finishes do not make another twin\'s 4 MiB SET UNAVAILABLE', async () => {
    const home = await zdbFarmerHome('zdb-budget')
    // blocks the farmer serves to anyone: 16 of 512 KiB
    const blocks = new FsBlockStore(join(home, 'flists', 'blocks'))
    const cids: CID[] = []
    for (let i = 0; i < 16; i++) {
      const bytes = randomBytes(MAX_EXCHANGED_BLOCK_BYTES)
      const cid = await blockCid(bytes)
      await blocks.put(cid, bytes)
      cids.push(cid)
    }
    const daemon = await spawnDaemon(home)
    const farmerId = peerIdFromString(daemon.ready.peerId)
    const farmerAddress = multiaddr(daemon.ready.addresses[0])
    const victim = await startMarketPeer()
    const fillerKey = await generateKeyPair('Ed25519')
    const filler = await startMarketPeer({ privateKey: fillerKey })
    // the same tenant on a second connection: 32 SETs in flight, not the 16 one connection allows
    const fillerAgain = await barePeer(fillerKey)
    const hoarder = await barePeer()
    let stopHoarding = (): void => {}
    try {
      await Promise.all([victim, filler].map(async p => p.node.dial(farmerAddress)))
      const victimTarget = await deployNamespace(victim, farmerId)
      const fillerTarget = await deployNamespace(filler, farmerId)

      const pid = daemon.child.pid as number
      const idle = await residentMemory(pid)
      await resetPeakMemory(pid)
      // 16 streams asking for 8 blocks each, never read: before, 16 × 4 × 512 KiB of the inbound budget for 10 s
      stopHoarding = await askBlocksUnread(hoarder, farmerAddress, cids.slice(0, 8), 16)
      // the filler may write to its own namespace: each SET's head is admitted and its 4 MiB
      // taken from the budget, and its value never comes (held until the read timeout)
      const head = zdbSetHead(fillerTarget, 4 * MiB)
      const filling = [filler.node, fillerAgain].flatMap(node => Array.from({ length: 16 }, async () => sendZdbSet(node, farmerAddress, head, undefined)))
      await waitFor('the filler\'s 32 SETs to be open', () => [filler.node, fillerAgain].every(node => node.getConnections(farmerId).flatMap(c => c.streams).filter(s => s.protocol === ZDB_PROTOCOL).length === 16))
      // and their heads read by the farmer, so that the twin's SET comes after them
      await new Promise(resolve => setTimeout(resolve, 500))

      const value = Buffer.alloc(4 * MiB, 5)
      const own = new ZdbClient(victim.node, { farmer: farmerId, ...victimTarget })
      await own.set(b('big'), value)
      assertBytes(await own.get(b('big')), value)

      // the filler itself is held to its share: a few SETs are taken at a time, the rest wait and are refused
      const answers = await Promise.all(filling)
      const attacked = await residentMemory(pid)
      const counts = answers.reduce<Record<string, number>>((counted, code) => ({ ...counted, [code]: (counted[code] ?? 0) + 1 }), {})
      console.log(`farmer daemon: idle ${(idle.rss / MiB).toFixed(0)} MiB, peak under the attack ${(attacked.peak / MiB).toFixed(0)} MiB (+${((attacked.peak - idle.rss) / MiB).toFixed(0)} MiB); the filler's 32 unfinished SETs: ${JSON.stringify(counts)}`)
    } finally {
      stopHoarding()
      await Promise.all([hoarder, fillerAgain, filler.node, victim.node].map(async node => node.stop()))
      await daemon.stop()
      await rm(home, { recursive: true, force: true })
    }
  })
})
