import assert from 'node:assert/strict'
import { access, mkdir, rm } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { LevelDatastore } from 'datastore-level'
import {
  ArchiveWriter, FsBlockStore, blocksResponder, buildFromDirectory, importArchive, manifestCid, readArchive,
  type ArchiveBlock, type FlistFetchProgress, type FlistService, type FlistServiceInit, type Progress
} from '@p2pcloud/flist'
import { handleRequests } from '@p2pcloud/wire'
import { dialAddress, startLoopbackDaemon, startLoopbackPeer } from '@p2pcloud/sim'
import { tempDir, waitFor } from '@p2pcloud/test-utils'
import { MiB, makeEveryKindTree, treeOf } from './helpers/flist.js'
import type { P2PCloudLibp2p } from '@p2pcloud/node'
import type { PeerId } from '@libp2p/interface'
import type { Datastore } from 'interface-datastore'
import type { CID } from 'multiformats/cid'

/** Short enough that a lookup nobody answers ends soon; long enough for a loopback DHT. */
const LOOKUP_MS = 3000

interface FlistPeer { node: P2PCloudLibp2p, flists: FlistService }

/** A real peer on loopback running what a daemon runs, its home `root`. */
async function startFlistPeer (root: string, options: { bootstrap?: P2PCloudLibp2p, init?: Partial<FlistServiceInit>, datastore?: Datastore } = {}): Promise<FlistPeer> {
  const node = await startLoopbackDaemon({
    home: root,
    datastore: options.datastore,
    config: { bootstrap: options.bootstrap != null ? [dialAddress(options.bootstrap)] : [] },
    tuning: { flists: { lookupTimeoutMs: LOOKUP_MS, ...options.init } }
  })
  return { node, flists: node.services.flists }
}

const routingTableSize = (node: P2PCloudLibp2p): number => (node.services.dht as unknown as { routingTable?: { size: number } }).routingTable?.size ?? 0

/** Every peer dialled by every other and in every DHT routing table: provider records reach all of them. */
async function connectAll (nodes: P2PCloudLibp2p[]): Promise<void> {
  for (const [i, a] of nodes.entries()) {
    for (const b of nodes.slice(i + 1)) if (a.getConnections(b.peerId).length === 0) await a.dial(b.getMultiaddrs())
  }
  await waitFor('every peer in every DHT routing table', () => nodes.every(node => routingTableSize(node) >= nodes.length - 1))
}

/** The providers of `cid` the DHT names to `node` (a bounded lookup). */
async function providersOf (node: P2PCloudLibp2p, cid: CID): Promise<string[]> {
  const found: string[] = []
  for await (const provider of node.contentRouting.findProviders(cid, { signal: AbortSignal.timeout(LOOKUP_MS) })) found.push(provider.id.toString())
  return found
}

const finds = async (node: P2PCloudLibp2p, cid: CID, providers: PeerId[]): Promise<boolean> => {
  const found = await providersOf(node, cid).catch((): string[] => [])
  return providers.every(p => found.includes(p.toString()))
}

/**
 * A copy of `archive` without one of its blocks: the first (a data block: the archive holds
 * them first) or the root manifest block (the last). The root in its header stays the same.
 */
async function lacking (archive: string, name: string, which: 'first' | 'root'): Promise<{ path: string, skipped: CID }> {
  const { root, blocks } = await readArchive(archive)
  const all: ArchiveBlock[] = []
  for await (const block of blocks) all.push(block)
  const skipped = which === 'root' ? root : all[0].cid
  assert.ok(which === 'root' || !skipped.equals(root))
  const path = join(dirname(archive), name)
  const writer = await ArchiveWriter.create(path)
  for (const block of all) if (!block.cid.equals(skipped)) await writer.put(block.cid, block.bytes)
  await writer.finish(root)
  return { path, skipped }
}

/** A flist of the every-kind tree made with `seed`: its source directory, archive and CID. */
async function buildTree (work: string, name: string, seed: number): Promise<{ src: string, archive: string, cid: CID }> {
  const src = join(work, `${name}-src`)
  await mkdir(src)
  await makeEveryKindTree(src, seed)
  const archive = join(work, `${name}.flist`)
  return { src, archive, cid: (await buildFromDirectory(src, archive)).cid }
}

describe('flists over real peers on loopback', () => {
  let work: string
  let a: FlistPeer
  let b: FlistPeer
  let c: FlistPeer
  /** Fetches one block per request: each of its two providers' workers is handed a block in the first round. */
  let e: FlistPeer
  /** Not a FlistService: answers every block it is asked for with its bytes flipped. */
  let corrupt: P2PCloudLibp2p
  let corruptStore: FsBlockStore
  let corrupted = 0
  const nodes: P2PCloudLibp2p[] = []

  before(async () => {
    work = await tempDir('flist-mesh')
    a = await startFlistPeer(join(work, 'a'))
    b = await startFlistPeer(join(work, 'b'), { bootstrap: a.node })
    c = await startFlistPeer(join(work, 'c'), { bootstrap: a.node })
    e = await startFlistPeer(join(work, 'e'), { bootstrap: a.node, init: { fetcher: { cidsPerRequest: 1 } } })
    corrupt = await startLoopbackPeer({ bootstrap: [dialAddress(a.node)] })
    corruptStore = new FsBlockStore(join(work, 'corrupt-blocks'))
    await handleRequests(corrupt, blocksResponder({
      get: async cid => {
        const bytes = await corruptStore.get(cid)
        corrupted++
        return bytes.map(byte => byte ^ 0xff)
      }
    }))
    nodes.push(a.node, b.node, c.node, e.node, corrupt)
    await connectAll(nodes)
  })

  after(async () => {
    await Promise.all(nodes.map(async node => node.stop()))
    await rm(work, { recursive: true, force: true })
  })

  it('publish on A, get on B through the DHT gives the identical tree; then C gets it from B with A stopped', async () => {
    const { src, archive, cid } = await buildTree(work, 'main', 0)
    const published = await a.flists.publish(archive)
    assert.equal(published.cid, cid.toString())
    assert.equal(published.provided, true, 'a DHT peer took the provider record')
    assert.deepEqual(a.flists.pinned().map(p => p.cid), [cid.toString()])

    const progress: Array<FlistFetchProgress | Progress> = []
    const outB = join(work, 'out-b')
    await b.flists.get(cid, outB, { onProgress: p => progress.push(p) })
    assert.deepEqual(await treeOf(outB), await treeOf(src))

    const fetching = progress.filter((p): p is FlistFetchProgress => 'providers' in p)
    const fetched = fetching.at(-1)
    assert.equal(fetched?.phase, 'done')
    assert.ok(fetched.totalBytes > 1.5 * MiB, `${fetched.totalBytes}: the data blocks were fetched, not found local`)
    assert.equal(fetched.bytes, fetched.totalBytes)
    // the DHT names A alone; without it B would have asked every peer it is connected to
    assert.ok(b.node.getPeers().length >= 3)
    assert.equal(fetched.providers, 1)
    const written = progress.at(-1) as Progress
    assert.equal(written.phase, 'done')
    assert.equal(written.totalBytes, 1.5 * MiB + 3 + '#!/bin/sh\necho tool\n'.length)
    assert.equal(written.bytes, written.totalBytes)
    assert.equal(b.flists.isPinned(cid.toString()), false, 'fetched, not published')

    // B provides what it fetched; once C's DHT lookup names it, A goes away
    await waitFor('the DHT to name B as a provider to C', async () => finds(c.node, cid, [b.node.peerId]))
    await a.node.stop()
    const outC = join(work, 'out-c')
    await c.flists.get(cid, outC)
    assert.deepEqual(await treeOf(outC), await treeOf(src))
  })

  it('a provider that corrupts every block is refused and the blocks come from a good one: the tree is identical', async () => {
    const { src, archive, cid } = await buildTree(work, 'corrupted', 1)
    assert.equal((await c.flists.publish(archive)).provided, true)
    await importArchive(archive, corruptStore)
    await corrupt.contentRouting.provide(cid)
    await waitFor('the DHT to name both providers to E', async () => finds(e.node, cid, [c.node.peerId, corrupt.peerId]))

    const out = join(work, 'out-e')
    await e.flists.get(cid, out)
    assert.ok(corrupted > 0, 'the corrupting provider was asked and answered')
    assert.deepEqual(await treeOf(out), await treeOf(src))
  })

  it('a CID nobody has fails with BlocksUnavailableError naming its root block', async () => {
    const cid = await manifestCid(new TextEncoder().encode('a manifest nobody published'))
    const out = join(work, 'out-nobody')
    await assert.rejects(b.flists.get(cid, out), (err: any) => {
      assert.equal(err.name, 'BlocksUnavailableError')
      assert.deepEqual(err.missing, [cid.toString()])
      assert.ok(err.message.includes(cid.toString()), err.message)
      return true
    })
    await assert.rejects(access(out), { code: 'ENOENT' }, 'nothing is written')
  })

  it('publishing an archive that lacks blocks fails naming them and pins nothing; pins survive a restart with a persistent datastore', async () => {
    const { archive, cid } = await buildTree(work, 'restart', 2)
    const other = await buildTree(work, 'no-root', 3)
    const noData = await lacking(archive, 'no-data-block.flist', 'first')
    const noRoot = await lacking(other.archive, 'no-root.flist', 'root')

    const datastoreDir = join(work, 'p-datastore')
    let datastore = new LevelDatastore(datastoreDir)
    await datastore.open()
    let p = await startFlistPeer(join(work, 'p'), { bootstrap: b.node, datastore })
    try {
      await assert.rejects(p.flists.publish(noData.path), (err: any) => {
        assert.match(err.message, /lacks 1 block\(s\) of flist/)
        assert.ok(err.message.includes(noData.skipped.toString()), err.message)
        return true
      })
      await assert.rejects(p.flists.publish(noRoot.path), (err: any) => {
        assert.ok(err.message.includes(other.cid.toString()), err.message)
        return true
      })
      assert.deepEqual(p.flists.pinned(), [])

      await p.flists.publish(archive)
      const pins = p.flists.pinned()
      assert.deepEqual(pins.map(pin => pin.cid), [cid.toString()])

      await p.node.stop()
      await datastore.close()
      datastore = new LevelDatastore(datastoreDir)
      await datastore.open()
      p = await startFlistPeer(join(work, 'p'), { bootstrap: b.node, datastore })
      assert.deepEqual(p.flists.pinned(), pins)
      assert.ok(await p.flists.store.has(cid), 'the blocks are still in the store')
    } finally {
      await p.node.stop()
      await datastore.close()
    }
  })
})
