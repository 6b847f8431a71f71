import { BLOCKS_PROTOCOL, blocksMessages, vectorKit } from '@p2pcloud/wire'
import type { VectorFiles } from '@p2pcloud/test-utils'
import type { CID } from 'multiformats/cid'
import { blockCid, emptyConfig, encodeManifest } from '../src/index.js'
import type { EntryType, FlistEntry, ImageConfig } from '../src/index.js'

/**
 * The generator of the flist format's vectors (protocols/vectors/flist/manifest.json) and of the
 * block exchange's (protocols/vectors/blocks/messages.json), which vectors.test.ts checks.
 * Deterministic: a fixed tree and fixed messages, so running it again writes the same bytes. The
 * manifest bytes come from the real encodeManifest. Run by `npm run vectors`.
 */

type Json = vectorKit.Json
const { hex, utf8, setOnly } = vectorKit

// ---- flist ------------------------------------------------------------------------------

const T = 1767225600000 // 2026-01-01T00:00:00Z
const HELLO = utf8('hello\n')

const entry = (path: string, type: EntryType, mode: number, more: Partial<FlistEntry> = {}): FlistEntry =>
  ({ path, type, mode, uid: 0, gid: 0, mtimeMs: T, size: 0, blocks: [], ...more })

/** Given out of order: the encoder sorts by the bytes of the paths, so "etc/X11" comes before "etc/hostname" (a locale-aware sort would put it after). */
const tree = (helloCid: CID): FlistEntry[] => [
  entry('tmp', 'dir', 0o1777),
  entry('etc/motd', 'hardlink', 0o644, { target: 'etc/hostname' }),
  entry('etc/machine-id', 'file', 0o444),
  entry('etc/hostname', 'file', 0o644, { uid: 1000, gid: 100, mtimeMs: T + 1234, size: HELLO.byteLength, blocks: [helloCid] }),
  entry('etc/X11', 'dir', 0o755),
  entry('etc', 'dir', 0o755),
  entry('bin/sh', 'symlink', 0o777, { target: '/bin/busybox' }),
  entry('bin', 'dir', 0o755)
]
const config: ImageConfig = { entrypoint: ['/bin/sh', '-c'], cmd: ['cat /etc/motd'], env: ['PATH=/bin', 'LANG=C.UTF-8'], workingDir: '/etc', user: '1000:100' }

const TYPE_NAMES: Record<EntryType, string> = { dir: 'ENTRY_TYPE_DIR', file: 'ENTRY_TYPE_FILE', symlink: 'ENTRY_TYPE_SYMLINK', hardlink: 'ENTRY_TYPE_HARDLINK' }
const entryFields = (e: FlistEntry): Json => setOnly({ path: e.path, type: TYPE_NAMES[e.type], mode: e.mode, uid: e.uid, gid: e.gid, mtime_ms: String(e.mtimeMs), size: String(e.size), blocks: e.blocks.map(cid => hex(cid.bytes)), target: e.target ?? '' })
const configFields = (c: ImageConfig): Json => setOnly({ entrypoint: c.entrypoint, cmd: c.cmd, env: c.env, working_dir: c.workingDir, user: c.user })

/** A tree small enough for one root block: its fields (config always present), bytes and CID. */
async function manifestVector (name: string, entries: FlistEntry[], imageConfig: ImageConfig): Promise<{ manifest: CID, vector: Json }> {
  const blocks = await encodeManifest(entries, imageConfig)
  if (blocks.length !== 1) throw new Error(`${name}: ${blocks.length} manifest blocks, a vector needs an inline manifest`)
  const [{ cid, bytes }] = blocks
  const sorted = entries.map(entryFields).sort((a, b) => Buffer.compare(Buffer.from(a.path), Buffer.from(b.path)))
  const fields = { version: 1, config: configFields(imageConfig), ...setOnly({ entry_count: String(entries.length), entries: sorted }) }
  return { manifest: cid, vector: { name, codec: 'protobuf', message: 'Manifest', fields, encoded: hex(bytes), cid: cid.toString(), cid_bytes: hex(cid.bytes) } }
}

// ---- blocks -----------------------------------------------------------------------------

const EMPTY = new Uint8Array(0)

/** A message as the vector lists it (`fields`) and as the codec takes it (`value`). */
interface Message { message: 'BlockRequest' | 'BlockResponse', fields: Json, value: any, expect?: string }

// `expect`: what a responder answers (ACCEPT: one frame per CID), as in protocols/README.md §8.1
const request = (cids: CID[], expect = 'ACCEPT'): Message => ({ message: 'BlockRequest', fields: { cids: cids.map(cid => hex(cid.bytes)) }, value: { cids: cids.map(cid => cid.bytes) }, expect })
const block = (cid: CID, data: Uint8Array): Message => ({ message: 'BlockResponse', fields: { cid: hex(cid.bytes), data: hex(data) }, value: { cid: cid.bytes, data, missing: false } })
const missing = (cid: CID): Message => ({ message: 'BlockResponse', fields: { cid: hex(cid.bytes), missing: true }, value: { cid: cid.bytes, data: EMPTY, missing: true } })
const refused = (code: string, message: string, retryAfterMs = 0): Message => ({
  message: 'BlockResponse',
  fields: { error: setOnly({ code, message, retry_after_ms: String(retryAfterMs) }) },
  value: { cid: EMPTY, data: EMPTY, missing: false, error: { code, message, retryAfterMs } }
})

export async function generateVectors (): Promise<VectorFiles> {
  const helloCid = await blockCid(HELLO)
  const small = await manifestVector('manifest-small-tree', tree(helloCid), config)
  const empty = await manifestVector('manifest-empty-tree', [], emptyConfig())

  // a block nobody holds in these vectors: raw "world\n"
  const worldCid = await blockCid(utf8('world\n'))
  const smallManifestBytes = vectorKit.unhex(small.vector.encoded)
  const exchange: Array<Message & { name: string }> = [
    { name: 'request-one-cid', ...request([helloCid]) },
    { name: 'request-three-cids', ...request([helloCid, small.manifest, worldCid]) },
    { name: 'request-duplicate-cid', ...request([helloCid, worldCid, helloCid], 'BAD_REQUEST') },
    // raw "0\n" … "32\n": one CID more than a request may name
    { name: 'request-33-cids', ...request(await Promise.all(Array.from({ length: 33 }, async (_, i) => blockCid(utf8(`${i}\n`)))), 'TOO_LARGE') },
    { name: 'response-data-block', ...block(helloCid, HELLO) },
    { name: 'response-manifest-block', ...block(small.manifest, smallManifestBytes) },
    { name: 'response-missing', ...missing(worldCid) },
    { name: 'response-bad-request', ...refused('BAD_REQUEST', 'the request names a CID twice') },
    { name: 'response-too-large', ...refused('TOO_LARGE', 'the request names 33 CIDs; at most 32 per request') },
    { name: 'response-rate-limited', ...refused('RATE_LIMITED', 'too many requests; retry in 100 ms', 100) }
  ]

  return {
    'flist/manifest.json': {
      format: 'p2pcloud flist, version 1',
      description: 'Blocks of the flist format (flist.md): "encoded" is the block, "cid" CIDv1(codec, sha2-256(encoded)) in text, "cid_bytes" the same CID in binary. ' +
        'Manifest "fields" list the fields that are set (proto3 defaults are left out; config is written even when empty); mode is decimal (420 = 0644). ' +
        'The small tree\'s file etc/hostname is the data block data-block-hello.',
      vectors: [
        { name: 'data-block-hello', codec: 'raw', encoded: hex(HELLO), cid: helloCid.toString(), cid_bytes: hex(helloCid.bytes) },
        small.vector,
        empty.vector
      ]
    },
    'blocks/messages.json': {
      protocol: BLOCKS_PROTOCOL,
      description: 'Requests and response frames of the block exchange (blocks.md §4, §5); "frame" is what goes on the stream. ' +
        'request-three-cids asks for data-block-hello, the manifest of manifest-small-tree (vectors/flist/manifest.json) and raw "world\\n"; ' +
        'a holder of the first two answers response-data-block, response-manifest-block, response-missing, in that order. ' +
        'A request\'s "expect" is ACCEPT or the error code a responder refuses it with.',
      vectors: exchange.map(({ name, message, fields, value, expect }) => ({ name, message, fields, ...vectorKit.encodedAndFrame(blocksMessages[message].encode(value)), ...(expect != null ? { expect } : {}) }))
    }
  }
}
