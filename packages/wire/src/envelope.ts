import { RecordEnvelope } from '@libp2p/peer-record'
import { peerIdFromPublicKey } from '@libp2p/peer-id'
import type { PeerId, PrivateKey } from '@libp2p/interface'
import { equals } from 'uint8arrays/equals'
import { fromString } from 'uint8arrays/from-string'
import type { Uint8ArrayList } from 'uint8arraylist'

/** What kind of signed record: its signature domain and payload type (protocols/README.md §5.2). */
export interface RecordKind {
  /** `p2pcloud-<name>`; never carried on the wire, supplied by the verifier. */
  domain: string
  /** `/p2pcloud/<name>/<record>`. */
  payloadType: string
  /** Largest marshalled envelope accepted, checked before any decoding. */
  maxBytes: number
}

export type SignedRecordProblem = 'TOO_LARGE' | 'MALFORMED' | 'KEY_TYPE' | 'PAYLOAD_TYPE' | 'BAD_SIGNATURE'

/** A signed record failed one of the checks of protocols/README.md §5.2; `problem` says which. */
export class SignedRecordError extends Error {
  override name = 'SignedRecordError'
  constructor (readonly problem: SignedRecordProblem, message: string) {
    super(message)
  }
}

/** A verified envelope: who signed it, the exact payload bytes signed, and the envelope as received. */
export interface OpenedRecord {
  signer: PeerId
  payload: Uint8Array
  envelope: Uint8Array
}

/** Sign `payload` (already encoded: we sign the exact bytes we send) and return the marshalled envelope. */
export async function sealRecord (kind: RecordKind, payload: Uint8Array, privateKey: PrivateKey): Promise<Uint8Array> {
  const envelope = await RecordEnvelope.seal({
    domain: kind.domain,
    codec: fromString(kind.payloadType),
    marshal: () => payload,
    equals: () => false
  }, privateKey)
  const bytes = envelope.marshal()
  if (bytes.byteLength > kind.maxBytes) {
    throw new SignedRecordError('TOO_LARGE', `signed ${kind.payloadType} is ${bytes.byteLength} bytes, over its limit of ${kind.maxBytes}`)
  }
  return bytes
}

export interface OpenRecordOptions {
  /**
   * The bytes are ones this peer verified itself before storing them (its own
   * datastore): every check runs but the signature's, the costly one.
   */
  signatureVerified?: boolean
}

const ED25519_SIGNATURE_BYTES = 64

/**
 * Check a received envelope in the order the spec gives: size, decoding, key
 * type, payload type, signature over the expected domain. The payload is
 * returned undecoded; subject = signer and seq/time checks belong to the record's own rules.
 */
export async function openRecord (kind: RecordKind, data: Uint8Array | Uint8ArrayList, options: OpenRecordOptions = {}): Promise<OpenedRecord> {
  if (data.byteLength > kind.maxBytes) {
    throw new SignedRecordError('TOO_LARGE', `signed ${kind.payloadType} is ${data.byteLength} bytes, over its limit of ${kind.maxBytes}`)
  }
  let envelope: RecordEnvelope
  try {
    envelope = RecordEnvelope.createFromProtobuf(data)
  } catch (err: any) {
    throw new SignedRecordError('MALFORMED', `not a signed envelope: ${err.message}`)
  }
  if (envelope.publicKey.type !== 'Ed25519') {
    throw new SignedRecordError('KEY_TYPE', `envelope signed with a ${envelope.publicKey.type} key; p2pcloud records are signed with Ed25519`)
  }
  if (!equals(envelope.payloadType, fromString(kind.payloadType))) {
    throw new SignedRecordError('PAYLOAD_TYPE', `envelope holds a different record type than ${kind.payloadType}`)
  }
  // libp2p's Ed25519 verify throws a TypeError on any other length (found by the fuzzer): refuse it as not verifying
  if (envelope.signature.byteLength !== ED25519_SIGNATURE_BYTES) {
    throw new SignedRecordError('BAD_SIGNATURE', `an Ed25519 signature is ${ED25519_SIGNATURE_BYTES} bytes, this one ${envelope.signature.byteLength}`)
  }
  if (options.signatureVerified !== true && !(await envelope.validate(kind.domain))) {
    throw new SignedRecordError('BAD_SIGNATURE', `signature does not verify for domain ${kind.domain}`)
  }
  const bytes = data instanceof Uint8Array ? data : data.subarray()
  return { signer: peerIdFromPublicKey(envelope.publicKey), payload: envelope.payload, envelope: bytes }
}
