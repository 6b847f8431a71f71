import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { open, readFile } from 'node:fs/promises'
import { describe, it } from 'node:test'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { ObjectStore, StorageMasterKey, type ObjectStoreInit, type Progress, type ShardStore } from '../src/index.js'
import { chunked, openNamespaces, readAll } from './namespaces.js'

const MiB = 2 ** 20
const masterKey = async (): Promise<StorageMasterKey> => StorageMasterKey.fromIdentity(await generateKeyPair('Ed25519'))
const key = (text: string): Buffer => Buffer.from(text)
/** 64 KiB shards: segments of 256 KiB − 16, so a test object has several. */
const SMALL = 64 * 1024
const storeOf = (namespaces: ShardStore[], master: StorageMasterKey, init: Partial<ObjectStoreInit> = {}): ObjectStore =>
  new ObjectStore({ namespaces, masterKey: master, ...init })

describe('object store on zdb namespaces', () => {
  it('round-trips 0 bytes, 1 byte, exactly one segment and 20 MB (many segments and a remainder) with 4+2', async t => {
    const ns = await openNamespaces(t, 6)
    const store = storeOf(ns.stores, await masterKey())
    assert.equal(store.segmentSize, 4 * MiB - 16)
    for (const [size, segments] of [[0, 0], [1, 1], [store.segmentSize, 1], [20_000_000, 5]]) {
      const data = randomBytes(size)
      const progress: Progress[] = []
      // chunks that do not line up with segments
      const info = await store.put(chunked(data, 65_537), { name: `object of ${size}`, onProgress: p => progress.push(p) })
      assert.equal(info.size, size)
      assert.equal(info.segments, segments)
      assert.deepEqual(progress.at(-1) ?? { bytes: 0, segments: 0 }, { bytes: size, segments })
      assert.deepEqual(await store.head(info.objectId), info)
      const read: Progress[] = []
      const back = await readAll(store.get(info.objectId, { onProgress: p => read.push(p) }))
      assert.equal(back.byteLength, size)
      assert.ok(back.equals(data), `${size} bytes come back identical`)
      assert.deepEqual(read.at(-1) ?? { bytes: 0, segments: 0 }, { bytes: size, segments })
    }
  })

  it('reads identical bytes with any 2 of 6 namespaces gone (one lost, one unreachable), and names the shards when 3 are', async t => {
    const ns = await openNamespaces(t, 6)
    const master = await masterKey()
    const data = randomBytes(700_000)
    const { objectId } = await storeOf(ns.stores, master, { shardSize: SMALL }).put(chunked(data, 100_000))
    const ids = ns.stores.map(s => s.id)
    const without = async (gone: Record<number, 'lost' | 'dead'>): Promise<ObjectStore> => storeOf(await Promise.all(ns.stores.map(async (s, i) =>
      gone[i] === 'lost' ? ns.empty(ids[i]) : gone[i] === 'dead' ? ns.dead(ids[i]) : s)), master, { shardSize: SMALL })
    for (let a = 0; a < 6; a++) {
      for (let b = a + 1; b < 6; b++) {
        const back = await readAll((await without({ [a]: 'lost', [b]: 'dead' })).get(objectId))
        assert.ok(back.equals(data), `identical without namespaces ${a} and ${b}`)
      }
    }

    const broken = await without({ 1: 'lost', 2: 'dead', 4: 'lost' })
    await assert.rejects(readAll(broken.get(objectId)), (err: any) => {
      assert.equal(err.name, 'NotEnoughShardsError')
      assert.equal(err.segment, 0)
      assert.equal(err.good, 3)
      assert.equal(err.needed, 4)
      assert.deepEqual(err.problems.map((p: any) => [p.index, p.namespace, p.health]), [[1, ids[1], 'missing'], [2, ids[2], 'unreachable'], [4, ids[4], 'missing']])
      assert.match(err.message, new RegExp(`segment 0: 3 good shards, 4 needed; ${ids[1]} \\(#1\\) missing; ${ids[2]} \\(#2\\) unreachable: .+; ${ids[4]} \\(#4\\) missing`))
      return true
    })
  })

  it('finds a bit flipped on disk, a bit flipped in a shard and a shard under the wrong key; repair rewrites them and status is healthy again', async t => {
    const ns = await openNamespaces(t, 6)
    const store = storeOf(ns.stores, await masterKey(), { shardSize: SMALL })
    const data = randomBytes(700_000)
    const { objectId } = await store.put(chunked(data, 50_000))
    assert.equal((await store.status(objectId)).healthy, true)

    // on disk: zdb's own record checksum catches it
    const shard = await ns.engines[1].get(key(`o/${objectId}/0`)) as Uint8Array
    const dataFile = ns.dataFile(1)
    const bytes = await readFile(dataFile)
    const at = bytes.indexOf(Buffer.from(shard.subarray(1000, 1064)))
    assert.ok(at > 0)
    const handle = await open(dataFile, 'r+')
    await handle.write(Buffer.from([bytes[at] ^ 0x10]), 0, 1, at)
    await handle.close()
    // in the value: the manifest's sha256 catches it
    const value = Buffer.from(await ns.engines[3].get(key(`o/${objectId}/1`)) as Uint8Array)
    value[value.byteLength - 1] ^= 0x01
    await ns.engines[3].set(key(`o/${objectId}/1`), value)
    // another segment's shard under this key: its header says so
    await ns.engines[5].set(key(`o/${objectId}/1`), await ns.engines[5].get(key(`o/${objectId}/0`)) as Uint8Array)

    const status = await store.status(objectId)
    assert.equal(status.healthy, false)
    assert.equal(status.readable, true)
    assert.equal(status.minGoodShards, 4)
    assert.deepEqual(status.counts, { ok: 15, missing: 0, corrupt: 3, unreachable: 0 })
    assert.deepEqual(status.problems.map(p => [p.segment, p.index, p.health]), [[0, 1, 'corrupt'], [1, 3, 'corrupt'], [1, 5, 'corrupt']])
    assert.match(status.problems[0].detail, /damaged/)
    assert.match(status.problems[1].detail, /sha256/)
    assert.match(status.problems[2].detail, /header/)
    assert.deepEqual(status.namespaces[3].shards, ['ok', 'corrupt', 'ok'])
    assert.ok((await readAll(store.get(objectId))).equals(data))

    const progress: Progress[] = []
    const report = await store.repair(objectId, { onProgress: p => progress.push(p) })
    assert.equal(report.complete, true)
    assert.deepEqual(report.repaired.map(r => [r.segment, r.index, r.was]).sort(), [[0, 1, 'corrupt'], [1, 3, 'corrupt'], [1, 5, 'corrupt']])
    assert.deepEqual(progress.at(-1), { bytes: 3 * SMALL, segments: 3 })
    const after = await store.status(objectId)
    assert.equal(after.healthy, true)
    assert.deepEqual(after.counts, { ok: 18, missing: 0, corrupt: 0, unreachable: 0 })
    assert.ok((await readAll(store.get(objectId))).equals(data))
  })

  it('repairs a lost namespace in place and moves an unreachable one to a replacement, naming it in every manifest copy', async t => {
    const ns = await openNamespaces(t, 6)
    const master = await masterKey()
    const data = randomBytes(600_000)
    const { objectId } = await storeOf(ns.stores, master, { shardSize: SMALL }).put(chunked(data, 1 << 16))
    const ids = ns.stores.map(s => s.id)
    const stripe = [...ns.stores]
    stripe[0] = await ns.empty(ids[0])
    stripe[2] = ns.dead(ids[2])
    const store = storeOf(stripe, master, { shardSize: SMALL })
    const before = await store.status(objectId)
    assert.deepEqual(before.namespaces.map(n => [n.manifest, n.counts.ok]), [['missing', 0], ['ok', 3], ['unreachable', 0], ['ok', 3], ['ok', 3], ['ok', 3]])

    const replacement = await ns.empty('farmer9/contract/fresh')
    const asked: number[] = []
    const report = await store.repair(objectId, { replace: index => { asked.push(index); return index === 2 ? replacement : undefined } })
    assert.deepEqual(asked, [0, 2])
    assert.equal(report.complete, true)
    assert.deepEqual(report.replaced, [{ index: 2, from: ids[2], to: replacement.id }])
    assert.deepEqual(report.repaired.filter(r => r.segment != null).map(r => [r.index, r.namespace, r.was]).sort(),
      [[0, ids[0], 'missing'], [0, ids[0], 'missing'], [0, ids[0], 'missing'], [2, replacement.id, 'unreachable'], [2, replacement.id, 'unreachable'], [2, replacement.id, 'unreachable']])
    assert.deepEqual(report.repaired.filter(r => r.segment == null).map(r => [r.index, r.was]).sort(), [[0, 'missing'], [1, 'updated'], [2, 'unreachable'], [3, 'updated'], [4, 'updated'], [5, 'updated']])
    assert.equal(store.namespaces[2].id, replacement.id)

    const after = await store.status(objectId)
    assert.equal(after.healthy, true)
    assert.equal(after.object.namespaces[2], replacement.id)
    // a client that only knows the new stripe finds the manifest that names it, and the bytes
    const fresh = storeOf([stripe[0], ns.stores[1], replacement, ns.stores[3], ns.stores[4], ns.stores[5]], master, { shardSize: SMALL })
    assert.deepEqual((await fresh.head(objectId)).namespaces, [ids[0], ids[1], replacement.id, ids[3], ids[4], ids[5]])
    assert.ok((await readAll(fresh.get(objectId))).equals(data))
  })

  it('moves healthy shard indexes to other stores when asked (a pool grown into larger namespaces), and clears the old ones', async t => {
    const ns = await openNamespaces(t, 6)
    const master = await masterKey()
    const data = randomBytes(600_000)
    const { objectId } = await storeOf(ns.stores, master, { shardSize: SMALL }).put(chunked(data, 1 << 16))
    const ids = ns.stores.map(s => s.id)
    const larger = await Promise.all(ns.stores.map(async (_, i) => ns.empty(`farmer${i}/contract2/ns${i}`)))
    const report = await storeOf(ns.stores, master, { shardSize: SMALL }).repair(objectId, { move: new Map(larger.map((store, i) => [i, store])) })
    assert.equal(report.complete, true, JSON.stringify(report))
    assert.deepEqual(report.replaced.map(r => [r.index, r.from, r.to]), larger.map((store, i) => [i, ids[i], store.id]))
    const moved = storeOf(larger, master, { shardSize: SMALL })
    assert.equal((await moved.status(objectId)).healthy, true)
    assert.ok((await readAll(moved.get(objectId))).equals(data))
    assert.deepEqual(ns.engines.map(e => e.info().entries), [0, 0, 0, 0, 0, 0])
  })

  it('another identity can neither read the manifest nor the object (StorageKeyError), and lists it as unreadable', async t => {
    const ns = await openNamespaces(t, 6)
    const mine = storeOf(ns.stores, await masterKey())
    const { objectId } = await mine.put(chunked(randomBytes(1000), 100), { name: 'secret' })
    const theirs = storeOf(ns.stores, await masterKey())
    for (const attempt of [theirs.head(objectId), readAll(theirs.get(objectId)), theirs.status(objectId), theirs.repair(objectId), theirs.delete(objectId)]) {
      await assert.rejects(attempt, { name: 'StorageKeyError', message: new RegExp(`object ${objectId}: not your object or corrupted`) })
    }
    const listed = await theirs.list()
    assert.deepEqual(listed.objects, [])
    assert.deepEqual(listed.unreadable.map(u => u.objectId), [objectId])
    assert.equal((await mine.head(objectId)).name, 'secret')
  })

  it('keeps the manifest readable with 5 of 6 namespaces lost', async t => {
    const ns = await openNamespaces(t, 6)
    const master = await masterKey()
    const info = await storeOf(ns.stores, master, { shardSize: SMALL }).put(chunked(randomBytes(300_000), 4096), { name: 'kept' })
    const stripe = await Promise.all(ns.stores.map(async (s, i) => i === 4 ? s : i % 2 === 0 ? ns.empty(s.id) : ns.dead(s.id)))
    const store = storeOf(stripe, master, { shardSize: SMALL })
    assert.deepEqual(await store.head(info.objectId), info)
    const status = await store.status(info.objectId)
    assert.equal(status.readable, false)
    assert.equal(status.minGoodShards, 1)
    assert.deepEqual(status.counts, { ok: 2, missing: 4, corrupt: 0, unreachable: 6 })
    await assert.rejects(readAll(store.get(info.objectId)), { name: 'NotEnoughShardsError' })
    const report = await store.repair(info.objectId)
    assert.deepEqual(report.unrecoverable.sort(), [0, 1])
    assert.equal(report.complete, false)
  })

  it('lists objects, deletes one everywhere, and a deleted object is not found', async t => {
    const ns = await openNamespaces(t, 6)
    const store = storeOf(ns.stores, await masterKey(), { shardSize: SMALL })
    const first = await store.put(chunked(randomBytes(400_000), 10_000), { name: 'first' })
    const second = await store.put(chunked(randomBytes(10), 10), { name: 'second' })
    assert.deepEqual((await store.list()).objects.map(o => o.name), ['first', 'second'])
    await store.delete(first.objectId)
    const listed = await store.list()
    assert.deepEqual(listed, { objects: [second], unreadable: [], unreachable: [] })
    // what is left: the second object's one shard and its manifest
    assert.deepEqual(ns.engines.map(e => e.info().entries), [2, 2, 2, 2, 2, 2])
    await assert.rejects(store.head(first.objectId), (err: any) => err.name === 'ObjectNotFoundError' && err.problems.length === 6 && err.problems.every((p: any) => p.health === 'missing'))
    await assert.rejects(readAll(store.get(first.objectId)), { name: 'ObjectNotFoundError' })
    await assert.rejects(store.head('not-an-id'), { name: 'InvalidObjectIdError' })
  })

  it('a get asks for k + 1 shards, the parity one turning with the segment; a failed read brings in another, a data shard that never comes is cut', async t => {
    const ns = await openNamespaces(t, 6)
    const asked = ns.stores.map(() => 0)
    let failing = -1
    let hanging = -1
    let cancelled = 0
    const watched = ns.stores.map((store, i): ShardStore => ({
      ...store,
      async get (key, options) {
        if (!Buffer.from(key).toString().startsWith('o/')) return store.get(key, options)
        asked[i]++
        if (i === failing) throw new Error('unreachable')
        if (i === hanging) {
          // answers only by failing once the get gives up on it
          await new Promise<void>(resolve => { options?.signal?.addEventListener('abort', () => { resolve() }, { once: true }) })
          cancelled++
          throw new Error('aborted')
        }
        return store.get(key, options)
      }
    }))
    const store = storeOf(watched, await masterKey(), { shardSize: SMALL })
    const data = randomBytes(4 * store.segmentSize)
    const { objectId } = await store.put(chunked(data, 100_000))
    const getCounting = async (): Promise<number[]> => {
      asked.fill(0)
      assert.ok((await readAll(store.get(objectId))).equals(data))
      return [...asked]
    }
    assert.deepEqual(await getCounting(), [4, 4, 4, 4, 2, 2])
    failing = 1
    assert.deepEqual(await getCounting(), [4, 4, 4, 4, 4, 4])
    failing = -1
    hanging = 2
    assert.deepEqual(await getCounting(), [4, 4, 4, 4, 2, 2])
    assert.equal(cancelled, 4)
  })

  it('a get stops when its signal aborts', async t => {
    const ns = await openNamespaces(t, 6)
    const store = storeOf(ns.stores, await masterKey(), { shardSize: SMALL })
    const { objectId } = await store.put(chunked(randomBytes(800_000), 100_000))
    const stop = new AbortController()
    const seen: number[] = []
    await assert.rejects((async () => {
      for await (const bytes of store.get(objectId, { signal: stop.signal })) {
        seen.push(bytes.byteLength)
        stop.abort()
      }
    })(), { name: 'AbortError' })
    // a segment comes out shard by shard
    assert.deepEqual(seen, [store.shardSize])
  })

  it('a put that cannot reach a namespace fails naming it and leaves nothing behind; a delete that cannot keeps the manifests', async t => {
    const ns = await openNamespaces(t, 6)
    const master = await masterKey()
    const stripe = [...ns.stores.slice(0, 5), ns.dead(ns.stores[5].id)]
    await assert.rejects(storeOf(stripe, master, { shardSize: SMALL }).put(chunked(randomBytes(600_000), 10_000)), (err: any) => {
      assert.equal(err.name, 'ShardWriteError')
      assert.equal(err.action, 'put')
      assert.ok(err.failures.length > 0 && err.failures.every((f: any) => f.index === 5 && f.namespace === ns.stores[5].id))
      assert.match(err.message, /farmer5\/contract\/ns5 \(#5\): the namespace is closed/)
      return true
    })
    assert.deepEqual(ns.engines.slice(0, 5).map(e => e.info().entries), [0, 0, 0, 0, 0])

    const { objectId } = await storeOf(ns.stores, master, { shardSize: SMALL }).put(chunked(randomBytes(1000), 1000))
    await assert.rejects(storeOf(stripe, master, { shardSize: SMALL }).delete(objectId), { name: 'ShardWriteError', message: /delete of object/ })
    assert.equal((await storeOf(ns.stores, master).head(objectId)).size, 1000)
  })

  it('refuses a stripe that does not fit its shards', async t => {
    const ns = await openNamespaces(t, 6)
    const master = await masterKey()
    assert.throws(() => storeOf(ns.stores.slice(0, 5), master), { name: 'StorageConfigError', message: /5 namespaces for 4\+2/ })
    assert.throws(() => storeOf([...ns.stores.slice(0, 5), ns.stores[0]], master), { name: 'StorageConfigError', message: /same id/ })
    assert.throws(() => storeOf(ns.stores, master, { shardSize: 4 * MiB }), { name: 'StorageConfigError', message: /shard size/ })
    assert.throws(() => storeOf(ns.stores, master, { dataShards: 0, parityShards: 6 }), { name: 'ErasureError' })
  })
})
