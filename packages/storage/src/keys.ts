import { createCipheriv, createDecipheriv, hkdfSync } from 'node:crypto'
import type { PrivateKey } from '@libp2p/interface'

/** HKDF info of the storage master key; a new format version gets a new one. */
export const MASTER_KEY_INFO = 'p2pcloud-storage/v1'
export const KEY_BYTES = 32
export const NONCE_BYTES = 12
export const TAG_BYTES = 16

/**
 * A twin's storage master key: HKDF-SHA256 (empty salt, info "p2pcloud-storage/v1", 32 bytes)
 * over the raw bytes of its Ed25519 identity key. It wraps each object's key and encrypts the
 * manifests, so only whoever holds identity.key can read the twin's objects.
 */
export class StorageMasterKey {
  private constructor (readonly bytes: Uint8Array) {}

  static fromIdentity (privateKey: PrivateKey): StorageMasterKey {
    if (privateKey.type !== 'Ed25519') throw new TypeError(`the storage master key is derived from an Ed25519 identity, not ${privateKey.type}`)
    return new StorageMasterKey(new Uint8Array(hkdfSync('sha256', privateKey.raw, new Uint8Array(0), MASTER_KEY_INFO, KEY_BYTES)))
  }
}

/** AES-256-GCM: ciphertext followed by the 16-byte tag. */
export function seal (key: Uint8Array, nonce: Uint8Array, plaintext: Uint8Array, aad: Uint8Array): Buffer {
  const cipher = createCipheriv('aes-256-gcm', key, nonce)
  cipher.setAAD(aad)
  return Buffer.concat([cipher.update(plaintext), cipher.final(), cipher.getAuthTag()])
}

/** The plaintext, or undefined when GCM refuses (wrong key, altered bytes or additional data). */
export function open (key: Uint8Array, nonce: Uint8Array, sealed: Uint8Array, aad: Uint8Array): Buffer | undefined {
  if (sealed.byteLength < TAG_BYTES) return undefined
  const parts = openParts(key, nonce, [sealed.subarray(0, sealed.byteLength - TAG_BYTES)], sealed.subarray(sealed.byteLength - TAG_BYTES), aad)
  return parts != null ? Buffer.concat(parts) : undefined
}

/**
 * The plaintext of ciphertext given in parts, part by part (no joining copy), or undefined when
 * GCM refuses. Nothing comes out before the tag is checked.
 */
export function openParts (key: Uint8Array, nonce: Uint8Array, ciphertext: Uint8Array[], tag: Uint8Array, aad: Uint8Array): Buffer[] | undefined {
  const decipher = createDecipheriv('aes-256-gcm', key, nonce)
  decipher.setAAD(aad)
  decipher.setAuthTag(tag)
  const plaintext = ciphertext.map(part => decipher.update(part))
  try {
    decipher.final()
    return plaintext
  } catch {
    return undefined
  }
}
