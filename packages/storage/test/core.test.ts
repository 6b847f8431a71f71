import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { describe, it } from 'node:test'
import { generateKeyPair, generateKeyPairFromSeed } from '@libp2p/crypto/keys'
import { ErasureCode, MAX_MANIFEST_JSON_BYTES, StorageMasterKey, maxSegments, type Manifest } from '../src/index.js'
import { objectIdBytes, sealManifest, sha256 } from '../src/format.js'
import { decryptSegment, encodeSegment, rebuildStripe } from '../src/segment-codec.js'
import { segmentsOf } from '../src/segments.js'
import { chunked } from './namespaces.js'

const pairs = (n: number): number[][] => Array.from({ length: n }, (_, a) => Array.from({ length: n - a - 1 }, (_, i) => [a, a + 1 + i])).flat()

describe('erasure code (reed-solomon-erasure, WASM)', () => {
  it('rebuilds every shard from any 4 of 4+2, call after call', () => {
    const code = new ErasureCode(4, 2)
    const shardBytes = 1000
    const stripe = Buffer.alloc(6 * shardBytes)
    randomBytes(4 * shardBytes).copy(stripe)
    code.encode(stripe)
    // twice over: the package's own JS wrapper corrupts the WASM heap after one reconstruct
    for (const [a, b] of [...pairs(6), ...pairs(6)]) {
      const shards = Array.from({ length: 6 }, (_, i) => i === a || i === b ? undefined : stripe.subarray(i * shardBytes, (i + 1) * shardBytes))
      assert.ok(Buffer.concat(rebuildStripe(code, shards, shardBytes)).equals(stripe), `without shards ${a} and ${b}`)
    }
    const three = Buffer.from(stripe)
    assert.throws(() => code.reconstruct(three, [false, true, false, true, false, true]), { name: 'ErasureError', message: /3 shards present; 4 needed/ })
  })

  it('refuses configurations and stripes it cannot code', () => {
    assert.throws(() => new ErasureCode(0, 2), { name: 'ErasureError' })
    assert.throws(() => new ErasureCode(4, 0), { name: 'ErasureError' })
    assert.throws(() => new ErasureCode(200, 57), { name: 'ErasureError', message: /at most 256/ })
    assert.throws(() => new ErasureCode(4, 2).encode(new Uint8Array(13)), { name: 'ErasureError', message: /not 6 equal/ })
    assert.throws(() => new ErasureCode(4, 2).encode(new Uint8Array(0)), { name: 'ErasureError' })
  })
})

describe('storage keys and segment encryption', () => {
  it('derives the master key by HKDF-SHA256 from the Ed25519 identity (test vector), one per identity', async () => {
    const identity = await generateKeyPairFromSeed('Ed25519', Uint8Array.from({ length: 32 }, (_, i) => i))
    assert.equal(Buffer.from(StorageMasterKey.fromIdentity(identity).bytes).toString('hex'), '3586e6883a31ca8cad66f933ab5b01660da7de722ef8c30ca5805da53c5a3a8a')
    const other = StorageMasterKey.fromIdentity(await generateKeyPair('Ed25519'))
    assert.notDeepEqual(other.bytes, StorageMasterKey.fromIdentity(identity).bytes)
    const secp = await generateKeyPair('secp256k1')
    assert.throws(() => StorageMasterKey.fromIdentity(secp), { name: 'TypeError', message: /Ed25519 identity, not secp256k1/ })
  })

  it('a segment decrypts only with its object key, its object id and its index', () => {
    const code = new ErasureCode(4, 2)
    const key = randomBytes(32)
    const id = randomBytes(16).toString('hex')
    const plaintext = randomBytes(5000)
    const { shards, hashes } = encodeSegment(code, key, objectIdBytes(id), 7, plaintext)
    assert.deepEqual(hashes, shards.map(sha256))
    const data = shards.slice(0, 4)
    assert.ok(Buffer.concat(decryptSegment(key, id, objectIdBytes(id), 7, 5000, data)).equals(plaintext))
    const otherId = randomBytes(16).toString('hex')
    for (const [k, objectId, segment] of [[randomBytes(32), id, 7], [key, otherId, 7], [key, id, 8]] as const) {
      assert.throws(() => decryptSegment(k, objectId, objectIdBytes(objectId), segment, 5000, data), { name: 'StorageKeyError', message: /not your object or corrupted/ })
    }
  })

  it('decrypts shard by shard wherever the tag falls: inside a shard, across two, alone in the last', () => {
    const code = new ErasureCode(4, 2)
    const key = randomBytes(32)
    const id = objectIdBytes(randomBytes(16).toString('hex'))
    // shards are ceil((length + 16) / 4) bytes: at 1 byte the tag spans all four, at 40 two, at 84 and up it is in the last
    for (const length of [1, 10, 40, 47, 60, 84, 300, 5000]) {
      const plaintext = randomBytes(length)
      const { shards } = encodeSegment(code, key, id, 0, plaintext)
      const parts = decryptSegment(key, id.toString('hex'), id, 0, length, shards.slice(0, 4))
      assert.ok(Buffer.concat(parts).equals(plaintext), `a segment of ${length} bytes`)
    }
  })
})

describe('object format', () => {
  it('maxSegments is the most segments whose manifest fits one zdb value', async () => {
    const base: Manifest = {
      version: 1, revision: 0, objectId: randomBytes(16).toString('hex'), name: 'a name', size: 0, createdAt: new Date().toISOString(),
      dataShards: 4, parityShards: 2, shardSize: 2 ** 20, segmentSize: 4 * 2 ** 20 - 16, segments: [],
      namespaces: Array.from({ length: 6 }, (_, i) => `12D3KooW${'x'.repeat(44)}/${i}/ns`), objectKey: randomBytes(60).toString('base64')
    }
    const withSegments = (n: number): Manifest => {
      const segments = Array.from({ length: n }, () => ({ length: base.segmentSize, shards: Array.from({ length: 6 }, () => sha256(randomBytes(8))) }))
      return { ...base, segments, size: n * base.segmentSize }
    }
    const limit = maxSegments(base)
    assert.ok(limit > 10_000, `${limit} segments: objects of about ${(limit * base.segmentSize / 2 ** 30).toFixed(0)} GiB`)
    const master = StorageMasterKey.fromIdentity(await generateKeyPair('Ed25519'))
    assert.ok(sealManifest(master, withSegments(limit)).byteLength <= 4 * 2 ** 20)
    assert.ok(Buffer.byteLength(JSON.stringify(withSegments(limit + 2))) > MAX_MANIFEST_JSON_BYTES, 'the bound is tight to a segment')
  })

  it('cuts a stream into whole segments and a shorter last one, and an empty stream into none', async () => {
    const data = randomBytes(10_000)
    const cut = async (source: AsyncIterable<Uint8Array>): Promise<number[]> => {
      const lengths: number[] = []
      const parts: Uint8Array[] = []
      for await (const segment of segmentsOf(source, 4096)) { lengths.push(segment.byteLength); parts.push(segment) }
      assert.ok(Buffer.concat(parts).equals(data.subarray(0, lengths.reduce((a, b) => a + b, 0))))
      return lengths
    }
    assert.deepEqual(await cut(chunked(data, 333)), [4096, 4096, 1808])
    assert.deepEqual(await cut(chunked(data, 10_000)), [4096, 4096, 1808])
    assert.deepEqual(await cut(chunked(data.subarray(0, 8192), 4096)), [4096, 4096])
    assert.deepEqual(await cut(chunked(new Uint8Array(0), 1)), [])
  })
})
