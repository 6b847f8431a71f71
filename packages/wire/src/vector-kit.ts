import { generateKeyPairFromSeed, privateKeyFromProtobuf, publicKeyToProtobuf } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { RecordEnvelope } from '@libp2p/peer-record'
import type { PeerId, PrivateKey } from '@libp2p/interface'
import { sealRecord } from './envelope.js'
import { varintBytes } from './proto-bytes.js'

/**
 * The helpers that write and check the protocol test vectors (protocols/vectors/<protocol>/*.json,
 * format of protocols/README.md §8.1): the generators (test/<protocol>-vectors.ts of each package,
 * run by `npm run vectors`) and the vector tests. Only for vectors and tests: the keys here come
 * from published seeds.
 */

/** A vector as its JSON file holds it: proto field names, 64-bit integers as decimal strings, bytes as hex. */
export type Json = any

// ---- bytes ------------------------------------------------------------------------------

export const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex')
export const unhex = (text: string): Uint8Array<ArrayBuffer> => new Uint8Array(Buffer.from(text, 'hex'))
export const utf8 = (text: string): Uint8Array<ArrayBuffer> => new Uint8Array(Buffer.from(text, 'utf8'))
export const fromUtf8 = (bytes: Uint8Array): string => new TextDecoder().decode(bytes)

export const concat = (...parts: Uint8Array[]): Uint8Array<ArrayBuffer> => new Uint8Array(Buffer.concat(parts))

/** A stream frame: uvarint length prefix, then the message. */
export const frame = (bytes: Uint8Array): Uint8Array<ArrayBuffer> => concat(varintBytes(bytes.byteLength), bytes)

/** The `encoded` and `frame` members of a stream message vector, in that order. */
export const encodedAndFrame = (encoded: Uint8Array): { encoded: string, frame: string } => ({ encoded: hex(encoded), frame: hex(frame(encoded)) })

// ---- keys (tests only) --------------------------------------------------------------------

/** A key as a vector file lists it: its secret (Ed25519 seed or raw secp256k1 key) and what derives from it. */
export type KeyJson =
  | { type: 'Ed25519', seed: string, public_key_pb: string, peer_id: string }
  | { type: 'secp256k1', private_key: string, public_key_pb: string, peer_id: string }

export interface VectorKey {
  privateKey: PrivateKey
  peerId: PeerId
  /** The peer id as text. */
  id: string
  /** The key as the vector files list it. */
  json: KeyJson
}

/** 32 bytes start, start + 1, …: the published seeds of the vector keys. */
export const seedFrom = (start: number): Uint8Array<ArrayBuffer> => new Uint8Array(32).map((_, i) => start + i)

function vectorKey (privateKey: PrivateKey, secret: { type: 'Ed25519', seed: string } | { type: 'secp256k1', private_key: string }): VectorKey {
  const peerId = peerIdFromPrivateKey(privateKey)
  const json = { ...secret, public_key_pb: hex(publicKeyToProtobuf(privateKey.publicKey)), peer_id: peerId.toString() }
  return { privateKey, peerId, id: peerId.toString(), json }
}

export async function ed25519Key (seed: Uint8Array): Promise<VectorKey> {
  return vectorKey(await generateKeyPairFromSeed('Ed25519', seed), { type: 'Ed25519', seed: hex(seed) })
}

export function secp256k1Key (raw: Uint8Array): VectorKey {
  // the protobuf PrivateKey { type: Secp256k1, data: <32 bytes> }
  return vectorKey(privateKeyFromProtobuf(concat(new Uint8Array([0x08, 0x02, 0x12, 0x20]), raw)), { type: 'secp256k1', private_key: hex(raw) })
}

/** A key of a vector file, from its secret. */
export async function loadKey (json: Pick<KeyJson, 'type'> & { seed?: string, private_key?: string }): Promise<VectorKey> {
  if (json.type === 'Ed25519' && json.seed != null) return ed25519Key(unhex(json.seed))
  if (json.type === 'secp256k1' && json.private_key != null) return secp256k1Key(unhex(json.private_key))
  throw new Error(`unknown key type ${json.type as string}`)
}

/** The keys of a vector file by name; with `types`, a key of another type is an error. */
export async function loadKeys (json: Record<string, KeyJson>, types?: ReadonlyArray<KeyJson['type']>): Promise<Record<string, VectorKey>> {
  const keys: Record<string, VectorKey> = {}
  for (const [name, key] of Object.entries(json)) {
    if (types != null && !types.includes(key.type)) throw new Error(`key ${name} is ${key.type as string}, not ${types.join(' or ')}`)
    keys[name] = await loadKey(key)
  }
  return keys
}

/** The `keys` member of a vector file: the named keys. */
export const keysJson = (keys: Record<string, VectorKey>, names: string[]): Record<string, KeyJson> =>
  Object.fromEntries(names.map(name => [name, keys[name].json]))

/** A key's peer id as the bytes fields carry it (its multihash), in hex. */
export const peerIdHex = (key: VectorKey): string => hex(key.peerId.toMultihash().bytes)

// ---- signed envelopes ---------------------------------------------------------------------

/** The `envelope` member of a record vector. */
export interface EnvelopeJson {
  signer: string
  domain: string
  /** The payload type's UTF-8 bytes, in hex. */
  payload_type: string
  unsigned: string
  signature: string
  encoded: string
}

/** Flip `xor` into signature byte `byte` after signing: an envelope whose signature does not verify. */
export interface Tamper { byte: number, xor: number }

/** The buffer an envelope's signature covers (protocols/README.md §5.2). */
export const unsignedBuffer = (domain: string, payloadType: Uint8Array, payload: Uint8Array): Uint8Array<ArrayBuffer> =>
  concat(frame(utf8(domain)), frame(payloadType), frame(payload))

export interface EnvelopeOptions {
  /** The name of the key in the vector file. */
  signer: string
  domain: string
  payloadType: string
  tamper?: Tamper
}

/**
 * Sign `payload` with `privateKey` (by sealRecord, which the js code signs with) and describe the
 * envelope; `tamper` flips bits of the signature afterwards. Checks that the signature is over
 * the unsigned buffer.
 */
export async function envelopeOf (payload: Uint8Array, privateKey: PrivateKey, { signer, domain, payloadType, tamper }: EnvelopeOptions): Promise<EnvelopeJson> {
  const unsigned = unsignedBuffer(domain, utf8(payloadType), payload)
  let encoded = await sealRecord({ domain, payloadType, maxBytes: Infinity }, payload, privateKey)
  let signature = RecordEnvelope.createFromProtobuf(encoded).signature
  if (hex(signature) !== hex(await privateKey.sign(unsigned))) throw new Error('signature is not over the unsigned buffer')
  if (tamper != null) {
    signature = signature.slice()
    signature[tamper.byte] ^= tamper.xor
    encoded = new RecordEnvelope({ publicKey: privateKey.publicKey, payloadType: utf8(payloadType), payload, signature }).marshal()
  }
  return { signer, domain, payload_type: hex(utf8(payloadType)), unsigned: hex(unsigned), signature: hex(signature), encoded: hex(encoded) }
}

/** A vector's envelope made again from its payload and its signer's key (then the stated tamper): equal to `env` when the vector is right. */
export async function reproduceEnvelope (env: EnvelopeJson, payload: Uint8Array, privateKey: PrivateKey, tamper?: Tamper): Promise<EnvelopeJson> {
  return envelopeOf(payload, privateKey, { signer: env.signer, domain: env.domain, payloadType: fromUtf8(unhex(env.payload_type)), tamper })
}

// ---- vector files -------------------------------------------------------------------------

/** The vectors of a file by name. */
export const byName = (vectors: Json[]): Map<string, Json> => new Map(vectors.map(v => [v.name, v]))

// ---- fields ------------------------------------------------------------------------------

export interface ResourceNumbers { cru: number, mru: number, sru: number, hru: number, ipv4u: number, cruMilli: number }

/** A Resources / Amount in fields (decimal strings; `cru_milli` only where a vector has a fraction of a core) → the protons message. */
export const resources = (r: Json): ResourceNumbers => ({ cru: Number(r.cru), mru: Number(r.mru), sru: Number(r.sru), hru: Number(r.hru), ipv4u: Number(r.ipv4u), cruMilli: Number(r.cru_milli ?? 0) })

/** A Resources / Amount in fields, from numbers. */
export const resourcesJson = (cru: number, mru: number, sru: number, hru: number, ipv4u: number): Json =>
  ({ cru: String(cru), mru: String(mru), sru: String(sru), hru: String(hru), ipv4u: String(ipv4u) })

/** An Error message in fields → the protons message. */
export const wireError = (e: Json): { code: any, message: string, retryAfterMs: number } | undefined =>
  e == null ? undefined : { code: e.code, message: e.message, retryAfterMs: Number(e.retry_after_ms) }

/** The fields a proto3 encoder writes: every field but those at their default ("0" is a uint64 zero). */
export const setOnly = (fields: Json): Json => Object.fromEntries(Object.entries(fields).filter(([, v]) => !(v === 0 || v === '0' || v === '' || v === false || (Array.isArray(v) && v.length === 0))))

/** Without the keys that are undefined, as a decoder gives it. */
export const compact = <T extends object>(o: T): T => Object.fromEntries(Object.entries(o).filter(([, value]) => value !== undefined)) as T

/** Run `work` with Date.now() at `now`: the DHT validator and selector read the clock themselves. */
export async function atTime<T> (now: number, work: () => Promise<T>): Promise<T> {
  const realNow = Date.now
  Date.now = () => now
  try {
    return await work()
  } finally {
    Date.now = realNow
  }
}
