import { peerIdFromMultihash, peerIdFromString } from '@libp2p/peer-id'
import * as Digest from 'multiformats/hashes/digest'

/** A peer id as records carry it: its multihash bytes. */
export function peerIdToBytes (peerId: string): Uint8Array<ArrayBuffer> {
  return peerIdFromString(peerId).toMultihash().bytes as Uint8Array<ArrayBuffer>
}

/** The text form of a peer id carried as multihash bytes; throws on bytes that are not one. */
export function peerIdFromBytes (bytes: Uint8Array): string {
  return peerIdFromMultihash(Digest.decode(bytes)).toString()
}

/** Contract ids travel as 32 bytes and are shown as lowercase hex. */
export function contractIdToBytes (id: string): Uint8Array<ArrayBuffer> {
  return new Uint8Array(Buffer.from(id, 'hex'))
}

export function contractIdFromBytes (bytes: Uint8Array | undefined): string {
  return Buffer.from(bytes ?? new Uint8Array()).toString('hex')
}
