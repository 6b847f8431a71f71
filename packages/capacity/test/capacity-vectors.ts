import { multiaddr } from '@multiformats/multiaddr'
import { MemoryDatastore } from 'datastore-core'
import { ADVERT_RECORD, CAPACITY_PROTOCOL, capacityMessages, vectorKit } from '@p2pcloud/wire'
import type { VectorFiles } from '@p2pcloud/test-utils'
import {
  Directory, advertDhtRecords, advertKey, indexKeyCid, indexKeyName, signAdvert, verifyAdvert, type IndexKey
} from '../src/index.js'

/**
 * The generator of the capacity protocol's vectors, protocols/vectors/capacity/*.json (format:
 * protocols/README.md §8.1; what each file covers: protocols/capacity.md §9), which
 * vectors.test.ts checks. Deterministic: fixed keys from published seeds, fixed times, and
 * Ed25519 / RFC 6979 secp256k1 signatures, so running it again writes the same bytes. Run by
 * `npm run vectors`.
 */

type Json = vectorKit.Json
const { hex, unhex, utf8, fromUtf8, seedFrom, atTime } = vectorKit

// ---- keys (tests only) ----------------------------------------------------------------

const keys = {
  farmer: await vectorKit.ed25519Key(seedFrom(0x00)), // the key of protocols/README.md §5.3
  other: await vectorKit.ed25519Key(seedFrom(0x20)),
  secp256k1: vectorKit.secp256k1Key(seedFrom(0x40))
}
type KeyName = keyof typeof keys
const keysJson = (names: KeyName[]): Json => vectorKit.keysJson(keys, names)
const peerIdHex = (name: KeyName): string => vectorKit.peerIdHex(keys[name])

// ---- times ----------------------------------------------------------------------------

const T0 = 1767225600000 // 2026-01-01T00:00:00Z
const NOW = T0 + 60_000 // the receiver's clock, one minute after the advert was issued
const TTL = 600_000 // the js farmer's default lifetime (10 min)
const HOUR = 3_600_000
const SKEW = 300_000

// ---- adverts --------------------------------------------------------------------------

const GiB = 1024 ** 3
const resources = vectorKit.resourcesJson

/** The full advert of the farmer, in the JSON form of protocols/README.md §8.1 (proto field names). */
function advertFields (overrides: Json = {}): Json {
  return {
    peer_id: peerIdHex('farmer'),
    farm: 'ghent-farm',
    country: 'BE',
    city: 'Ghent',
    total: resources(8, 32 * GiB, 1_000_204_886_016, 4_000_787_030_016, 2),
    free: resources(6, 24 * GiB, 800_000_000_000, 4_000_787_030_016, 1),
    capabilities: ['container', 'gateway', 'volume', 'zdb'],
    gateway_domain: 'gw.ghent.example.org',
    price: { currency: 'TFT', cu_hour_micro: '100000', su_hour_micro: '50000', ipv4_hour_micro: '20000' },
    addresses: ['/ip4/203.0.113.7/tcp/4050', '/ip6/2001:db8::7/tcp/4050'].map(a => hex(multiaddr(a).bytes)),
    version: 'p2pcloud/0.1.0',
    seq: String(T0),
    issued_at_ms: String(T0),
    expires_at_ms: String(T0 + TTL),
    ...overrides
  }
}

const wireResources = (r: Json): capacityMessages.Resources | undefined => r == null ? undefined : vectorKit.resources(r)

/**
 * A vector's `fields` (proto field names, 64-bit integers as decimal strings, bytes as hex) → the
 * protons message. A message-typed field present in `fields` is encoded even when empty.
 */
export function wireAdvert (f: Json): capacityMessages.Advert {
  return {
    peerId: unhex(f.peer_id),
    farm: f.farm,
    country: f.country,
    city: f.city,
    total: wireResources(f.total),
    free: wireResources(f.free),
    capabilities: f.capabilities,
    gatewayDomain: f.gateway_domain,
    price: f.price == null
      ? undefined
      : { currency: f.price.currency, cuHourMicro: Number(f.price.cu_hour_micro), suHourMicro: Number(f.price.su_hour_micro), ipv4HourMicro: Number(f.price.ipv4_hour_micro) },
    addresses: f.addresses.map((a: string) => unhex(a)),
    version: f.version,
    seq: Number(f.seq),
    issuedAtMs: Number(f.issued_at_ms),
    expiresAtMs: Number(f.expires_at_ms),
    leaving: f.leaving === true
  }
}

interface EnvelopeOptions { signer?: KeyName, domain?: string, payloadType?: string, tamper?: vectorKit.Tamper }
/** Sign `payload` as `signer` and describe the envelope; `tamper` flips bits of the signature afterwards. */
async function envelopeOf (payload: Uint8Array, { signer = 'farmer', domain = ADVERT_RECORD.domain, payloadType = ADVERT_RECORD.payloadType, tamper }: EnvelopeOptions = {}): Promise<vectorKit.EnvelopeJson> {
  return vectorKit.envelopeOf(payload, keys[signer].privateKey, { signer, domain, payloadType, tamper })
}

interface AdvertOptions { nowMs?: number, expect?: string, problem?: string, envelope?: EnvelopeOptions, extra?: Json }
/** One Advert vector: fields → encoded payload → envelope. */
async function advertVector (name: string, description: string, fields: Json, { nowMs = NOW, expect = 'ACCEPT', problem, envelope = {}, extra = {} }: AdvertOptions = {}): Promise<Json> {
  const payload = capacityMessages.Advert.encode(wireAdvert(fields))
  const env = await envelopeOf(payload, envelope)
  const vector = { name, description, message: 'Advert', fields, encoded: hex(payload), envelope: env, ...(envelope.tamper != null ? { tamper: envelope.tamper } : {}), now_ms: String(nowMs), expect, ...(problem != null ? { problem } : {}), ...extra }
  await check(vector)
  return vector
}

/** The generator checks every outcome with our verifier before writing it. */
async function check (vector: Json): Promise<void> {
  const bytes = unhex(vector.envelope.encoded)
  let problem
  try {
    const verified = await verifyAdvert(bytes, Number(vector.now_ms))
    if (vector.expect === 'ACCEPT' && vector.fields != null && vector.envelope.domain === ADVERT_RECORD.domain) {
      // the application-level encoder reproduces the same bytes
      const again = await signAdvert(verified.advert, keys[vector.envelope.signer as KeyName].privateKey).catch(() => undefined)
      if (again != null && hex(again) !== vector.envelope.encoded) throw new Error(`${vector.name}: signAdvert gives other bytes`)
    }
  } catch (err: any) {
    if (err.name !== 'InvalidAdvertError') throw err
    problem = err.problem
  }
  const stateless = vector.known == null
  if (stateless && vector.expect === 'ACCEPT' && problem != null) throw new Error(`${vector.name}: expected ACCEPT, got ${problem}`)
  if (stateless && vector.expect !== 'ACCEPT' && problem !== vector.problem) throw new Error(`${vector.name}: expected ${vector.problem}, got ${problem ?? 'ACCEPT'}`)
}

// ---- advert.json: valid adverts -------------------------------------------------------

const full = advertFields()
const minimal: Json = {
  peer_id: peerIdHex('farmer'),
  farm: 'f',
  country: 'NL',
  city: '',
  total: resources(1, 2_000_000_000, 0, 0, 0),
  free: resources(0, 0, 0, 0, 0),
  capabilities: [],
  gateway_domain: '',
  price: { currency: 'TFT', cu_hour_micro: '0', su_hour_micro: '0', ipv4_hour_micro: '0' },
  addresses: [],
  version: '',
  seq: '1',
  issued_at_ms: String(T0),
  expires_at_ms: String(T0 + HOUR)
}

/** An advert padded (in `version`) so that its marshalled envelope is exactly `size` bytes. */
async function paddedFields (size: number): Promise<Json> {
  for (let pad = size - 400; pad < size; pad++) {
    const fields = advertFields({ version: 'p2pcloud/0.1.0+' + 'x'.repeat(pad) })
    const payload = capacityMessages.Advert.encode(wireAdvert(fields))
    const env = await envelopeOf(payload)
    if (env.encoded.length / 2 === size) return fields
    if (env.encoded.length / 2 > size) break
  }
  throw new Error(`no padding gives an envelope of ${size} bytes`)
}

export async function generateVectors (): Promise<VectorFiles> {
  const files: Json = {}

  files['advert.json'] = {
    protocol: CAPACITY_PROTOCOL,
    description: 'Valid adverts (payload type /p2pcloud/capacity/advert, domain p2pcloud-capacity) and the boundaries of the time and size checks. Every vector is ACCEPT for a receiver that holds no advert of this farmer yet.',
    keys: keysJson(['farmer']),
    vectors: [
      await advertVector('advert-full', 'A farmer with every field set: gateway capability with its domain, two listen addresses (/ip4/203.0.113.7/tcp/4050, /ip6/2001:db8::7/tcp/4050), lifetime 10 min, seq = issued_at_ms.', full),
      await advertVector('advert-minimal', 'Smallest useful advert: seq 1, empty city, no capabilities, no addresses, all free capacity zero (free is present and encodes as 32 00), zero prices, lifetime exactly the 1 h maximum.', minimal),
      await advertVector('expired-within-skew', 'advert-full checked 1 ms before it counts as expired: expires_at_ms + 5 min > now.', full, { nowMs: T0 + TTL + SKEW - 1 }),
      await advertVector('future-within-skew', 'Issued exactly 5 min after the receiver\'s now: issued_at_ms <= now + 5 min.', advertFields({ seq: String(NOW + SKEW), issued_at_ms: String(NOW + SKEW), expires_at_ms: String(NOW + SKEW + TTL) })),
      await advertVector('advert-half-core-free', 'advert-full with 5.5 of its 8 cores free after bookings of half cores: free cru 5 and cru_milli 500 (field 6 of Resources).', advertFields({ free: { ...resources(5, 24 * GiB, 800_000_000_000, 4_000_787_030_016, 1), cru_milli: 500 } })),
      await advertVector('largest', 'An envelope of exactly 8192 bytes (version padded), the largest allowed.', await paddedFields(8192))
    ]
  }

  // ---- advert-invalid.json: one broken rule per vector ----------------------------------

  const invalid: Json[] = []
  invalid.push({
    name: 'malformed-envelope',
    description: 'Not a signed envelope: field 1 claims 5 bytes but only 2 follow.',
    message: 'Envelope',
    envelope: { encoded: '0a050102' },
    now_ms: String(NOW),
    expect: 'REJECT',
    problem: 'MALFORMED'
  })
  await check(invalid[0])
  invalid.push(await advertVector('key-type', 'advert-full of a secp256k1 peer, signed by that peer (subject = signer holds): p2pcloud records are signed with Ed25519 only.', advertFields({ peer_id: peerIdHex('secp256k1') }), { expect: 'REJECT', problem: 'KEY_TYPE', envelope: { signer: 'secp256k1' } }))
  invalid.push(await advertVector('wrong-payload-type', 'advert-full in an envelope whose payload type is /p2pcloud/capacity/adverts.', full, { expect: 'REJECT', problem: 'PAYLOAD_TYPE', envelope: { payloadType: '/p2pcloud/capacity/adverts' } }))
  invalid.push(await advertVector('wrong-domain', 'advert-full signed for the domain p2pcloud-contract: the signature does not verify for p2pcloud-capacity.', full, { expect: 'REJECT', problem: 'BAD_SIGNATURE', envelope: { domain: 'p2pcloud-contract' } }))
  invalid.push(await advertVector('bad-signature', 'advert-full with bit 0 of signature byte 0 flipped after signing (see "tamper").', full, { expect: 'REJECT', problem: 'BAD_SIGNATURE', envelope: { tamper: { byte: 0, xor: 1 } } }))
  {
    const payload = unhex('ffff')
    const vector = { name: 'payload-undecodable', description: 'A correctly signed envelope whose payload (ff ff) is not a protobuf message.', message: 'Advert', encoded: 'ffff', envelope: await envelopeOf(payload), now_ms: String(NOW), expect: 'REJECT', problem: 'DECODE' }
    await check(vector)
    invalid.push(vector)
  }
  invalid.push(await advertVector('subject-not-signer', 'peer_id names the "other" key, but the farmer key signed it.', advertFields({ peer_id: peerIdHex('other') }), { expect: 'REJECT', problem: 'SUBJECT' }))
  invalid.push(await advertVector('farm-empty', 'Empty farm name.', advertFields({ farm: '' }), { expect: 'REJECT', problem: 'FARM' }))
  invalid.push(await advertVector('farm-bad-start', 'Farm name starting with "-".', advertFields({ farm: '-ghent' }), { expect: 'REJECT', problem: 'FARM' }))
  invalid.push(await advertVector('country-lower-case', 'Country "be" instead of "BE".', advertFields({ country: 'be' }), { expect: 'REJECT', problem: 'COUNTRY' }))
  invalid.push(await advertVector('city-too-long', 'City of 65 characters.', advertFields({ city: 'x'.repeat(65) }), { expect: 'REJECT', problem: 'CITY' }))
  invalid.push(await advertVector('capability-bad-name', 'Capability "GPU" (upper case).', advertFields({ capabilities: ['GPU', 'container'] }), { expect: 'REJECT', problem: 'CAPABILITIES' }))
  invalid.push(await advertVector('capabilities-too-many', '17 capabilities.', advertFields({ capabilities: Array.from({ length: 17 }, (_, i) => `cap-${String(i).padStart(2, '0')}`), gateway_domain: '' }), { expect: 'REJECT', problem: 'CAPABILITIES' }))
  invalid.push(await advertVector('addresses-too-many', '17 addresses (/ip4/203.0.113.7/tcp/4050 to /tcp/4066).', advertFields({ addresses: Array.from({ length: 17 }, (_, i) => hex(multiaddr(`/ip4/203.0.113.7/tcp/${4050 + i}`).bytes)) }), { expect: 'REJECT', problem: 'ADDRESSES' }))
  invalid.push(await advertVector('free-over-total', 'free.cru 9 > total.cru 8.', advertFields({ free: resources(9, 24 * GiB, 800_000_000_000, 4_000_787_030_016, 1) }), { expect: 'REJECT', problem: 'FREE_OVER_TOTAL' }))
  invalid.push(await advertVector('cru-milli-whole-core', 'free cru_milli 1000: whole cores belong in cru, so cru_milli is at most 999.', advertFields({ free: { ...resources(5, 24 * GiB, 800_000_000_000, 4_000_787_030_016, 1), cru_milli: 1000 } }), { expect: 'REJECT', problem: 'DECODE' }))
  invalid.push(await advertVector('seq-zero', 'seq 0 (field 12 absent).', advertFields({ seq: '0' }), { expect: 'REJECT', problem: 'SEQ' }))
  invalid.push(await advertVector('expires-not-after-issued', 'expires_at_ms = issued_at_ms.', advertFields({ expires_at_ms: String(T0) }), { expect: 'REJECT', problem: 'TIMES' }))
  invalid.push(await advertVector('lifetime-too-long', 'expires_at_ms - issued_at_ms = 1 h + 1 ms.', advertFields({ expires_at_ms: String(T0 + HOUR + 1) }), { expect: 'REJECT', problem: 'LIFETIME' }))
  invalid.push(await advertVector('issued-in-future', 'Issued 5 min + 1 ms after the receiver\'s now.', advertFields({ seq: String(NOW + SKEW + 1), issued_at_ms: String(NOW + SKEW + 1), expires_at_ms: String(NOW + SKEW + 1 + TTL) }), { expect: 'REJECT', problem: 'FUTURE' }))
  invalid.push(await advertVector('expired', 'advert-full checked at now = expires_at_ms + 5 min: expired, allowing for skew.', full, { nowMs: T0 + TTL + SKEW, expect: 'REJECT', problem: 'EXPIRED' }))
  invalid.push(await advertVector('oversized', 'An envelope of 8193 bytes (version padded), one over the limit; the size is checked before anything else.', await paddedFields(8193), { expect: 'REJECT', problem: 'TOO_LARGE' }))

  files['advert-invalid.json'] = {
    protocol: CAPACITY_PROTOCOL,
    description: 'Adverts that break exactly one rule of protocols/capacity.md §5.1 each; "problem" names the rule. Every one is REJECT on the gossip topic, refused by the DHT validator, and not a valid capacity response.',
    keys: keysJson(['farmer', 'other', 'secp256k1']),
    vectors: invalid
  }

  // ---- gossip-order.json: outcomes that depend on what the receiver already holds --------

  const second = advertFields({ free: resources(4, 16 * GiB, 800_000_000_000, 4_000_787_030_016, 1), seq: String(T0 + 500), issued_at_ms: String(T0 + 500), expires_at_ms: String(T0 + 500 + TTL) })
  const equivocation = advertFields({ free: resources(8, 32 * GiB, 1_000_204_886_016, 4_000_787_030_016, 2) })
  const at = (ms: number): Json => ({ seq: String(T0 + ms), issued_at_ms: String(T0 + ms), expires_at_ms: String(T0 + ms + TTL) })
  const leavingFields = advertFields({ ...at(1000), leaving: true })
  const backFields = advertFields(at(2000))
  const ordered = [
    await advertVector('first', 'advert-full (seq T0) reaching a receiver that holds nothing of this farmer.', full),
    await advertVector('newer', 'The next advert, 500 ms later after a booking (seq = issued_at_ms = T0 + 500), when the receiver holds "first".', second, { extra: { known: ['first'] } }),
    await advertVector('stale', '"first" again when the receiver already holds "newer": a stale seq. The receiver keeps "newer".', full, { expect: 'REJECT', problem: 'STALE', extra: { known: ['first', 'newer'] } }),
    await advertVector('duplicate', '"first" again, byte for byte, when the receiver holds "first" (for example re-published in another gossipsub message).', full, { expect: 'IGNORE', problem: 'DUPLICATE', extra: { known: ['first'] } }),
    await advertVector('equivocation', 'Same seq as "first" but other content (free = total): the farmer contradicts itself. The receiver keeps "first".', equivocation, { expect: 'REJECT', problem: 'CONFLICT', extra: { known: ['first'] } }),
    await advertVector('leaving', 'The farmer stops cleanly (seq T0 + 1000, leaving = true) when the receiver holds "newer": accepted and forwarded, and the receiver no longer holds the farmer (held_after false).', leavingFields, { extra: { known: ['first', 'newer'], held_after: false } }),
    await advertVector('leaving-duplicate', '"leaving" again (from another gossip peer, or the DHT record) after the receiver accepted it.', leavingFields, { expect: 'IGNORE', problem: 'DUPLICATE', extra: { known: ['first', 'leaving'], held_after: false } }),
    await advertVector('after-leaving-stale', '"newer" replayed after "leaving": older than the leaving seq the receiver remembers, so still stale, and the farmer stays gone.', second, { expect: 'REJECT', problem: 'STALE', extra: { known: ['first', 'leaving'], held_after: false } }),
    await advertVector('back', 'The farmer starts again (seq T0 + 2000, no leaving) after "leaving": accepted, and held again.', backFields, { extra: { known: ['first', 'leaving'], held_after: true } })
  ]
  files['gossip-order.json'] = {
    protocol: CAPACITY_PROTOCOL,
    description: 'Gossip validation outcomes that depend on the receiver\'s state: "known" lists the vectors of this file the receiver accepted before, in order. Each vector on its own is a valid advert.',
    keys: keysJson(['farmer']),
    vectors: ordered
  }

  // ---- stream.json: /p2pcloud/capacity/1.0.0 ---------------------------------------------

  const fullEnvelope = files['advert.json'].vectors[0].envelope.encoded
  function streamVector (name: string, description: string, message: 'CapacityRequest' | 'CapacityResponse', fields: Json, wire: any, rest: Json): Json {
    const encoded = capacityMessages[message].encode(wire)
    return { name, description, message, fields, ...vectorKit.encodedAndFrame(encoded), ...rest }
  }
  const otherFull = await advertVector('other-full', '', advertFields({ peer_id: peerIdHex('other'), farm: 'other-farm' }), { envelope: { signer: 'other' } })
  files['stream.json'] = {
    protocol: CAPACITY_PROTOCOL,
    description: 'The request and responses of the /p2pcloud/capacity/1.0.0 stream protocol, with their frames (uvarint length prefix + message).',
    keys: keysJson(['farmer', 'other']),
    vectors: [
      streamVector('request', 'CapacityRequest has no fields: the message is empty and its frame is the single byte 00.', 'CapacityRequest', {}, {}, { expect: 'ACCEPT' }),
      streamVector('response-advert', 'The farmer\'s answer: its current signed advert (advert-full of advert.json). The initiator asked "remote_peer" and verifies the advert as of now_ms.', 'CapacityResponse', { advert_envelope: fullEnvelope }, { advertEnvelope: unhex(fullEnvelope) }, { remote_peer: keys.farmer.peerId.toString(), now_ms: String(NOW), expect: 'ACCEPT' }),
      streamVector('response-not-found', 'A peer that is not a farmer (or has no advert yet) answers NOT_FOUND, in its own words.', 'CapacityResponse',
        { error: { code: 'NOT_FOUND', message: 'this peer is not a farmer; it has no capacity to advertise', retry_after_ms: '0' } },
        { error: { code: 'NOT_FOUND', message: 'this peer is not a farmer; it has no capacity to advertise', retryAfterMs: 0 } }, { expect: 'NOT_FOUND' }),
      streamVector('response-rate-limited', 'Over the per-peer rate: RATE_LIMITED with retry_after_ms.', 'CapacityResponse',
        { error: { code: 'RATE_LIMITED', message: 'too many requests; retry in 1500 ms', retry_after_ms: '1500' } },
        { error: { code: 'RATE_LIMITED', message: 'too many requests; retry in 1500 ms', retryAfterMs: 1500 } }, { expect: 'RATE_LIMITED' }),
      streamVector('response-other-peer', 'A valid advert, but of another peer than the one asked ("remote_peer" is the farmer, the advert is the "other" key\'s): the initiator MUST NOT use it.', 'CapacityResponse',
        { advert_envelope: otherFull.envelope.encoded }, { advertEnvelope: unhex(otherFull.envelope.encoded) }, { remote_peer: keys.farmer.peerId.toString(), now_ms: String(NOW), expect: 'UNAUTHORIZED' })
    ]
  }

  // ---- dht.json: the advert record, its selector and the provider index keys ----------

  const dhtValidate = advertDhtRecords.dhtValidators!['p2pcloud-adv']
  const dhtSelect = advertDhtRecords.dhtSelectors!['p2pcloud-adv']
  function recordVector (name: string, description: string, owner: KeyName, envelope: vectorKit.EnvelopeJson, expect: string, problem?: string): Json {
    const key = fromUtf8(advertKey(keys[owner].peerId.toString()))
    return { name, description, message: 'DhtRecord', fields: { key }, encoded: hex(utf8(key)), envelope, now_ms: String(NOW), expect, ...(problem != null ? { problem } : {}) }
  }
  const fullEnv = files['advert.json'].vectors[0].envelope
  const records = [
    recordVector('record', 'advert-full stored under its own key /p2pcloud-adv/<farmer peer id>.', 'farmer', fullEnv, 'ACCEPT'),
    recordVector('record-wrong-key', 'advert-full (the farmer\'s) stored under the key of the "other" peer: refused.', 'other', fullEnv, 'REJECT', 'KEY')
  ]
  for (const r of records) {
    const outcome = await atTime(NOW, async () => Promise.resolve(dhtValidate(utf8(r.fields.key), unhex(r.envelope.encoded))).then(() => 'ACCEPT', (err: any) => err.problem))
    if (outcome !== (r.problem ?? 'ACCEPT')) throw new Error(`${r.name}: validator says ${outcome}`)
  }
  const forged = await advertVector('forged-newest', '', advertFields({ seq: String(T0 + 1000), issued_at_ms: String(T0 + 1000), expires_at_ms: String(T0 + 1000 + TTL) }), { expect: 'REJECT', problem: 'BAD_SIGNATURE', envelope: { tamper: { byte: 0, xor: 1 } } })
  const candidates = [fullEnv.encoded, ordered[1].envelope.encoded, forged.envelope.encoded]
  const best = await atTime(NOW, async () => dhtSelect(advertKey(keys.farmer.peerId.toString()), candidates.map(unhex)))
  if (best !== 1) throw new Error(`selector picked ${best}`)
  const select = {
    name: 'select-highest-seq',
    description: 'Three values for /p2pcloud-adv/<farmer>: advert-full (seq T0), gossip-order "newer" (seq T0 + 500) and a copy of seq T0 + 1000 with a broken signature. The selector picks index 1: the highest seq among the valid ones.',
    message: 'DhtSelect',
    fields: { key: fromUtf8(advertKey(keys.farmer.peerId.toString())) },
    values: candidates,
    now_ms: String(NOW),
    expect: 'ACCEPT',
    best: 1
  }
  const indexVectors: Json[] = []
  const indexKeys: IndexKey[] = [{ kind: 'farmers' }, { kind: 'country', country: 'BE' }, { kind: 'capability', capability: 'container' }, { kind: 'capability', capability: 'gateway' }]
  for (const key of indexKeys) {
    const cid = await indexKeyCid(key)
    const name = indexKeyName(key)
    indexVectors.push({
      name: `index-${name.slice('p2pcloud:'.length).replace(':', '-')}`,
      description: `Provider index key "${name}": CIDv1, raw codec, sha2-256 of the UTF-8 name. "encoded" is the multihash, the key kad-dht sends in ADD_PROVIDER / GET_PROVIDERS.`,
      message: 'IndexKey',
      fields: { name },
      cid: cid.toString(),
      encoded: hex(cid.multihash.bytes),
      expect: 'ACCEPT'
    })
  }
  files['dht.json'] = {
    protocol: CAPACITY_PROTOCOL,
    description: 'The DHT record /p2pcloud-adv/<peer id> (validator and selector) and the provider index keys.',
    keys: keysJson(['farmer', 'other']),
    vectors: [...records, select, ...indexVectors]
  }

  // ---- sanity: the stateful outcomes with our directory ----------------------------------

  {
    const byName = vectorKit.byName(ordered)
    for (const v of ordered) {
      const directory = new Directory(new MemoryDatastore(), () => NOW)
      for (const name of v.known ?? []) await directory.admit(await verifyAdvert(unhex(byName.get(name).envelope.encoded), NOW), 'gossip')
      const admission = await directory.admit(await verifyAdvert(unhex(v.envelope.encoded), NOW), 'gossip')
      const want = ({ ACCEPT: 'accepted', IGNORE: 'duplicate' } as Json)[v.expect] ?? ({ STALE: 'stale', CONFLICT: 'conflict' } as Json)[v.problem]
      if (admission !== want) throw new Error(`${v.name}: directory says ${admission}`)
      if (v.held_after != null && (directory.get(keys.farmer.peerId.toString()) != null) !== v.held_after) throw new Error(`${v.name}: held afterwards is not ${String(v.held_after)}`)
    }
  }

  return Object.fromEntries(Object.entries(files).map(([name, content]) => [`capacity/${name}`, content]))
}
