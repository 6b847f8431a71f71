import { createPrivateKey, createPublicKey, generateKeyPairSync } from 'node:crypto'

/** A WireGuard key pair: Curve25519 keys as `wg` writes them (32 bytes, standard base64). */
export interface WireguardKeyPair {
  privateKey: string
  publicKey: string
}

/** PKCS#8 wrapping of a raw X25519 private key (RFC 8410): node imports raw keys only so. */
const X25519_PKCS8_PREFIX = Buffer.from('302e020100300506032b656e04220420', 'hex')
const RAW_KEY = /^[A-Za-z0-9+/]{42}[AEIMQUYcgkosw048]=$/

/** Whether `text` is a WireGuard key as `wg` prints it (base64 of exactly 32 bytes). */
export function isWireguardKey (text: string): boolean {
  return RAW_KEY.test(text)
}

function fromJwk (value: string | undefined): string {
  if (value === undefined) throw new Error('the X25519 key has no raw value')
  return Buffer.from(value, 'base64url').toString('base64')
}

/** A new key pair, made in this process (node's X25519), so the private key is never on a command line. */
export function generateWireguardKeys (): WireguardKeyPair {
  const { privateKey } = generateKeyPairSync('x25519')
  const jwk = privateKey.export({ format: 'jwk' })
  return { privateKey: fromJwk(jwk.d), publicKey: fromJwk(jwk.x) }
}

/** The public key of a private one, as `wg pubkey` gives it. */
export function wireguardPublicKey (privateKey: string): string {
  if (!isWireguardKey(privateKey)) throw new Error('not a WireGuard private key (44 characters of base64)')
  const key = createPrivateKey({ key: Buffer.concat([X25519_PKCS8_PREFIX, Buffer.from(privateKey, 'base64')]), format: 'der', type: 'pkcs8' })
  return fromJwk(createPublicKey(key).export({ format: 'jwk' }).x)
}
