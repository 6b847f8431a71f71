import assert from 'node:assert/strict'
import { chmod, chown, link as hardLink, lutimes, mkdir, readdir, readFile, stat, symlink, utimes, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe as suite, it } from 'node:test'
import { flistMessages } from '@p2pcloud/wire'
import {
  FLIST_LIMITS, FsBlockStore, MAX_BLOCK_BYTES, blockCid, buildFromDirectory, dataBlocks, encodeManifest, emptyConfig,
  importArchive, listPath, loadFlist, manifestCid, materialise, readArchive, readFile as catFile, verifyBlock
} from '../src/index.js'
import { tempDir } from '@p2pcloud/test-utils'
import { describe, pattern, withoutInodes } from './helpers.js'
import type { Flist, FlistEntry } from '../src/index.js'

const T = Date.UTC(2025, 5, 1, 12, 0, 0, 123)

/** A tree with every kind of entry the format keeps. */
async function makeTree (dir: string): Promise<void> {
  await mkdir(join(dir, 'bin'))
  await mkdir(join(dir, 'data/empty-dir'), { recursive: true })
  await mkdir(join(dir, 'tmp'))
  await writeFile(join(dir, 'data/big.bin'), pattern(3 * 1024 * 1024 + 17))
  await writeFile(join(dir, 'data/empty'), '')
  await writeFile(join(dir, 'data/copy-1'), pattern(MAX_BLOCK_BYTES * 2, 5))
  await writeFile(join(dir, 'data/copy-2'), pattern(MAX_BLOCK_BYTES * 2, 5))
  await writeFile(join(dir, 'bin/tool'), '#!/bin/sh\necho hi\n')
  await hardLink(join(dir, 'bin/tool'), join(dir, 'bin/tool-link'))
  await symlink('/etc/passwd', join(dir, 'etc-passwd'))
  await symlink('../bin/tool', join(dir, 'data/rel-link'))
  await chown(join(dir, 'bin/tool'), 1000, 1001)
  await chmod(join(dir, 'bin/tool'), 0o4755)
  await chown(join(dir, 'data'), 33, 33)
  await chmod(join(dir, 'data'), 0o2750)
  await chmod(join(dir, 'tmp'), 0o1777)
  await chmod(join(dir, 'data/empty'), 0o600)
  await lutimes(join(dir, 'etc-passwd'), new Date(T - 5000), new Date(T - 5000))
  for (const [path, offset] of [['data/big.bin', 1], ['data/empty', 2], ['bin/tool', 3], ['data/copy-1', 4], ['data/copy-2', 5]] as const) {
    await utimes(join(dir, path), new Date(T + offset * 1000), new Date(T + offset * 1000))
  }
  for (const [path, offset] of [['data/empty-dir', 6], ['data', 7], ['bin', 8], ['tmp', 9]] as const) {
    await utimes(join(dir, path), new Date(T + offset * 1000), new Date(T + offset * 1000))
  }
}

suite('flist build → store → materialise', () => {
  it('gives back the identical tree, stores identical content once, and names it deterministically', async t => {
    const work = await tempDir('flist-roundtrip', t)
    const src = join(work, 'src')
    await mkdir(src)
    await makeTree(src)
    const progress: string[] = []
    const built = await buildFromDirectory(src, join(work, 'a.car'), { onProgress: p => progress.push(p.phase) })
    assert.equal(built.skipped, 0)
    assert.equal(built.files, 5) // big, empty, copy-1, copy-2, tool (tool-link is a hard link)
    assert.equal(built.bytes, 3 * 1024 * 1024 + 17 + 4 * MAX_BLOCK_BYTES + 18)
    // copy-2 adds no block: 7 (big) + 2 (copies) + 1 (tool) data blocks + the root manifest block
    assert.equal(built.blocks, 11)
    const uniqueData = 3 * 1024 * 1024 + 17 + 2 * MAX_BLOCK_BYTES + 18
    assert.ok(built.uniqueBytes > uniqueData && built.uniqueBytes < uniqueData + 4096, `${built.uniqueBytes}: the distinct data blocks plus one small manifest block`)
    assert.ok(progress.includes('done'))

    const again = await buildFromDirectory(src, join(work, 'b.car'))
    assert.equal(again.cid.toString(), built.cid.toString(), 'the same tree gives the same CID')
    assert.deepEqual(await readFile(join(work, 'b.car')), await readFile(join(work, 'a.car')))

    const archive = await readArchive(join(work, 'a.car'))
    assert.equal(archive.root.toString(), built.cid.toString())
    const seen = new Set<string>()
    for await (const { cid } of archive.blocks) {
      assert.ok(!seen.has(cid.toString()), 'every block once')
      seen.add(cid.toString())
    }
    assert.equal(seen.size, built.blocks)

    const store = new FsBlockStore(join(work, 'blocks'))
    assert.equal((await importArchive(join(work, 'a.car'), store)).toString(), built.cid.toString())
    const flist = await loadFlist(store, built.cid)
    assert.equal(dataBlocks(flist).length, 10)
    assert.equal(await store.size(), built.uniqueBytes)

    const out = join(work, 'out')
    await materialise(flist, store, out)
    const before = await describe(src)
    const after = await describe(out)
    assert.deepEqual(withoutInodes(after), withoutInodes(before))
    assert.equal(after.get('bin/tool-link')?.ino, after.get('bin/tool')?.ino, 'hard links share an inode')
    assert.notEqual(after.get('data/copy-1')?.ino, after.get('data/copy-2')?.ino)
    assert.equal(after.get('bin/tool')?.mode, 0o4755)
    assert.equal(after.get('tmp')?.mode, 0o1777)

    assert.deepEqual(listPath(flist, '/data').map(e => e.path), ['data/big.bin', 'data/copy-1', 'data/copy-2', 'data/empty', 'data/empty-dir', 'data/rel-link'])
    assert.deepEqual(listPath(flist, 'bin/tool').map(e => e.type), ['file'])
    const chunks: Uint8Array[] = []
    for await (const chunk of catFile(flist, store, 'bin/tool-link')) chunks.push(chunk)
    assert.equal(Buffer.concat(chunks).toString(), '#!/bin/sh\necho hi\n')
    await assert.rejects(async () => { for await (const _ of catFile(flist, store, 'data')) { /* nothing */ } }, { name: 'FlistPathError', message: /is a directory/ })
    await assert.rejects(async () => { for await (const _ of catFile(flist, store, 'nope')) { /* nothing */ } }, { name: 'FlistPathError', message: /no such file/ })
  })

  it('splits a big manifest into pages the root lists, and reads it back', async t => {
    const work = await tempDir('flist-pages', t)
    const entries: FlistEntry[] = [{ path: 'd', type: 'dir', mode: 0o755, uid: 0, gid: 0, mtimeMs: T, size: 0, blocks: [] }]
    for (let i = 0; i < 6000; i++) entries.push({ path: `d/${String(i).padStart(5, '0')}-${'x'.repeat(200)}`, type: 'symlink', mode: 0o777, uid: 0, gid: 0, mtimeMs: T, size: 0, blocks: [], target: 'y'.repeat(100) })
    const blocks = await encodeManifest(entries, { ...emptyConfig(), cmd: ['/bin/sh'] })
    assert.ok(blocks.length >= 3, `${blocks.length} blocks`)
    for (const b of blocks) assert.ok(b.bytes.byteLength <= MAX_BLOCK_BYTES)
    const store = new FsBlockStore(join(work, 'blocks'))
    for (const b of blocks) await store.put(b.cid, b.bytes)
    const flist = await loadFlist(store, blocks[0].cid)
    assert.equal(flist.entries.length, entries.length)
    assert.deepEqual(flist.entries.map(e => e.path), entries.map(e => e.path))
    assert.deepEqual(flist.manifestBlocks.map(String), blocks.map(b => b.cid.toString()))
    assert.deepEqual(flist.config.cmd, ['/bin/sh'])
  })
})

suite('blocks', () => {
  it('a corrupted block is rejected: by verifyBlock, by put, and by the store when read from disk (and deleted)', async t => {
    const work = await tempDir('flist-corrupt', t)
    const bytes = pattern(1000)
    const cid = await blockCid(bytes)
    const bad = Buffer.from(bytes)
    bad[10] ^= 1
    await assert.rejects(verifyBlock(cid, bad), { name: 'BlockHashMismatchError' })
    await assert.rejects(verifyBlock(cid, new Uint8Array(MAX_BLOCK_BYTES + 1)), { name: 'BlockTooLargeError' })
    const store = new FsBlockStore(join(work, 'blocks'))
    await assert.rejects(store.put(cid, bad), { name: 'BlockHashMismatchError' })
    assert.equal(await store.has(cid), false)
    await store.put(cid, bytes)
    assert.deepEqual(Buffer.from(await store.get(cid)), bytes)
    const name = cid.toString()
    await writeFile(join(work, 'blocks', name.slice(-3, -1), name), bad)
    await assert.rejects(store.get(cid), { name: 'BlockHashMismatchError', message: /corrupted/ })
    assert.equal(await store.has(cid), false)
    await assert.rejects(store.get(cid), { name: 'BlockNotFoundError' })
    assert.deepEqual(await readdir(join(work, 'blocks', 'tmp')), [])
  })
})

const dir = (path: string): FlistEntry => ({ path, type: 'dir', mode: 0o755, uid: 0, gid: 0, mtimeMs: T, size: 0, blocks: [] })
const file = (path: string, blocks: FlistEntry['blocks'], size: number): FlistEntry => ({ path, type: 'file', mode: 0o644, uid: 0, gid: 0, mtimeMs: T, size, blocks })
const link = (path: string, target: string, type: 'symlink' | 'hardlink' = 'symlink'): FlistEntry => ({ path, type, mode: 0o777, uid: 0, gid: 0, mtimeMs: T, size: 0, blocks: [], target })

suite('invalid flists and escape attempts', () => {
  it('are refused by the encoder, by loadFlist and by materialise, and nothing is written outside', async t => {
    const work = await tempDir('flist-escape', t)
    const store = new FsBlockStore(join(work, 'blocks'))
    const content = Buffer.from('root::0:0::/root:/bin/sh\n')
    const cid = await blockCid(content)
    await store.put(cid, content)
    const cases: Array<[string, FlistEntry[], RegExp]> = [
      ['write through a symlink', [link('a', '/etc'), file('a/passwd', [cid], content.length)], /which is a symlink, not a directory/],
      ['.. component', [dir('a'), file('a/../../passwd', [cid], content.length)], /".." component/],
      ['absolute path', [file('/etc/passwd', [cid], content.length)], /is absolute/],
      ['duplicate path', [file('x', [cid], content.length), file('x', [cid], content.length)], /appears twice/],
      ['out of order', [file('b', [cid], content.length), file('a', [cid], content.length)], /out of order/],
      ['blocks do not add up', [file('x', [cid, cid], content.length)], /do not add up to its size/],
      ['missing parent', [file('a/x', [cid], content.length)], /has no entry/],
      ['hard link to a missing file', [link('x', 'nowhere', 'hardlink')], /not in the flist/],
      ['hard link out of the tree', [link('x', '../etc/passwd', 'hardlink')], /".." component/]
    ]
    const sandbox = join(work, 'sandbox')
    await mkdir(sandbox)
    for (const [what, entries, message] of cases) {
      // a manifest an attacker wrote, bypassing our encoder
      const bytes = flistMessages.Manifest.encode({
        version: 1,
        entryCount: entries.length,
        entries: entries.map(e => ({ path: e.path, type: `ENTRY_TYPE_${e.type.toUpperCase()}` as flistMessages.EntryType, mode: e.mode, uid: e.uid, gid: e.gid, mtimeMs: e.mtimeMs, size: e.size, blocks: e.blocks.map(c => c.bytes), target: e.target ?? '' })),
        pages: []
      })
      const root = await manifestCid(bytes)
      await store.put(root, bytes)
      await assert.rejects(loadFlist(store, root), { name: 'InvalidFlistError', message }, what)
      const sorted = what === 'out of order' ? [...entries].reverse() : entries
      if (what !== 'out of order') await assert.rejects(encodeManifest(sorted, emptyConfig()), { name: 'InvalidFlistError', message }, what)
      const flist: Flist = { cid: root, entries, config: emptyConfig(), manifestBlocks: [root], manifestBytes: bytes.byteLength }
      await assert.rejects(materialise(flist, store, join(sandbox, 'tree')), { name: 'InvalidFlistError' }, what)
    }
    assert.deepEqual(await readdir(sandbox), [], 'nothing written')
    assert.notEqual((await readFile('/etc/passwd', 'utf8')), content.toString())

    // absolute symlink targets are fine as targets, and never followed
    const ok = [link('etc', '/etc'), dir('x'), file('x/passwd', [cid], content.length)]
    const blocks = await encodeManifest(ok, emptyConfig())
    await store.put(blocks[0].cid, blocks[0].bytes)
    await materialise(await loadFlist(store, blocks[0].cid), store, join(sandbox, 'ok'))
    assert.equal(await readFile(join(sandbox, 'ok/x/passwd'), 'utf8'), content.toString())
    await assert.rejects(materialise(await loadFlist(store, blocks[0].cid), store, join(sandbox, 'ok')), { name: 'FlistPathError', message: /not empty/ })
  })

  it('materialised with an owner shift, an owner outside the container\'s ids is refused before anything is written: a uid that would wrap to -1 leaves no setuid-root file', { skip: process.getuid?.() !== 0 ? 'chown needs root' : undefined }, async t => {
    const work = await tempDir('flist-owners', t)
    const store = new FsBlockStore(join(work, 'blocks'))
    const content = Buffer.from('#!/bin/sh\nid\n')
    const cid = await blockCid(content)
    await store.put(cid, content)
    // 4294867295 + 100000 = 2^32 - 1, which chown reads as "leave the owner as it is" (root)
    const setuid = (uid: number, gid: number): FlistEntry[] => [dir('bin'), { ...file('bin/su', [cid], content.length), mode: 0o4755, uid, gid }]
    for (const [uid, gid, name] of [[4294867295, 0, 'uid 4294867295'], [0, 65536, 'gid 65536'], [65536, 0, 'uid 65536']] as const) {
      const blocks = await encodeManifest(setuid(uid, gid), emptyConfig())
      await store.put(blocks[0].cid, blocks[0].bytes)
      const tree = join(work, `tree-${uid}-${gid}`)
      await assert.rejects(materialise(await loadFlist(store, blocks[0].cid), store, tree, { ownerShift: 100_000 }),
        { name: 'InvalidFlistError', message: `entry "bin/su": ${name} is outside a container's ids 0…65535` })
      assert.deepEqual(await readdir(tree).catch(() => []), [], 'nothing written')
    }
    // the highest id the namespace holds is fine, and without a shift any 32-bit owner is kept as it is
    const blocks = await encodeManifest(setuid(65535, 65535), emptyConfig())
    await store.put(blocks[0].cid, blocks[0].bytes)
    await materialise(await loadFlist(store, blocks[0].cid), store, join(work, 'shifted'), { ownerShift: 100_000 })
    const shifted = await stat(join(work, 'shifted/bin/su'))
    assert.deepEqual({ uid: shifted.uid, gid: shifted.gid, mode: shifted.mode & 0o7777 }, { uid: 165535, gid: 165535, mode: 0o4755 })
    const unshifted = await encodeManifest(setuid(70000, 70000), emptyConfig())
    await store.put(unshifted[0].cid, unshifted[0].bytes)
    await materialise(await loadFlist(store, unshifted[0].cid), store, join(work, 'unshifted'))
    assert.equal((await stat(join(work, 'unshifted/bin/su'))).uid, 70000)
  })

  it('bounds: too many blocks for a file, an unknown version', async t => {
    const work = await tempDir('flist-bounds', t)
    const cid = await blockCid(new Uint8Array(MAX_BLOCK_BYTES))
    const huge = (FLIST_LIMITS.maxFileBlocks + 1) * MAX_BLOCK_BYTES
    await assert.rejects(encodeManifest([file('x', Array(FLIST_LIMITS.maxFileBlocks + 1).fill(cid), huge)], emptyConfig()), { name: 'InvalidFlistError', message: /more than 8192/ })
    const store = new FsBlockStore(join(work, 'blocks'))
    const bytes = flistMessages.Manifest.encode({ version: 2, entryCount: 0, entries: [], pages: [] })
    const root = await manifestCid(bytes)
    await store.put(root, bytes)
    await assert.rejects(loadFlist(store, root), { name: 'InvalidFlistError', message: /format version 2/ })
    await assert.rejects(loadFlist(store, cid), { name: 'InvalidFlistError', message: /not a manifest CID/ })
  })
})
