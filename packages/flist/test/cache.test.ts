import assert from 'node:assert/strict'
import { mkdir, readFile, readdir, stat, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { tempDir } from '@p2pcloud/test-utils'
import { FlistCache, FsBlockStore, buildFromDirectory, dataBlocks, importArchive, loadFlist, parseCid, readArchive } from '../src/index.js'
import { pattern } from './helpers.js'
import type { BlockStore, CacheFetchOptions, LoadFlistOptions } from '../src/index.js'
import type { CID } from 'multiformats/cid'

const KiB = 1024

/**
 * The exchange's job, done here from the build archives: make every block of the flist local,
 * and read its manifest into the cache's budget as the exchange's fetch does.
 */
function fetchFrom (archives: Map<string, string>, store: BlockStore, fetched: string[] = []): (cid: CID, options?: LoadFlistOptions) => Promise<void> {
  return async (cid, options) => {
    fetched.push(cid.toString())
    await importArchive(archives.get(cid.toString()) as string, store)
    await loadFlist(store, cid, options)
  }
}

/** Builds three flists that share one file (`shared`) and each have one file of their own. */
async function fixtures (work: string): Promise<{ archives: Map<string, string>, cids: string[] }> {
  const archives = new Map<string, string>()
  const cids: string[] = []
  for (const name of ['a', 'b', 'c']) {
    const src = join(work, `src-${name}`)
    await mkdir(join(src, 'etc'), { recursive: true })
    await writeFile(join(src, 'shared'), pattern(600 * KiB, 1))
    await writeFile(join(src, 'etc/own'), pattern(300 * KiB, name.charCodeAt(0)))
    const out = join(work, `${name}.car`)
    const built = await buildFromDirectory(src, out)
    archives.set(built.cid.toString(), out)
    cids.push(built.cid.toString())
  }
  return { archives, cids }
}

describe('flist cache', () => {
  it('shares one tree between acquires, evicts only unreferenced flists LRU first, keeps a pinned flist\'s blocks, survives a restart', async t => {
    const work = await tempDir('flist-cache', t)
    const { archives, cids: [a, b, c] } = await fixtures(work)
    const store = new FsBlockStore(join(work, 'blocks'))
    const fetched: string[] = []
    const fetch = fetchFrom(archives, store, fetched)
    const pinnedSet = new Set<string>()
    let clock = 1000
    // one flist: 900 KiB of tree + ~900 KiB of blocks; two fit, three do not
    const init = { root: join(work, 'cache'), store, fetch, maxBytes: 4000 * KiB, pinned: (cid: string) => pinnedSet.has(cid), now: () => ++clock }
    const cache = new FlistCache(init)

    const [one, two] = await Promise.all([cache.acquire(a), cache.acquire(a)])
    assert.equal(one.path, two.path)
    assert.deepEqual(fetched, [a], 'fetched and built once')
    assert.deepEqual(await readFile(join(one.path, 'etc/own')), pattern(300 * KiB, 'a'.charCodeAt(0)))
    assert.deepEqual(await readdir(join(work, 'cache/tmp')).then(names => names.filter(n => !n.startsWith('state.'))), [])

    const holdB = await cache.acquire(b)
    await one.release()
    await one.release() // once only
    assert.equal(cache.list().find(e => e.cid === a)?.refs, 1)
    await two.release()
    // a (unreferenced, least recently used) goes when c comes; b is referenced and stays
    const flistA = await loadFlist(store, parseCid(a))
    const blocksOf = (path: string): CID[] => flistA.entries.find(e => e.path === path)?.blocks ?? []
    const holdC = await cache.acquire(c)
    assert.deepEqual(cache.list().map(e => e.cid).sort(), [b, c].sort())
    await assert.rejects(stat(join(work, 'cache/trees', a)), { code: 'ENOENT' })
    for (const cid of blocksOf('shared')) assert.equal(await store.has(cid), true, 'the shared blocks stay: b and c use them')
    for (const cid of blocksOf('etc/own')) assert.equal(await store.has(cid), false, 'a\'s own block is deleted')
    assert.equal(await store.has(flistA.cid), false, 'and its manifest')
    assert.ok(cache.held() <= init.maxBytes)

    // pinned: c is pinned and released, b released; a comes back: b (unpinned) goes, c stays with its blocks
    pinnedSet.add(c)
    await holdC.release()
    await holdB.release()
    const again = await cache.acquire(a)
    assert.deepEqual(cache.list().map(e => e.cid).sort(), [a, c].sort())
    for (const cid of dataBlocks(await loadFlist(store, parseCid(c)))) assert.equal(await store.has(cid), true)
    await again.release()

    // restart: the cache knows its flists without fetching
    const restarted = new FlistCache({ ...init })
    const before = fetched.length
    const held = await restarted.acquire(c)
    assert.equal(fetched.length, before)
    assert.deepEqual(held.config, { entrypoint: [], cmd: [], env: [], workingDir: '', user: '' })
    assert.deepEqual(restarted.list().map(e => e.cid).sort(), [a, c].sort())
    await held.release()
  })

  it('a failed fetch leaves nothing behind and the next acquire tries again', async t => {
    const work = await tempDir('flist-cache-fail', t)
    const { archives, cids: [a] } = await fixtures(work)
    const store = new FsBlockStore(join(work, 'blocks'))
    let fail = true
    const cache = new FlistCache({
      root: join(work, 'cache'),
      store,
      maxBytes: 10 * 1024 * KiB,
      fetch: async cid => {
        if (fail) throw new Error('no provider')
        await importArchive(archives.get(cid.toString()) as string, store)
      }
    })
    await assert.rejects(cache.acquire(a), /no provider/)
    assert.deepEqual(await readdir(join(work, 'cache/trees')), [])
    fail = false
    const held = await cache.acquire(a)
    assert.ok((await stat(join(held.path, 'shared'))).isFile())
    await held.release()
  })

  it('a build keeps every block it needs, also those it found in the store: another build that fails deletes only what nobody needs', async t => {
    const work = await tempDir('flist-cache-shared', t)
    const { archives, cids: [hostile, victim] } = await fixtures(work)
    const store = new FsBlockStore(join(work, 'blocks'))
    const gates = new Map<string, { reached: PromiseWithResolvers<void>, go: PromiseWithResolvers<void> }>()
    for (const cid of [hostile, victim]) gates.set(cid, { reached: Promise.withResolvers(), go: Promise.withResolvers() })
    // as the exchange fetches: each block it lacks is stored and named, every block the flist needs is named; then it waits for the test
    const fetch = async (cid: CID, options: CacheFetchOptions = {}): Promise<void> => {
      const { blocks } = await readArchive(archives.get(cid.toString()) as string)
      for await (const block of blocks) {
        if (await store.has(block.cid)) continue
        await store.put(block.cid, block.bytes)
        options.onStored?.(block.cid)
      }
      const flist = await loadFlist(store, cid, options)
      options.onNeeded?.([...flist.manifestBlocks, ...dataBlocks(flist)])
      const gate = gates.get(cid.toString())
      gate?.reached.resolve()
      await gate?.go.promise
    }
    const cache = new FlistCache({ root: join(work, 'cache'), store, maxBytes: 10 * 1024 * KiB, fetch })
    // the hostile flist shares the victim's file: it fetches it first, then fails on purpose
    const failing = cache.acquire(hostile)
    await gates.get(hostile)?.reached.promise
    const own = (await loadFlist(store, parseCid(hostile))).entries.find(e => e.path === 'etc/own')?.blocks ?? []
    assert.ok(own.length > 0)
    const built = cache.acquire(victim)
    await gates.get(victim)?.reached.promise
    gates.get(hostile)?.go.reject(new Error('gave up on purpose'))
    await assert.rejects(failing, /gave up on purpose/)
    const shared = (await loadFlist(store, parseCid(victim))).entries.find(e => e.path === 'shared')?.blocks ?? []
    for (const cid of shared) assert.equal(await store.has(cid), true, 'the victim needs the shared blocks it found in the store')
    gates.get(victim)?.go.resolve()
    const held = await built
    assert.deepEqual(await readFile(join(held.path, 'shared')), pattern(600 * KiB, 1))
    await held.release()
    for (const cid of own) assert.equal(await store.has(cid), false, 'the failed build\'s own blocks are gone')
  })

  it('a flist with no room beside the flists in use or being fetched is refused before it is fetched, naming them', async t => {
    const work = await tempDir('flist-cache-room', t)
    const { archives, cids: [a, b, c] } = await fixtures(work)
    const store = new FsBlockStore(join(work, 'blocks'))
    // one flist: 904 KiB of tree + 900 KiB of blocks; one fits, two do not
    const cache = new FlistCache({ root: join(work, 'cache'), store, fetch: fetchFrom(archives, store), maxBytes: 3000 * KiB })
    const holdA = await cache.acquire(a)
    await assert.rejects(cache.acquire(b), (err: any) => {
      assert.equal(err.name, 'FlistTooLargeError')
      assert.match(err.message, new RegExp(`^flist ${b}: its manifest declares at least 1\\.8 MiB \\(\\d+ bytes\\) of disk .*, more than the 1\\.2 MiB \\(\\d+ bytes\\) left in this farmer's flist cache of 2\\.9 MiB \\(1\\.8 MiB of it held by flists in use or being fetched\\)$`))
      return true
    })
    assert.deepEqual(await readdir(join(work, 'cache/trees')), [a])
    // released, a is evicted to make room: b fits
    await holdA.release()
    const holdB = await cache.acquire(b)
    assert.deepEqual(cache.list().map(e => e.cid), [b])
    await holdB.release()

    // two fetched at once: whichever declares last finds the other's bytes taken
    const both = await Promise.allSettled([cache.acquire(a), cache.acquire(c)])
    const refused = both.filter(r => r.status === 'rejected')
    assert.equal(refused.length, 1, 'one of the two')
    assert.match(refused[0].reason.message, /held by flists in use or being fetched/)
    for (const r of both) if (r.status === 'fulfilled') await r.value.release()
    assert.ok(cache.held() <= 3000 * KiB)
  })

  it('an ownerShift is added to every owner in the trees; reopened with another shift, the cache builds them again', { skip: process.getuid?.() !== 0 ? 'chown needs root' : undefined }, async t => {
    const work = await tempDir('flist-cache-shift', t)
    const { archives, cids: [a] } = await fixtures(work)
    const store = new FsBlockStore(join(work, 'blocks'))
    let fetches = 0
    const init = { root: join(work, 'cache'), store, maxBytes: 10 * 1024 * KiB, fetch: async (cid: CID) => { fetches++; await importArchive(archives.get(cid.toString()) as string, store) } }
    const shifted = await new FlistCache({ ...init, ownerShift: 100_000 }).acquire(a)
    for (const path of ['etc', 'etc/own', 'shared']) {
      const { uid, gid } = await stat(join(shifted.path, path))
      assert.deepEqual({ uid, gid }, { uid: 100_000, gid: 100_000 }, path)
    }
    await shifted.release()
    const again = await new FlistCache({ ...init, ownerShift: 100_000 }).acquire(a)
    assert.equal(fetches, 1, 'the same shift keeps its trees')
    await again.release()
    const unshifted = await new FlistCache(init).acquire(a)
    assert.equal(fetches, 2, 'built again')
    assert.equal((await stat(join(unshifted.path, 'etc/own'))).uid, 0)
    await unshifted.release()
  })
})
