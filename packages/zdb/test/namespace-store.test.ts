import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { open, readdir, stat, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, it } from 'node:test'
import { tempDir } from '@p2pcloud/test-utils'
import { Level } from 'level'
import { MAX_KEY_BYTES, MAX_VALUE_BYTES, NamespaceStore, RECORD_HEADER_BYTES } from '../src/index.js'

const b = (text: string): Buffer => Buffer.from(text)

describe('zdb namespace store', () => {
  it('sets, gets, overwrites, deletes, scans in pages, and keeps it all across a reopen', async t => {
    const dir = await tempDir('zdb', t)
    let store = await NamespaceStore.open(dir, { mode: 'user', maxBytes: 1 << 20 })
    assert.deepEqual(await store.set(b('a'), b('one')), b('a'))
    await Promise.all([store.set(b('b'), b('two')), store.set(b('c'), b('three')), store.set(b('a'), b('uno'))])
    assert.deepEqual(await store.get(b('a')), b('uno'))
    assert.equal(await store.get(b('zz')), undefined)
    assert.equal(await store.exists(b('b')), true)
    assert.equal(await store.delete(b('b')), true)
    assert.equal(await store.delete(b('b')), false)
    assert.equal(await store.exists(b('b')), false)
    assert.equal(store.info().entries, 2)
    await store.close()

    store = await NamespaceStore.open(dir, { mode: 'user', maxBytes: 1 << 20 })
    assert.deepEqual(await store.get(b('a')), b('uno'))
    assert.deepEqual(await store.get(b('c')), b('three'))
    assert.equal(await store.get(b('b')), undefined)
    assert.equal(store.info().entries, 2)
    for (let i = 0; i < 5; i++) await store.set(b(`k${i}`), Buffer.alloc(i))
    const first = await store.scan({ limit: 4 })
    assert.deepEqual(first.entries.map(e => Buffer.from(e.key).toString()), ['a', 'c', 'k0', 'k1'])
    assert.deepEqual(first.entries.map(e => e.size), [3, 5, 0, 1])
    const second = await store.scan({ after: first.next, limit: 4 })
    assert.deepEqual(second.entries.map(e => Buffer.from(e.key).toString()), ['k2', 'k3', 'k4'])
    assert.equal(second.next, undefined)
    await store.close()
  })

  it('seq mode assigns increasing 8-byte keys, never reused after a delete and a reopen, and refuses chosen keys', async t => {
    const dir = await tempDir('zdb', t)
    let store = await NamespaceStore.open(dir, { mode: 'seq', maxBytes: 1 << 20 })
    const keys = await Promise.all([store.set(undefined, b('x')), store.set(undefined, b('y')), store.set(undefined, b('z'))])
    assert.deepEqual(keys.map(k => Buffer.from(k).readBigUInt64BE(0)), [0n, 1n, 2n])
    assert.equal(await store.delete(keys[2]), true)
    await assert.rejects(store.set(b('mine'), b('v')), { name: 'ZdbInputError', message: /seq mode/ })
    await store.close()
    store = await NamespaceStore.open(dir, { mode: 'seq', maxBytes: 1 << 20 })
    assert.equal(Buffer.from(await store.set(undefined, b('w'))).readBigUInt64BE(0), 3n)
    assert.deepEqual(await store.get(keys[1]), b('y'))
    await store.close()
  })

  it('enforces the quota on the bytes of current values, and the key and value limits', async t => {
    const dir = await tempDir('zdb', t)
    const store = await NamespaceStore.open(dir, { mode: 'user', maxBytes: 4096 })
    await store.set(b('big'), Buffer.alloc(3000))
    await assert.rejects(store.set(b('more'), Buffer.alloc(2000)), { name: 'ZdbQuotaError', message: /namespace full: this write needs 2015 bytes, 3014 of 4096 hold values/ })
    assert.equal(store.info().usedBytes, RECORD_HEADER_BYTES + 3 + 3000)
    await assert.rejects(store.set(Buffer.alloc(MAX_KEY_BYTES + 1), b('v')), { name: 'ZdbInputError', message: /key of 257 bytes/ })
    await assert.rejects(store.set(b(''), b('v')), { name: 'ZdbInputError', message: /a key is required/ })
    await assert.rejects(store.set(b('k'), Buffer.alloc(MAX_VALUE_BYTES + 1)), { name: 'ZdbInputError', message: /at most 4194304/ })
    assert.deepEqual(await store.get(b('big')), Buffer.alloc(3000))
    await store.close()
  })

  it('deleted and overwritten values give their space back: a full namespace emptied takes as much again, compacted across reopens, reads answered during compactions', async t => {
    const dir = await tempDir('zdb', t)
    const maxBytes = 64 * 1024
    const value = (i: number, round: number): Buffer => Buffer.alloc(1000, i + round)
    let store = await NamespaceStore.open(dir, { mode: 'user', maxBytes })
    const fill = async (round: number): Promise<number> => {
      let stored = 0
      for (;; stored++) {
        try {
          await store.set(b(`k${stored}`), value(stored, round))
        } catch (err: any) {
          assert.equal(err.name, 'ZdbQuotaError')
          return stored
        }
      }
    }
    const first = await fill(0)
    assert.ok(first >= 60, `${first} values of 1000 bytes in 64 KiB`)
    for (let i = 0; i < first; i++) assert.equal(await store.delete(b(`k${i}`)), true)
    assert.equal(store.info().usedBytes, 0)
    assert.equal(store.info().entries, 0)
    for (let round = 1; round <= 3; round++) {
      // a reader of a value written before the compaction that this round's writes start
      await store.set(b('keep'), value(7, round))
      const [stored, kept] = await Promise.all([fill(round), Promise.all(Array.from({ length: 20 }, async () => store.get(b('keep'))))])
      assert.ok(stored >= first - 2, `round ${round}: ${stored} values after emptying (first ${first})`)
      for (const read of kept) assert.deepEqual(read, value(7, round))
      for (let i = 0; i < stored; i++) assert.deepEqual(await store.get(b(`k${i}`)), value(i, round))
      await store.close()
      store = await NamespaceStore.open(dir, { mode: 'user', maxBytes })
      assert.deepEqual(await store.get(b(`k${stored - 1}`)), value(stored - 1, round))
      assert.equal(store.info().entries, stored + 1)
      for (let i = 0; i < stored; i++) await store.delete(b(`k${i}`))
    }
    // the data file never outgrows the size by more than the slack (an eighth), and only one generation is left
    const files = (await readdir(dir)).filter(name => name.startsWith('data'))
    assert.equal(files.length, 1, files.join(', '))
    assert.ok((await stat(join(dir, files[0]))).size <= maxBytes * 1.125 + 1100)
    await store.close()
  })

  it('what a compaction cut short by a crash left (the next generation\'s file and index entries) is dropped at open; the current generation is whole', async t => {
    const dir = await tempDir('zdb', t)
    let store = await NamespaceStore.open(dir, { mode: 'user', maxBytes: 8192 })
    for (let round = 0; round < 3; round++) for (let i = 0; i < 5; i++) await store.set(b(`k${i}`), Buffer.alloc(1000, round))
    await store.close()
    const [current] = (await readdir(dir)).filter(name => name.startsWith('data'))
    const generation = Number(current.split('.')[1] ?? 0)
    assert.ok(generation >= 1, `${current}: compacted`)
    // a crash while copying into the next generation: its file half written, some of its index entries there
    await writeFile(join(dir, `data.${generation + 1}`), Buffer.alloc(3000, 9))
    const db = new Level<Uint8Array, Uint8Array>(join(dir, 'index'), { keyEncoding: 'view', valueEncoding: 'view' })
    await db.sublevel<Uint8Array, Uint8Array>(`k${generation + 1}`, { keyEncoding: 'view', valueEncoding: 'view' }).put(b('ghost'), Buffer.alloc(12))
    await db.close()
    store = await NamespaceStore.open(dir, { mode: 'user', maxBytes: 8192 })
    assert.deepEqual((await readdir(dir)).filter(name => name.startsWith('data')), [current])
    for (let i = 0; i < 5; i++) assert.deepEqual(await store.get(b(`k${i}`)), Buffer.alloc(1000, 2))
    // and the next compaction makes that generation afresh: no ghost of the cut one in it
    for (let i = 0; i < 5; i++) await store.set(b(`k${i}`), Buffer.alloc(1000, 3))
    assert.deepEqual((await readdir(dir)).filter(name => name.startsWith('data')), [`data.${generation + 1}`])
    for (let i = 0; i < 5; i++) assert.deepEqual(await store.get(b(`k${i}`)), Buffer.alloc(1000, 3))
    assert.equal(await store.exists(b('ghost')), false)
    assert.equal((await store.scan({ limit: 10 })).entries.length, 5)
    await store.close()
  })

  it('a namespace shrunk below its values is compacted only when that frees an eighth of what it copies, however its values are deleted', async t => {
    const dir = await tempDir('zdb', t)
    const store = await NamespaceStore.open(dir, { mode: 'user', maxBytes: 64 * 1024 })
    for (let i = 0; i < 60; i++) await store.set(b(`k${i}`), Buffer.alloc(1000))
    store.resize(4096)
    await assert.rejects(store.set(b('more'), b('v')), { name: 'ZdbQuotaError' })
    // one by one: with ~59 KB live, every delete is past the size, yet only every ~8th compacts
    for (let i = 0; i < 24; i++) assert.equal(await store.delete(b(`k${i}`)), true)
    const generations = (await readdir(dir)).filter(name => name.startsWith('data')).map(name => Number(name.split('.')[1] ?? 0))
    assert.equal(generations.length, 1)
    assert.ok(generations[0] >= 2 && generations[0] <= 3, `${generations[0]} compactions for 24 deletes of 1 KB out of 60`)
    assert.deepEqual(await store.get(b('k59')), Buffer.alloc(1000))
    assert.equal(store.info().entries, 36)
    await store.close()
  })

  it('a flipped bit in a stored value is reported as a damaged record, not returned', async t => {
    const dir = await tempDir('zdb', t)
    let store = await NamespaceStore.open(dir, { mode: 'user', maxBytes: 1 << 20 })
    await store.set(b('a'), b('first value'))
    await store.set(b('b'), b('second value'))
    await store.close()
    const file = await open(join(dir, 'data'), 'r+')
    const byte = Buffer.alloc(1)
    const at = RECORD_HEADER_BYTES + 1 + 3 // inside the value of 'a'
    await file.read(byte, 0, 1, at)
    await file.write(Buffer.from([byte[0] ^ 0x04]), 0, 1, at)
    await file.close()
    store = await NamespaceStore.open(dir, { mode: 'user', maxBytes: 1 << 20 })
    await assert.rejects(store.get(b('a')), { name: 'ZdbCorruptRecordError', message: /key 61 at offset 0 is damaged \(checksum mismatch\)/ })
    assert.deepEqual(await store.get(b('b')), b('second value'))
    await store.close()
  })

  it('loses no acknowledged write when the writer is killed with SIGKILL, and cuts the half-written tail', async t => {
    const dir = await tempDir('zdb', t)
    const writer = spawn(process.execPath, [fileURLToPath(new URL('./fixtures/writer.js', import.meta.url)), dir], { stdio: ['ignore', 'pipe', 'inherit'] })
    const acked: string[] = []
    let buffered = ''
    await new Promise<void>(resolve => {
      writer.stdout.on('data', chunk => {
        buffered += chunk
        const lines = buffered.split('\n')
        buffered = lines.pop() ?? ''
        acked.push(...lines)
        if (acked.length >= 2000) { writer.kill('SIGKILL'); resolve() }
      })
    })
    await new Promise(resolve => writer.once('exit', resolve))
    const store = await NamespaceStore.open(dir, { mode: 'user', maxBytes: 2 ** 30 })
    for (const key of acked) {
      const n = Number(key.slice(4))
      assert.deepEqual(await store.get(b(key)), Buffer.alloc(1000 + (n % 500), n), `${key} survived`)
    }
    assert.ok(store.info().entries >= acked.length)
    // the file holds whole records only: one more write and a reopen read back fine
    await store.set(b('after'), b('crash'))
    await store.close()
    const again = await NamespaceStore.open(dir, { mode: 'user', maxBytes: 2 ** 30 })
    assert.deepEqual(await again.get(b('after')), b('crash'))
    await again.close()
  })
})
