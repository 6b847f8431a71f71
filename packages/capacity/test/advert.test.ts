import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { RecordEnvelope } from '@libp2p/peer-record'
import type { PrivateKey } from '@libp2p/interface'
import { multiaddr } from '@multiformats/multiaddr'
import { fromString } from 'uint8arrays/from-string'
import {
  ADVERT_MAX_ADDRESSES, ADVERT_MAX_CAPABILITIES, ADVERT_MAX_LIFETIME_MS, ADVERT_RECORD, CLOCK_SKEW_MS, capacityMessages
} from '@p2pcloud/wire'
import { InvalidAdvertError, signAdvert, verifyAdvert, type Advert } from '../src/advert.js'
import { MINUTE, advertAt, farmer, type Farmer } from './fixtures.js'

const NOW = Date.UTC(2030, 0, 1)

/** A gateway farm with three addresses, issued at NOW. */
function advertOf (peerId: string, overrides: Partial<Advert> = {}): Advert {
  return advertAt(peerId, NOW, {
    free: { cru: 12, mru: 48e9, sru: 800e9, hru: 4e12, ipv4u: 0 },
    capabilities: ['container', 'gateway', 'zdb'],
    gatewayDomain: 'gw.ghent.example.org',
    addresses: ['/ip4/203.0.113.7/tcp/4001', '/ip6/2001:db8::7/udp/4001/quic-v1', '/dns4/farm.example.org/tcp/443/wss'],
    ...overrides
  })
}

function indexOf (haystack: Uint8Array, needle: Uint8Array): number {
  outer: for (let i = 0; i + needle.length <= haystack.length; i++) {
    for (let j = 0; j < needle.length; j++) {
      if (haystack[i + j] !== needle[j]) continue outer
    }
    return i
  }
  return -1
}

function refusedAs (problem: string, message?: RegExp): (err: unknown) => boolean {
  return (err: unknown) => {
    assert.ok(err instanceof InvalidAdvertError, `expected an InvalidAdvertError, got ${String(err)}`)
    assert.equal(err.name, 'InvalidAdvertError')
    assert.equal(err.problem, problem, `expected ${problem}, got ${err.problem}: ${err.message}`)
    if (message != null) assert.match(err.message, message)
    return true
  }
}

/** Seal arbitrary payload bytes as an advert envelope, bypassing signAdvert's encoding and size check. */
async function sealRaw (payload: Uint8Array, key: PrivateKey, kind = ADVERT_RECORD): Promise<Uint8Array> {
  const envelope = await RecordEnvelope.seal({ domain: kind.domain, codec: fromString(kind.payloadType), marshal: () => payload, equals: () => false }, key)
  return envelope.marshal()
}

/** Sign a hand-made wire advert (so a test can send what signAdvert would never produce). */
async function signWire (farmer: Farmer, advert: Advert, patch: Partial<capacityMessages.Advert>): Promise<Uint8Array> {
  const verified = await verifyAdvert(await signAdvert(advert, farmer.key), NOW)
  const opened = RecordEnvelope.createFromProtobuf(verified.envelope)
  const wire = { ...capacityMessages.Advert.decode(opened.payload), ...patch }
  return sealRaw(capacityMessages.Advert.encode(wire), farmer.key)
}

describe('signAdvert / verifyAdvert', () => {
  it('round trip preserves every field', async () => {
    const f = await farmer()
    const advert = advertOf(f.peerId)
    const envelope = await signAdvert(advert, f.key)
    const verified = await verifyAdvert(envelope, NOW)
    assert.deepEqual(verified.advert, advert)
    assert.equal(verified.signer.toString(), f.peerId)
    assert.deepEqual(verified.envelope, envelope)
  })

  it('the signed bytes are the protobuf advert, under the capacity domain and payload type', async () => {
    const f = await farmer()
    const envelope = await signAdvert(advertOf(f.peerId), f.key)
    const opened = await RecordEnvelope.openAndCertify(envelope, 'p2pcloud-capacity')
    assert.equal(new TextDecoder().decode(opened.payloadType), '/p2pcloud/capacity/advert')
    const wire = capacityMessages.Advert.decode(opened.payload)
    assert.equal(wire.farm, 'ghent-1')
    assert.equal(wire.seq, NOW)
    assert.equal(wire.total?.mru, 64_000_000_000)
    assert.equal(wire.price?.cuHourMicro, 100_000)
    assert.equal(wire.price?.suHourMicro, 50_000)
    assert.equal(wire.price?.ipv4HourMicro, 20_000)
    assert.deepEqual(wire.addresses.map(bytes => multiaddr(bytes).toString()), advertOf(f.peerId).addresses)
    assert.deepEqual(opened.publicKey.toMultihash().bytes, wire.peerId)
  })

  it('prices travel in micro units: rounded to the nearest millionth', async () => {
    const f = await farmer()
    const envelope = await signAdvert(advertOf(f.peerId, { price: { currency: 'EUR', cuHour: 0.1234567, suHour: 1.0000004, ipv4Hour: 0.0000005 } }), f.key)
    const { advert } = await verifyAdvert(envelope, NOW)
    assert.deepEqual(advert.price, { currency: 'EUR', cuHour: 0.123457, suHour: 1, ipv4Hour: 0.000001 })
    const wire = capacityMessages.Advert.decode(RecordEnvelope.createFromProtobuf(envelope).payload)
    assert.equal(wire.price?.cuHourMicro, 123_457)
    assert.equal(wire.price?.suHourMicro, 1_000_000)
    assert.equal(wire.price?.ipv4HourMicro, 1)
  })

  it('capabilities are signed sorted and unique', async () => {
    const f = await farmer()
    const envelope = await signAdvert(advertOf(f.peerId, { capabilities: ['zdb', 'container', 'zdb', 'gateway', 'container'] }), f.key)
    const { advert } = await verifyAdvert(envelope, NOW)
    assert.deepEqual(advert.capabilities, ['container', 'gateway', 'zdb'])
  })

  it('empty and large values survive: no capabilities, no addresses, empty city, resources up to 2^53 - 1', async () => {
    const f = await farmer()
    const big = Number.MAX_SAFE_INTEGER
    const advert = advertOf(f.peerId, {
      city: '',
      capabilities: [],
      gatewayDomain: '',
      addresses: [],
      total: { cru: big, mru: big, sru: big, hru: big, ipv4u: big },
      free: { cru: 0, mru: 0, sru: 0, hru: 0, ipv4u: 0 },
      price: { currency: '', cuHour: 0, suHour: 0, ipv4Hour: 0 }
    })
    const { advert: back } = await verifyAdvert(await signAdvert(advert, f.key), NOW)
    assert.deepEqual(back, advert)
  })

  it('max capabilities and addresses are accepted', async () => {
    const f = await farmer()
    const advert = advertOf(f.peerId, {
      capabilities: Array.from({ length: ADVERT_MAX_CAPABILITIES }, (_, i) => `cap-${String(i).padStart(2, '0')}`),
      addresses: Array.from({ length: ADVERT_MAX_ADDRESSES }, (_, i) => `/ip4/10.0.0.${i + 1}/tcp/4001`)
    })
    const { advert: back } = await verifyAdvert(await signAdvert(advert, f.key), NOW)
    assert.deepEqual(back, advert)
  })

  it('verifyAdvert uses the current time by default', async () => {
    const f = await farmer()
    const now = Date.now()
    const envelope = await signAdvert(advertOf(f.peerId, { seq: now, issuedAt: now, expiresAt: now + MINUTE }), f.key)
    await verifyAdvert(envelope)
    // NOW is in 2030: an advert issued then is in the future today
    await assert.rejects(verifyAdvert(await signAdvert(advertOf(f.peerId), f.key)), refusedAs('FUTURE'))
  })
})

describe('verifyAdvert refuses', () => {
  it('an advert signed by someone other than its subject (SUBJECT)', async () => {
    const alice = await farmer()
    const mallory = await farmer()
    const envelope = await signAdvert(advertOf(alice.peerId), mallory.key)
    await assert.rejects(verifyAdvert(envelope, NOW), refusedAs('SUBJECT', new RegExp(`${alice.peerId}.*signed by ${mallory.peerId}`)))
  })

  it('an expired advert (EXPIRED), allowing for the clock skew', async () => {
    const f = await farmer()
    const advert = advertOf(f.peerId)
    const envelope = await signAdvert(advert, f.key)
    // within the skew after expiry it still verifies ...
    await verifyAdvert(envelope, advert.expiresAt + CLOCK_SKEW_MS - 1)
    // ... and not from the skew on
    await assert.rejects(verifyAdvert(envelope, advert.expiresAt + CLOCK_SKEW_MS), refusedAs('EXPIRED'))
    await assert.rejects(verifyAdvert(envelope, advert.expiresAt + 24 * 60 * MINUTE), refusedAs('EXPIRED'))
  })

  it('an advert issued in the far future (FUTURE), allowing for the clock skew', async () => {
    const f = await farmer()
    const issuedAt = NOW + CLOCK_SKEW_MS
    await verifyAdvert(await signAdvert(advertOf(f.peerId, { issuedAt, expiresAt: issuedAt + MINUTE }), f.key), NOW)
    const future = advertOf(f.peerId, { issuedAt: issuedAt + 1, expiresAt: issuedAt + 1 + MINUTE })
    await assert.rejects(verifyAdvert(await signAdvert(future, f.key), NOW), refusedAs('FUTURE'))
    const farFuture = advertOf(f.peerId, { issuedAt: NOW + 24 * 60 * MINUTE, expiresAt: NOW + 24 * 60 * MINUTE + MINUTE })
    await assert.rejects(verifyAdvert(await signAdvert(farFuture, f.key), NOW), refusedAs('FUTURE'))
  })

  it('a lifetime over the maximum (LIFETIME)', async () => {
    const f = await farmer()
    await verifyAdvert(await signAdvert(advertOf(f.peerId, { expiresAt: NOW + ADVERT_MAX_LIFETIME_MS }), f.key), NOW)
    await assert.rejects(
      verifyAdvert(await signAdvert(advertOf(f.peerId, { expiresAt: NOW + ADVERT_MAX_LIFETIME_MS + 1 }), f.key), NOW),
      refusedAs('LIFETIME'))
  })

  it('an expiry not after the issue time (TIMES)', async () => {
    const f = await farmer()
    await assert.rejects(verifyAdvert(await signAdvert(advertOf(f.peerId, { expiresAt: NOW }), f.key), NOW), refusedAs('TIMES'))
    await assert.rejects(verifyAdvert(await signAdvert(advertOf(f.peerId, { expiresAt: NOW - 1 }), f.key), NOW), refusedAs('TIMES'))
  })

  it('free over total in any unit (FREE_OVER_TOTAL)', async () => {
    const f = await farmer()
    for (const unit of ['cru', 'mru', 'sru', 'hru', 'ipv4u'] as const) {
      const base = advertOf(f.peerId)
      const advert = advertOf(f.peerId, { free: { ...base.total, [unit]: base.total[unit] + 1 } })
      await assert.rejects(verifyAdvert(await signAdvert(advert, f.key), NOW), refusedAs('FREE_OVER_TOTAL'), unit)
    }
    // free = total is fine
    const full = advertOf(f.peerId)
    await verifyAdvert(await signAdvert({ ...full, free: { ...full.total } }, f.key), NOW)
  })

  it('a country that is not two upper-case letters (COUNTRY)', async () => {
    const f = await farmer()
    for (const country of ['be', 'BEL', 'B', '', 'B1', 'ÄB']) {
      await assert.rejects(verifyAdvert(await signAdvert(advertOf(f.peerId, { country }), f.key), NOW), refusedAs('COUNTRY'), country)
    }
  })

  it('a bad farm name (FARM), a long city (CITY), bad capabilities (CAPABILITIES), too many addresses (ADDRESSES), seq 0 (SEQ)', async () => {
    const f = await farmer()
    const verifyWith = async (overrides: Partial<Advert>): Promise<unknown> => verifyAdvert(await signAdvert(advertOf(f.peerId, overrides), f.key), NOW)
    for (const farm of ['', '-farm', 'farm name', 'f'.repeat(65), 'farm/1']) {
      await assert.rejects(verifyWith({ farm }), refusedAs('FARM'), farm)
    }
    await verifyWith({ farm: 'f'.repeat(64) })
    await verifyWith({ city: 'c'.repeat(64) })
    await assert.rejects(verifyWith({ city: 'c'.repeat(65) }), refusedAs('CITY'))
    for (const capabilities of [['Container'], ['a b'], [''], ['x'.repeat(33)], Array.from({ length: ADVERT_MAX_CAPABILITIES + 1 }, (_, i) => `c${i}`)]) {
      await assert.rejects(verifyWith({ capabilities }), refusedAs('CAPABILITIES'), capabilities.join(','))
    }
    const addresses = Array.from({ length: ADVERT_MAX_ADDRESSES + 1 }, (_, i) => `/ip4/10.0.0.${i + 1}/tcp/4001`)
    await assert.rejects(verifyWith({ addresses }), refusedAs('ADDRESSES'))
    await assert.rejects(verifyWith({ seq: 0 }), refusedAs('SEQ'))
  })

  it('a tampered envelope (BAD_SIGNATURE)', async () => {
    const f = await farmer()
    const envelope = await signAdvert(advertOf(f.peerId), f.key)
    const at = indexOf(envelope, fromString('ghent-1'))
    assert.ok(at > 0)
    const tampered = envelope.slice()
    tampered[at] = 'G'.charCodeAt(0) // still a valid farm name: only the signature can tell
    await assert.rejects(verifyAdvert(tampered, NOW), refusedAs('BAD_SIGNATURE'))
  })

  it('an advert signed for another domain (BAD_SIGNATURE)', async () => {
    const f = await farmer()
    const payload = RecordEnvelope.createFromProtobuf(await signAdvert(advertOf(f.peerId), f.key)).payload
    const envelope = await sealRaw(payload, f.key, { ...ADVERT_RECORD, domain: 'p2pcloud-contract' })
    await assert.rejects(verifyAdvert(envelope, NOW), refusedAs('BAD_SIGNATURE'))
  })

  it('another record type (PAYLOAD_TYPE), a secp256k1 signer (KEY_TYPE), garbage (MALFORMED)', async () => {
    const f = await farmer()
    const payload = RecordEnvelope.createFromProtobuf(await signAdvert(advertOf(f.peerId), f.key)).payload
    await assert.rejects(verifyAdvert(await sealRaw(payload, f.key, { ...ADVERT_RECORD, payloadType: '/p2pcloud/capacity/other' }), NOW), refusedAs('PAYLOAD_TYPE'))
    const secp = await generateKeyPair('secp256k1')
    const secpAdvert = capacityMessages.Advert.encode({
      ...capacityMessages.Advert.decode(payload),
      peerId: peerIdFromPrivateKey(secp).toMultihash().bytes
    })
    await assert.rejects(verifyAdvert(await sealRaw(secpAdvert, secp), NOW), refusedAs('KEY_TYPE'))
    await assert.rejects(verifyAdvert(fromString('not an envelope'), NOW), refusedAs('MALFORMED'))
  })

  it('an oversized envelope (TOO_LARGE), even when properly signed', async () => {
    const f = await farmer()
    const payload = RecordEnvelope.createFromProtobuf(await signAdvert(advertOf(f.peerId), f.key)).payload
    const padded = capacityMessages.Advert.encode({ ...capacityMessages.Advert.decode(payload), version: 'v'.repeat(ADVERT_RECORD.maxBytes) })
    const envelope = await sealRaw(padded, f.key)
    assert.ok(envelope.byteLength > ADVERT_RECORD.maxBytes)
    await assert.rejects(verifyAdvert(envelope, NOW), refusedAs('TOO_LARGE'))
    await assert.rejects(verifyAdvert(new Uint8Array(ADVERT_RECORD.maxBytes + 1), NOW), refusedAs('TOO_LARGE'))
    // and signAdvert will not produce one
    await assert.rejects(signAdvert(advertOf(f.peerId, { version: 'v'.repeat(ADVERT_RECORD.maxBytes) }), f.key), { name: 'SignedRecordError', problem: 'TOO_LARGE' })
  })

  it('a signed payload that is not an advert, or has out-of-range numbers (DECODE)', async () => {
    const f = await farmer()
    await assert.rejects(verifyAdvert(await sealRaw(new Uint8Array([0x0f, 0xff, 0xff]), f.key), NOW), refusedAs('DECODE'))
    const advert = advertOf(f.peerId)
    // total { cru: 2^53 } appended by hand: our encoder refuses to write it (proto3 merges, the last total wins)
    const payload = RecordEnvelope.createFromProtobuf(await signAdvert(advert, f.key)).payload
    const cru2e53 = new Uint8Array([0x2a, 0x09, 0x08, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x10])
    const tooBig = await sealRaw(new Uint8Array([...payload, ...cru2e53]), f.key)
    await assert.rejects(verifyAdvert(tooBig, NOW), refusedAs('DECODE'))
    const badPeer = await signWire(f, advert, { peerId: new Uint8Array(fromString('not a multihash')) })
    await assert.rejects(verifyAdvert(badPeer, NOW), refusedAs('DECODE'))
    const badAddress = await signWire(f, advert, { addresses: [new Uint8Array([0xff, 0xff, 0xff])] })
    await assert.rejects(verifyAdvert(badAddress, NOW), refusedAs('DECODE'))
  })

  it('capability order and the gateway_domain rule bind senders only: receivers accept either (capacity.md)', async () => {
    const f = await farmer()
    const unordered = await signWire(f, advertOf(f.peerId), { capabilities: ['zdb', 'container', 'zdb'] })
    assert.deepEqual((await verifyAdvert(unordered, NOW)).advert.capabilities, ['zdb', 'container', 'zdb'])
    await verifyAdvert(await signAdvert(advertOf(f.peerId, { capabilities: ['container'] }), f.key), NOW)
  })
})
