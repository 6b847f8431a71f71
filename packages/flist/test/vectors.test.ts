import assert from 'node:assert/strict'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { CID } from 'multiformats/cid'
import { BLOCKS_LIMITS, BLOCKS_PROTOCOL, blocksMessages, flistMessages, vectorKit } from '@p2pcloud/wire'
import { readVectors, tempDir } from '@p2pcloud/test-utils'
import { FsBlockStore, blockCid, blocksResponder, dataBlocks, encodeManifest, isFlistCid, loadFlist, manifestCid, verifyBlock } from '../src/index.js'
import type { EntryType, FlistEntry, ImageConfig } from '../src/index.js'

/**
 * The flist and block exchange test vectors (protocols/vectors/flist/manifest.json,
 * protocols/vectors/blocks/messages.json, written by flist-vectors.ts): every block
 * hashes to its CID, every message decodes to its fields and encodes to the same bytes, the
 * encoder builds the manifest vectors from their entries, and the responder answers the
 * request vectors with exactly the response vectors.
 */

type Json = vectorKit.Json
const { hex, unhex } = vectorKit

// ---- a decoded message as the vectors' fields -----------------------------------------------

/** proto3 defaults: an encoder leaves them out, and so do the vectors' fields. */
const isDefault = (v: unknown): boolean => v === undefined || v === 0 || v === '' || v === false ||
  (Array.isArray(v) && v.length === 0) || (v instanceof Uint8Array && v.byteLength === 0)
/** The uint64 fields of flist.proto and blocks.proto: decimal strings in the vectors. */
const UINT64 = new Set(['entryCount', 'mtimeMs', 'size', 'retryAfterMs'])
const snakeCase = (name: string): string => name.replace(/[A-Z]/g, c => `_${c.toLowerCase()}`)
const fieldValue = (v: unknown): Json => v instanceof Uint8Array ? hex(v) : Array.isArray(v) ? v.map(fieldValue) : typeof v === 'object' && v !== null ? fieldsOf(v) : v

function fieldsOf (message: object): Json {
  const fields: Json = {}
  for (const [name, value] of Object.entries(message)) {
    if (!isDefault(value)) fields[snakeCase(name)] = UINT64.has(name) ? String(value) : fieldValue(value)
  }
  return fields
}

// ---- the vectors' fields as the flist library's types ---------------------------------------

const TYPES: Record<string, EntryType> = { ENTRY_TYPE_DIR: 'dir', ENTRY_TYPE_FILE: 'file', ENTRY_TYPE_SYMLINK: 'symlink', ENTRY_TYPE_HARDLINK: 'hardlink' }

const entryOf = (f: Json): FlistEntry => ({
  path: f.path,
  type: TYPES[f.type],
  mode: f.mode ?? 0,
  uid: f.uid ?? 0,
  gid: f.gid ?? 0,
  mtimeMs: Number(f.mtime_ms ?? 0),
  size: Number(f.size ?? 0),
  blocks: (f.blocks ?? []).map((bytes: string) => CID.decode(unhex(bytes))),
  ...(f.target != null ? { target: f.target } : {})
})

const configOf = (f: Json): ImageConfig => ({ entrypoint: f.entrypoint ?? [], cmd: f.cmd ?? [], env: f.env ?? [], workingDir: f.working_dir ?? '', user: f.user ?? '' })

const flistFile = readVectors('flist/manifest.json')
const blocksFile = readVectors('blocks/messages.json')

describe('flist test vectors', () => {
  const file = flistFile
  const manifests: Json[] = file.vectors.filter((v: Json) => v.message === 'Manifest')

  it('cover a data block and inline manifests', () => {
    assert.equal(file.format, 'p2pcloud flist, version 1')
    assert.deepEqual(file.vectors.map((v: Json) => v.codec), ['raw', 'protobuf', 'protobuf'])
  })

  it('every block hashes to its CID, text and binary alike', async () => {
    for (const v of file.vectors) {
      const cid = CID.parse(v.cid)
      assert.equal(hex(cid.bytes), v.cid_bytes, v.name)
      const made = v.codec === 'raw' ? await blockCid(unhex(v.encoded)) : await manifestCid(unhex(v.encoded))
      assert.equal(made.toString(), v.cid, v.name)
      assert.ok(isFlistCid(cid), v.name)
    }
  })

  it('every manifest decodes to its fields and encodes to the same bytes', () => {
    for (const v of manifests) {
      const decoded = flistMessages.Manifest.decode(unhex(v.encoded))
      assert.deepEqual(fieldsOf(decoded), v.fields, v.name)
      assert.equal(hex(flistMessages.Manifest.encode(decoded)), v.encoded, v.name)
    }
  })

  it('encodeManifest of the entries, given in reverse order, gives exactly the block and its CID', async () => {
    for (const v of manifests) {
      const blocks = await encodeManifest((v.fields.entries ?? []).map(entryOf).reverse(), configOf(v.fields.config))
      assert.deepEqual(blocks.map(b => ({ bytes: hex(b.bytes), cid: b.cid.toString() })), [{ bytes: v.encoded, cid: v.cid }], v.name)
    }
  })

  it('loadFlist of the block gives back the entries and config, and every data block is a vector', async t => {
    const store = new FsBlockStore(join(await tempDir('flist-vectors', t), 'blocks'))
    const dataVectors = file.vectors.filter((v: Json) => v.codec === 'raw').map((v: Json) => v.cid)
    for (const v of manifests) {
      const cid = CID.parse(v.cid)
      await store.put(cid, unhex(v.encoded))
      const flist = await loadFlist(store, cid)
      assert.deepEqual(flist.entries, (v.fields.entries ?? []).map(entryOf), v.name)
      assert.deepEqual(flist.config, configOf(v.fields.config), v.name)
      assert.deepEqual(flist.manifestBlocks.map(String), [v.cid], v.name)
      for (const block of dataBlocks(flist)) assert.ok(dataVectors.includes(block.toString()), `${v.name}: ${block.toString()}`)
    }
  })
})

describe('blocks test vectors', () => {
  const file = blocksFile
  const byName = vectorKit.byName(file.vectors)
  const codec = (v: Json): any => (blocksMessages as any)[v.message]

  it(`are of ${BLOCKS_PROTOCOL}`, () => {
    assert.equal(file.protocol, BLOCKS_PROTOCOL)
  })

  it('every request and response decodes to its fields, encodes to the same bytes and fits the limits', () => {
    for (const v of file.vectors) {
      const decoded = codec(v).decode(unhex(v.encoded))
      assert.deepEqual(fieldsOf(decoded), v.fields, v.name)
      assert.equal(hex(codec(v).encode(decoded)), v.encoded, v.name)
      assert.equal(hex(vectorKit.frame(unhex(v.encoded))), v.frame, v.name)
      const limit = v.message === 'BlockRequest' ? BLOCKS_LIMITS.maxRequestBytes : BLOCKS_LIMITS.maxResponseBytes
      assert.ok(v.encoded.length / 2 <= limit, v.name)
    }
  })

  it('every block a response carries verifies against its CID', async () => {
    const blocks = file.vectors.filter((v: Json) => v.fields.data != null)
    assert.equal(blocks.length, 2)
    for (const v of blocks) await verifyBlock(CID.decode(unhex(v.fields.cid)), unhex(v.fields.data))
  })

  it('our responder answers each request with exactly the response vectors', async t => {
    const store = new FsBlockStore(join(await tempDir('flist-vector-responder', t), 'blocks'))
    for (const name of ['response-data-block', 'response-manifest-block']) {
      const { cid, data } = byName.get(name).fields
      await store.put(CID.decode(unhex(cid)), unhex(data))
    }
    const responder = blocksResponder(store)
    // the responder reads only the caller, the signal and the drain of a stream's context
    const context = { remotePeer: 'a caller', signal: new AbortController().signal, drained: () => true } as any
    const answer = async (request: blocksMessages.BlockRequest): Promise<string[]> => {
      try {
        const frames: string[] = []
        for await (const frame of responder.stream!(request, context)!) frames.push(hex(blocksMessages.BlockResponse.encode(frame)))
        return frames
      } catch (err: any) {
        return [hex(blocksMessages.BlockResponse.encode(responder.errorResponse({ code: err.code, message: err.message, retryAfterMs: err.retryAfterMs })))]
      }
    }
    const encodedOf = (name: string): string => byName.get(name).encoded
    const expected: Record<string, string[]> = {
      'request-one-cid': ['response-data-block'],
      'request-three-cids': ['response-data-block', 'response-manifest-block', 'response-missing'],
      'request-duplicate-cid': ['response-bad-request'],
      'request-33-cids': ['response-too-large']
    }
    const requests = file.vectors.filter((v: Json) => v.message === 'BlockRequest')
    assert.deepEqual(requests.map((v: Json) => v.name), Object.keys(expected))
    for (const v of requests) {
      const frames = expected[v.name].map(encodedOf)
      assert.deepEqual(await answer(blocksMessages.BlockRequest.decode(unhex(v.encoded))), frames, v.name)
      assert.equal(blocksMessages.BlockResponse.decode(unhex(frames[0])).error?.code ?? 'ACCEPT', v.expect, v.name)
    }
  })
})
