import { multiaddr } from '@multiformats/multiaddr'
import type { PeerId, PrivateKey } from '@libp2p/interface'
import {
  ADVERT_MAX_ADDRESSES, ADVERT_MAX_CAPABILITIES, ADVERT_MAX_LIFETIME_MS, ADVERT_RECORD, CLOCK_SKEW_MS,
  capacityMessages, openRecord, peerIdFromBytes, peerIdToBytes, sealRecord, type OpenRecordOptions
} from '@p2pcloud/wire'
import { fromMicro, toMicro, type PricePolicy } from './pricing.js'
import { RESOURCE_UNITS, resourcesFromWire, resourcesToWire, type Resources } from './resources.js'

/** An advert as the rest of the code sees it (the wire form is capacityMessages.Advert). */
export interface Advert {
  peerId: string
  farm: string
  country: string
  city: string
  total: Resources
  free: Resources
  capabilities: string[]
  gatewayDomain: string
  price: PricePolicy
  /** Listen addresses without `/p2p/`. */
  addresses: string[]
  version: string
  seq: number
  issuedAt: number
  expiresAt: number
  /** The farmer stops cleanly: receivers drop it at once instead of when its last advert expires. */
  leaving?: true
}

/** An advert whose envelope verified and whose content obeys the rules; `envelope` is the bytes as signed. */
export interface VerifiedAdvert {
  advert: Advert
  envelope: Uint8Array
  signer: PeerId
}

/** Why an advert was refused; `problem` names the rule. */
export class InvalidAdvertError extends Error {
  override name = 'InvalidAdvertError'
  constructor (readonly problem: string, message: string) {
    super(message)
  }
}

export const FARM_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,63}$/
export const COUNTRY_CODE = /^[A-Z]{2}$/
export const CAPABILITY_NAME = /^[a-z0-9-]{1,32}$/

function toWire (advert: Advert): capacityMessages.Advert {
  return {
    peerId: peerIdToBytes(advert.peerId),
    farm: advert.farm,
    country: advert.country,
    city: advert.city,
    total: resourcesToWire(advert.total),
    free: resourcesToWire(advert.free),
    capabilities: [...new Set(advert.capabilities)].sort(),
    gatewayDomain: advert.gatewayDomain,
    price: {
      currency: advert.price.currency,
      cuHourMicro: toMicro(advert.price.cuHour),
      suHourMicro: toMicro(advert.price.suHour),
      ipv4HourMicro: toMicro(advert.price.ipv4Hour)
    },
    addresses: advert.addresses.map(a => multiaddr(a).bytes),
    version: advert.version,
    seq: advert.seq,
    issuedAtMs: advert.issuedAt,
    expiresAtMs: advert.expiresAt,
    leaving: advert.leaving === true
  }
}

function fromWire (wire: capacityMessages.Advert): Advert {
  return {
    peerId: peerIdFromBytes(wire.peerId),
    farm: wire.farm,
    country: wire.country,
    city: wire.city,
    total: resourcesFromWire(wire.total),
    free: resourcesFromWire(wire.free),
    capabilities: wire.capabilities,
    gatewayDomain: wire.gatewayDomain,
    price: {
      currency: wire.price?.currency ?? '',
      cuHour: fromMicro(wire.price?.cuHourMicro ?? 0),
      suHour: fromMicro(wire.price?.suHourMicro ?? 0),
      ipv4Hour: fromMicro(wire.price?.ipv4HourMicro ?? 0)
    },
    addresses: wire.addresses.map(bytes => multiaddr(bytes).toString()),
    version: wire.version,
    seq: wire.seq,
    issuedAt: wire.issuedAtMs,
    expiresAt: wire.expiresAtMs,
    ...(wire.leaving ? { leaving: true } : {})
  }
}

/** Encode once and sign those exact bytes. */
export async function signAdvert (advert: Advert, privateKey: PrivateKey): Promise<Uint8Array> {
  return sealRecord(ADVERT_RECORD, capacityMessages.Advert.encode(toWire(advert)), privateKey)
}

function check (condition: boolean, problem: string, message: string): void {
  if (!condition) throw new InvalidAdvertError(problem, message)
}

/** The content rules of protocols/capacity.md, on a decoded advert. */
function checkContent (advert: Advert, now: number | undefined): void {
  check(FARM_NAME.test(advert.farm), 'FARM', `farm "${advert.farm}" is not a valid farm name`)
  check(COUNTRY_CODE.test(advert.country), 'COUNTRY', `country "${advert.country}" is not a two-letter ISO 3166 code`)
  check(advert.city.length <= 64, 'CITY', 'city is longer than 64 characters')
  check(advert.capabilities.length <= ADVERT_MAX_CAPABILITIES && advert.capabilities.every(c => CAPABILITY_NAME.test(c)),
    'CAPABILITIES', `capabilities must be at most ${ADVERT_MAX_CAPABILITIES} names of [a-z0-9-]`)
  check(advert.addresses.length <= ADVERT_MAX_ADDRESSES, 'ADDRESSES', `more than ${ADVERT_MAX_ADDRESSES} addresses`)
  check(RESOURCE_UNITS.every(unit => advert.free[unit] <= advert.total[unit]), 'FREE_OVER_TOTAL', 'free capacity exceeds total capacity')
  check(advert.seq > 0, 'SEQ', 'seq must be positive')
  check(advert.expiresAt > advert.issuedAt, 'TIMES', 'expires_at_ms is not after issued_at_ms')
  check(advert.expiresAt - advert.issuedAt <= ADVERT_MAX_LIFETIME_MS, 'LIFETIME', `lifetime over the maximum of ${ADVERT_MAX_LIFETIME_MS} ms`)
  if (now == null) return
  check(advert.issuedAt <= now + CLOCK_SKEW_MS, 'FUTURE', 'issued in the future (beyond the allowed clock skew)')
  check(advert.expiresAt + CLOCK_SKEW_MS > now, 'EXPIRED', `expired at ${new Date(advert.expiresAt).toISOString()}`)
}

/**
 * Verify a received advert: envelope (size, key type, payload type,
 * signature), decoding, subject = signer, content and times. Seq ordering is
 * the directory's job: it alone knows the last seq it accepted.
 */
export async function verifyAdvert (envelope: Uint8Array, now: number | 'any-time' = Date.now()): Promise<VerifiedAdvert> {
  return openAdvert(envelope, now, {})
}

/**
 * An advert this peer verified before it stored it: every check of
 * verifyAdvert but the signature's, so a restart with a full directory does
 * not pay one signature check per farmer again.
 */
export async function readStoredAdvert (envelope: Uint8Array, now: number | 'any-time' = Date.now()): Promise<VerifiedAdvert> {
  return openAdvert(envelope, now, { signatureVerified: true })
}

async function openAdvert (envelope: Uint8Array, now: number | 'any-time', options: OpenRecordOptions): Promise<VerifiedAdvert> {
  let opened
  try {
    opened = await openRecord(ADVERT_RECORD, envelope, options)
  } catch (err: any) {
    throw new InvalidAdvertError(err.problem ?? 'ENVELOPE', err.message)
  }
  let advert: Advert
  try {
    advert = fromWire(capacityMessages.Advert.decode(opened.payload))
  } catch (err: any) {
    throw new InvalidAdvertError('DECODE', `advert does not decode: ${err.message}`)
  }
  check(advert.peerId === opened.signer.toString(), 'SUBJECT', `advert for ${advert.peerId} is signed by ${opened.signer.toString()}`)
  // 'any-time': everything but the clock, for records we keep only to remember their seq
  checkContent(advert, now === 'any-time' ? undefined : now)
  return { advert, envelope: opened.envelope, signer: opened.signer }
}
