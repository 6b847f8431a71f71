import assert from 'node:assert/strict'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { tempDir } from '@p2pcloud/test-utils'
import { DiskBudget, FsBlockStore, TREE_LIMITS, encodeManifest, emptyConfig, entryDiskBytes, loadFlist } from '../src/index.js'
import type { BlockGetter, FlistEntry } from '../src/index.js'
import type { CID } from 'multiformats/cid'

const T = Date.UTC(2025, 5, 1)
const MiB = 2 ** 20
const dir = (path: string): FlistEntry => ({ path, type: 'dir', mode: 0o755, uid: 0, gid: 0, mtimeMs: T, size: 0, blocks: [] })
const link = (path: string): FlistEntry => ({ path, type: 'symlink', mode: 0o777, uid: 0, gid: 0, mtimeMs: T, size: 0, blocks: [], target: 'y'.repeat(100) })

/** The manifest blocks of `entries` in a store, and a getter over it that counts what it is asked for. */
async function stored (t: any, entries: FlistEntry[]): Promise<{ root: CID, blocks: number, getter: BlockGetter & { asked: number } }> {
  const store = new FsBlockStore(join(await tempDir('flist-budget', t), 'blocks'))
  const blocks = await encodeManifest(entries, emptyConfig())
  for (const b of blocks) await store.put(b.cid, b.bytes)
  const getter = { asked: 0, get: async (cid: CID) => { getter.asked++; return store.get(cid) } }
  return { root: blocks[0].cid, blocks: blocks.length, getter }
}

const budgetOf = (root: CID, bytes: number): DiskBudget => new DiskBudget(root.toString(), () => ({ bytes, of: 'this test allows' }))

describe('disk budget of a flist', () => {
  it('charges each entry whole 4 KiB blocks, at least one', () => {
    assert.equal(entryDiskBytes({ path: 'empty', size: 0 }), 4096)
    assert.equal(entryDiskBytes({ path: 'f', size: 4097 }), 8192)
    assert.equal(entryDiskBytes({ path: 'l', size: 0, target: 'x'.repeat(4096) }), 4096)
  })

  it('a paged manifest of more entries than the room holds is refused from its root, before any page is fetched', async t => {
    const entries = [dir('d')]
    for (let i = 0; i < 6000; i++) entries.push(link(`d/${String(i).padStart(5, '0')}-${'x'.repeat(200)}`))
    const { root, blocks, getter } = await stored(t, entries)
    assert.ok(blocks >= 3, `${blocks} manifest blocks`)
    await assert.rejects(loadFlist(getter, root, { budget: budgetOf(root, 16 * MiB) }), (err: any) => {
      assert.equal(err.name, 'FlistTooLargeError')
      assert.equal(err.message, `flist ${root.toString()}: its 6001 entries take at least 23.4 MiB (24580096 bytes) of disk (4 KiB each) (so far: manifest ${err.message.match(/manifest ([^,]+),/)[1]}, tree 0 B, data blocks 0 B), more than the 16 MiB (16777216 bytes) this test allows`)
      return true
    })
    assert.equal(getter.asked, 1, 'the root only')
    // with room for it, the same manifest loads and counts every entry
    const budget = budgetOf(root, 64 * MiB)
    await loadFlist(getter, root, { budget })
    assert.ok(budget.total >= 6001 * 4096)
  })

  it('a tree deeper than 256 directories is refused', async t => {
    const entries: FlistEntry[] = []
    for (let path = 'a'; entries.length <= TREE_LIMITS.maxDepth + 1; path += '/a') entries.push(dir(path))
    const { root, getter } = await stored(t, entries)
    await assert.rejects(loadFlist(getter, root, { budget: budgetOf(root, 64 * MiB) }), { name: 'FlistTooLargeError', message: /is 257 directories deep, more than the 256 this peer materialises/ })
  })
})
