import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import type { PrivateKey } from '@libp2p/interface'
import type { Advert } from '../src/advert.js'
import type { Resources } from '../src/resources.js'

/** Fixtures shared by the capacity unit tests. */

export const MINUTE = 60_000

/** A farmer of the tests: a fresh Ed25519 key and its peer id. */
export interface Farmer {
  key: PrivateKey
  peerId: string
}

export async function farmer (): Promise<Farmer> {
  const key = await generateKeyPair('Ed25519')
  return { key, peerId: peerIdFromPrivateKey(key).toString() }
}

/** The total capacity of the default advert. */
export const TOTAL: Resources = { cru: 16, mru: 64e9, sru: 1e12, hru: 4e12, ipv4u: 4 }

/**
 * A valid advert of `peerId`, issued at `issuedAt` (seq = issuedAt) and good for 10 minutes: a
 * container farm in Ghent with one address. A test file passes its own defaults in `overrides`.
 */
export function advertAt (peerId: string, issuedAt: number, overrides: Partial<Advert> = {}): Advert {
  return {
    peerId,
    farm: 'ghent-1',
    country: 'BE',
    city: 'Ghent',
    total: TOTAL,
    free: { cru: 8, mru: 32e9, sru: 500e9, hru: 2e12, ipv4u: 2 },
    capabilities: ['container'],
    gatewayDomain: '',
    price: { currency: 'TFT', cuHour: 0.1, suHour: 0.05, ipv4Hour: 0.02 },
    addresses: ['/ip4/203.0.113.7/tcp/4001'],
    version: 'p2pcloud/0.1.0',
    seq: issuedAt,
    issuedAt,
    expiresAt: issuedAt + 10 * MINUTE,
    ...overrides
  }
}
