import { ACCEPTANCE_RECORD, CONTRACT_PROTOCOL, QUOTE_RECORD, RECEIPT_RECORD, contractMessages, vectorKit } from '@p2pcloud/wire'
import type { VectorFiles } from '@p2pcloud/test-utils'
import { computeUnits, pricePerHour, storageUnits, toMicro } from '@p2pcloud/capacity'
import { contractIdOf, openQuote, openReceipt, signAcceptance, signProposal, signQuote, signReceipt, usageOf } from '../src/index.js'
import { RECORDS, amount as resourcesOf, policy, recordOutcome, replayStream, twinOutcome, wireRequest, wireResponse } from './contract-fields.js'

/**
 * The generator of the contract protocol's vectors, protocols/vectors/contract/*.json (format:
 * protocols/README.md §8.1; what each file covers: protocols/contract.md §9), which
 * vectors.test.ts checks. Deterministic: fixed Ed25519 keys from published seeds, fixed times and
 * a fixed quote nonce, so running it again writes the same bytes. Before giving the files, it
 * replays every request of stream.json against the js farmer (Ledger + contractResponder) and
 * checks that it answers exactly the response written, usage receipts included. Run by
 * `npm run vectors`.
 */

type Json = vectorKit.Json
const { hex, unhex, seedFrom } = vectorKit

// ---- keys (tests only) ----------------------------------------------------------------

const keys = {
  farmer: await vectorKit.ed25519Key(seedFrom(0x00)), // the key of protocols/README.md §5.3
  twin: await vectorKit.ed25519Key(seedFrom(0x20)), // "other" in the capacity vectors
  other: await vectorKit.ed25519Key(seedFrom(0x40))
}
type KeyName = keyof typeof keys
const keysJson = (names: KeyName[]): Json => vectorKit.keysJson(keys, names)
const peerIdHex = (name: KeyName): string => vectorKit.peerIdHex(keys[name])

// ---- times and amounts ------------------------------------------------------------------

const T0 = 1767225600000 // 2026-01-01T00:00:00Z
const SECOND = 1000
const HOUR = 3_600_000
const DAY = 86_400_000
const LEASE = 30 * DAY // 2 592 000 000: in [2^31, 2^32), the range protons' bigint path mis-encodes
const QUOTE_VALIDITY = 60_000
const GRACE = DAY
const RECEIPT_PERIOD = HOUR // the js default (farmer.receiptPeriodSeconds 3600)
const NONCE = 'a0a1a2a3a4a5a6a7a8a9aaabacadaeaf'

/** An Amount in fields, from numbers. */
const amount = vectorKit.resourcesJson
const TOTAL = amount(8, 32_000_000_000, 1_000_000_000_000, 4_000_000_000_000, 2)
const ASKED = amount(2, 8_000_000_000, 50_000_000_000, 1_200_000_000_000, 1)
const PRICE = { currency: 'TFT', cu_hour_micro: '100000', su_hour_micro: '50000', ipv4_hour_micro: '20000' }

// ---- envelopes ----------------------------------------------------------------------------

interface EnvelopeOptions { signer: KeyName, domain?: string, payloadType?: string, tamper?: vectorKit.Tamper }
/** Sign `payload` as `signer` and describe the envelope; `tamper` flips bits of the signature afterwards. */
async function envelopeOf (payload: Uint8Array, record: { domain: string, payloadType: string }, { signer, domain = record.domain, payloadType = record.payloadType, tamper }: EnvelopeOptions): Promise<vectorKit.EnvelopeJson> {
  return vectorKit.envelopeOf(payload, keys[signer].privateKey, { signer, domain, payloadType, tamper })
}

interface RecordOptions { signer: KeyName, expect?: string, envelope?: Omit<EnvelopeOptions, 'signer'>, expectedSigner?: KeyName, extra?: Json }
/** One signed record vector: fields → encoded payload → envelope; the outcome checked with our receiver. */
async function recordVector (name: string, description: string, message: keyof typeof RECORDS, fields: Json, { signer, expect = 'ACCEPT', envelope = {}, expectedSigner, extra = {} }: RecordOptions): Promise<Json> {
  const payload = RECORDS[message].encode(fields)
  const env = await envelopeOf(payload, RECORDS[message].kind, { signer, ...envelope })
  const vector = {
    name,
    description,
    message,
    fields,
    encoded: hex(payload),
    envelope: env,
    ...(envelope.tamper != null ? { tamper: envelope.tamper } : {}),
    ...(expectedSigner != null ? { expected_signer: expectedSigner } : {}),
    ...extra,
    expect
  }
  const got = await recordOutcome(message, unhex(env.encoded), expectedSigner != null ? keys[expectedSigner].peerId : undefined, extra.expected_contract_id)
  if (got !== expect) throw new Error(`${name}: expected ${expect}, our receiver says ${got}`)
  return vector
}

export async function generateVectors (): Promise<VectorFiles> {

  const quoteFields = (overrides: Json = {}): Json => ({
    farmer: peerIdHex('farmer'),
    twin: peerIdHex('twin'),
    resources: ASKED,
    currency: PRICE.currency,
    price_per_hour_micro: String(toMicro(pricePerHour(resourcesOf(ASKED), policy(PRICE)))),
    lease_ms: String(LEASE),
    valid_until_ms: String(T0 + QUOTE_VALIDITY),
    nonce: NONCE,
    ...overrides
  })
  if (quoteFields().price_per_hour_micro !== '282500') throw new Error(`price is ${quoteFields().price_per_hour_micro}`)

  const quote = await recordVector('quote', 'The farmer\'s quote for the twin, made at T0: 2 cores, 8 GB RAM, 50 GB SSD, 1.2 TB HDD, 1 IPv4 for a 30-day lease (lease_ms 2592000000), good for 60 s, nonce a0…af. Price under "price_policy": CU 2, SU 1.25, 1 IPv4 → 2 × 0.1 + 1.25 × 0.05 + 1 × 0.02 = 0.2825 TFT/h = 282500 micro.',
    'Quote', quoteFields(), { signer: 'farmer', extra: { price_policy: PRICE } })
  const quoteEnvelope = quote.envelope.encoded
  {
    // the application encoder (what a farmer signs) gives the same bytes
    const again = await signQuote({ ...(await openQuote(unhex(quoteEnvelope))) }, keys.farmer.privateKey)
    if (hex(again) !== quoteEnvelope) throw new Error('signQuote gives other bytes')
  }

  const CREATED = T0 + 5 * SECOND
  const proposal = await recordVector('proposal', 'The twin\'s proposal on "quote", created at T0 + 5 s. quote_envelope is the quote\'s marshalled envelope, byte for byte.',
    'Proposal', { quote_envelope: quoteEnvelope, twin: peerIdHex('twin'), created_at_ms: String(CREATED) }, { signer: 'twin' })
  const proposalEnvelope = proposal.envelope.encoded
  if (hex(await signProposal(unhex(quoteEnvelope), keys.twin.id, CREATED, keys.twin.privateKey)) !== proposalEnvelope) throw new Error('signProposal gives other bytes')
  const contractId = contractIdOf(unhex(proposalEnvelope))
  const contractIdVector = {
    name: 'contract-id',
    description: 'The contract id of "proposal": sha2-256 over its marshalled envelope. "encoded" is the 32-byte digest (contract_id fields carry these bytes); "contract_id" is its text form, lowercase hex.',
    message: 'ContractId',
    fields: { proposal_envelope: proposalEnvelope },
    encoded: contractId,
    contract_id: contractId,
    expect: 'ACCEPT'
  }

  const BOOKED = T0 + 6 * SECOND
  const acceptance1Fields = { contract_id: contractId, lease_start_ms: String(BOOKED), lease_end_ms: String(BOOKED + LEASE), accepted_at_ms: String(BOOKED), version: '1' }
  const acceptance1 = await recordVector('acceptance', 'The farmer\'s acceptance of "proposal", booked at T0 + 6 s: version 1, lease from T0 + 6 s for the quoted 30 days.',
    'Acceptance', acceptance1Fields, { signer: 'farmer', expectedSigner: 'farmer' })
  const RENEWED = T0 + 10 * DAY
  const acceptance2Fields = { ...acceptance1Fields, lease_end_ms: String(RENEWED + LEASE), accepted_at_ms: String(RENEWED), version: '2' }
  const acceptance2 = await recordVector('acceptance-renewed', 'The acceptance after a renewal at T0 + 10 days for 30 days: version 2, lease_start_ms unchanged, lease_end_ms = renewal time + lease_ms, accepted_at_ms = renewal time.',
    'Acceptance', acceptance2Fields, { signer: 'farmer', expectedSigner: 'farmer' })
  for (const [fields, v] of [[acceptance1Fields, acceptance1], [acceptance2Fields, acceptance2]] as Array<[Json, Json]>) {
    const again = await signAcceptance({ contractId: fields.contract_id, leaseStart: Number(fields.lease_start_ms), leaseEnd: Number(fields.lease_end_ms), acceptedAt: Number(fields.accepted_at_ms), version: Number(fields.version) }, keys.farmer.privateKey)
    if (hex(again) !== v.envelope.encoded) throw new Error(`${v.name}: signAcceptance gives other bytes`)
  }

  // Usage receipts: what the contract used over a period, priced by its quote (protocols/contract.md §4.9).
  const quoteTerms = { resources: ASKED, currency: PRICE.currency, price_per_hour_micro: quoteFields().price_per_hour_micro }
  function receiptFields (id: string, seq: number, start: number, end: number): Json {
    const hours = (end - start) / HOUR
    const r = resourcesOf(quoteTerms.resources)
    return {
      contract_id: id,
      seq: String(seq),
      period_start_ms: String(start),
      period_end_ms: String(end),
      cu_hours_milli: String(Math.round(computeUnits(r) * hours * 1000)),
      su_hours_milli: String(Math.round(storageUnits(r) * hours * 1000)),
      ipv4_hours_milli: String(Math.round(r.ipv4u * hours * 1000)),
      currency: quoteTerms.currency,
      amount_micro: String(Math.round(Number(quoteTerms.price_per_hour_micro) * hours))
    }
  }
  const receiptOptions: RecordOptions = { signer: 'farmer', expectedSigner: 'farmer', extra: { expected_contract_id: contractId, quote_terms: quoteTerms } }
  const receiptFields1 = receiptFields(contractId, 1, BOOKED, BOOKED + RECEIPT_PERIOD)
  const receipt = await recordVector('receipt', 'The farmer\'s first usage receipt of the contract: seq 1, the first full hour of the lease (from the booking at T0 + 6 s). CU 2, SU 1.25 and 1 IPv4 for 1 h give 2000, 1250 and 1000 thousandths; 1 h at 282500 micro/h is 282500. Opened as the twin does: signed by "expected_signer", about "expected_contract_id"; "quote_terms" are the quote\'s resources and price it is computed from.',
    'UsageReceipt', receiptFields1, receiptOptions)
  const receiptFieldsPartial = receiptFields(contractId, 2, BOOKED + RECEIPT_PERIOD, BOOKED + RECEIPT_PERIOD + 20 * 60_000)
  const receiptPartial = await recordVector('receipt-partial', 'The receipt of seq 2 the farmer would sign had the twin cancelled 20 minutes into the second hour (not what happens in stream.json): the last receipt ends at the cancellation. 1/3 h rounds each product on its own: round(2 × 1/3 × 1000) = 667, round(1.25 × 1/3 × 1000) = 417, round(1/3 × 1000) = 333, round(282500 / 3) = 94167.',
    'UsageReceipt', receiptFieldsPartial, receiptOptions)
  {
    // the numbers worked by hand, and what the js farmer computes and signs
    const want = [['2000', '1250', '1000', '282500'], ['667', '417', '333', '94167']]
    for (const [i, v] of [receipt, receiptPartial].entries()) {
      const f = v.fields
      if (JSON.stringify([f.cu_hours_milli, f.su_hours_milli, f.ipv4_hours_milli, f.amount_micro]) !== JSON.stringify(want[i])) throw new Error(`${v.name}: ${JSON.stringify(f)}`)
      const usage = usageOf(contractId, Number(f.seq), resourcesOf(quoteTerms.resources), Number(quoteTerms.price_per_hour_micro), quoteTerms.currency, Number(f.period_start_ms), Number(f.period_end_ms))
      if (hex(await signReceipt(usage, keys.farmer.privateKey)) !== v.envelope.encoded) throw new Error(`${v.name}: usageOf + signReceipt give other bytes`)
      if (JSON.stringify(await openReceipt(unhex(v.envelope.encoded), keys.farmer.id)) !== JSON.stringify(usage)) throw new Error(`${v.name}: openReceipt gives other values`)
    }
  }

  const files: Json = {}
  files['records.json'] = {
    protocol: CONTRACT_PROTOCOL,
    description: 'The signed records of the contract protocol (domain p2pcloud-contract): a quote (farmer), a proposal on it (twin), its contract id, the farmer\'s acceptance before and after a renewal, and two of the farmer\'s usage receipts. All are ACCEPT; acceptances and receipts are opened with "expected_signer" as the farmer, receipts for "expected_contract_id".',
    keys: keysJson(['farmer', 'twin']),
    vectors: [quote, proposal, contractIdVector, acceptance1, acceptance2, receipt, receiptPartial]
  }

  // ---- records-invalid.json: records a receiver refuses, with the code it answers ---------

  const invalid: Json[] = []
  invalid.push(await recordVector('proposal-twin-not-signer', '"proposal" (twin field = the twin) signed by "other": the twin field must name the signer.',
    'Proposal', proposal.fields, { signer: 'other', expect: 'INVALID_SIGNATURE' }))
  {
    const quoteForOther = await recordVector('quote-for-other', '', 'Quote', quoteFields({ twin: peerIdHex('other') }), { signer: 'farmer' })
    invalid.push(await recordVector('proposal-quote-for-other-twin', 'A proposal by the twin (correctly signed) carrying a valid quote the farmer made for "other" (the quote\'s twin is other\'s peer id): a quote is only good for the twin it names.',
      'Proposal', { quote_envelope: quoteForOther.envelope.encoded, twin: peerIdHex('twin'), created_at_ms: String(CREATED) }, { signer: 'twin', expect: 'UNAUTHORIZED' }))
  }
  invalid.push(await recordVector('acceptance-not-farmer', '"acceptance" signed by "other" and opened as the farmer\'s (expected_signer): only the farmer can accept.',
    'Acceptance', acceptance1Fields, { signer: 'other', expectedSigner: 'farmer', expect: 'INVALID_SIGNATURE' }))
  invalid.push(await recordVector('quote-wrong-domain', '"quote" signed for the domain p2pcloud-capacity: the signature does not verify for p2pcloud-contract.',
    'Quote', quote.fields, { signer: 'farmer', envelope: { domain: 'p2pcloud-capacity' }, expect: 'INVALID_SIGNATURE' }))
  invalid.push(await recordVector('quote-farmer-not-signer', '"quote" (farmer field = the farmer) signed by "other": the farmer field must name the signer.',
    'Quote', quote.fields, { signer: 'other', expect: 'INVALID_SIGNATURE' }))
  invalid.push(await recordVector('quote-wrong-payload-type', '"quote" in an envelope whose payload type is /p2pcloud/contract/acceptance.',
    'Quote', quote.fields, { signer: 'farmer', envelope: { payloadType: ACCEPTANCE_RECORD.payloadType }, expect: 'BAD_REQUEST' }))
  invalid.push(await recordVector('proposal-bad-signature', '"proposal" with bit 0 of signature byte 0 flipped after signing (see "tamper").',
    'Proposal', proposal.fields, { signer: 'twin', envelope: { tamper: { byte: 0, xor: 1 } }, expect: 'INVALID_SIGNATURE' }))
  {
    const badQuote = invalid.find(v => v.name === 'quote-wrong-domain')!.envelope.encoded
    invalid.push(await recordVector('proposal-inner-quote-bad', 'A correctly signed proposal by the twin whose quote_envelope is "quote-wrong-domain": the quote inside is checked as a quote, and refused.',
      'Proposal', { quote_envelope: badQuote, twin: peerIdHex('twin'), created_at_ms: String(CREATED) }, { signer: 'twin', expect: 'INVALID_SIGNATURE' }))
  }
  {
    // a quote whose envelope is 2049 bytes, one over QUOTE_RECORD.maxBytes (currency padded)
    let oversized: Json
    for (let pad = 1700; pad < 2049 && oversized == null; pad++) {
      const fields = quoteFields({ currency: 'X'.repeat(pad) })
      const env = await envelopeOf(RECORDS.Quote.encode(fields), QUOTE_RECORD, { signer: 'farmer' })
      if (env.encoded.length / 2 === QUOTE_RECORD.maxBytes + 1) oversized = fields
    }
    if (oversized == null) throw new Error('no padding gives a 2049-byte quote')
    invalid.push(await recordVector('quote-oversized', 'A quote envelope of 2049 bytes (currency padded), one over the 2048-byte limit: refused before anything is decoded.',
      'Quote', oversized, { signer: 'farmer', expect: 'TOO_LARGE' }))
  }
  // a proposal on "quote" made after it expired: a contract id that is not the twin's contract
  const late = await signProposal(unhex(quoteEnvelope), keys.twin.id, T0 + 61 * SECOND, keys.twin.privateKey)
  const lateId = contractIdOf(late)
  invalid.push(await recordVector('receipt-not-farmer', '"receipt" signed by "other" and opened as the farmer\'s (expected_signer): only the farmer signs receipts.',
    'UsageReceipt', receiptFields1, { ...receiptOptions, signer: 'other', expect: 'INVALID_SIGNATURE' }))
  invalid.push(await recordVector('receipt-other-contract', 'A receipt signed by the farmer, like "receipt" but about another contract (contract_id: the id of the proposal on "quote" created at T0 + 61 s), received when the twin asked for the receipts of "expected_contract_id": the twin refuses it.',
    'UsageReceipt', { ...receiptFields1, contract_id: lateId }, { ...receiptOptions, expect: 'UNAUTHORIZED' }))
  // checks 1–5 of an acceptance or a receipt answer with the quote's codes, not all INVALID_SIGNATURE (contract.md §5.5)
  invalid.push(await recordVector('acceptance-wrong-payload-type', '"acceptance" signed by the farmer in an envelope whose payload type is /p2pcloud/contract/receipt: check 4, BAD_REQUEST as for the quote.',
    'Acceptance', acceptance1Fields, { signer: 'farmer', expectedSigner: 'farmer', envelope: { payloadType: RECEIPT_RECORD.payloadType }, expect: 'BAD_REQUEST' }))
  invalid.push(await recordVector('receipt-wrong-domain', '"receipt" signed by the farmer for the domain p2pcloud-capacity: check 5, the signature does not verify for p2pcloud-contract.',
    'UsageReceipt', receiptFields1, { ...receiptOptions, envelope: { domain: 'p2pcloud-capacity' }, expect: 'INVALID_SIGNATURE' }))
  files['records-invalid.json'] = {
    protocol: CONTRACT_PROTOCOL,
    description: 'Signed records that a receiver (the farmer for quotes inside proposals and for proposals, the twin for quotes, acceptances and receipts) refuses; "expect" is the error code of protocols/contract.md §6 it answers or reports.',
    keys: keysJson(['farmer', 'twin', 'other']),
    vectors: invalid
  }

  // ---- stream.json: requests and responses, replayed against the js farmer ----------------

  const streamVectors: Json[] = []
  function messageVector (message: 'Request' | 'Response', name: string, description: string, fields: Json, rest: Json = {}): Json {
    const encoded = message === 'Request' ? contractMessages.Request.encode(wireRequest(fields)) : contractMessages.Response.encode(wireResponse(fields))
    const vector = { name, description, message, fields, ...vectorKit.encodedAndFrame(encoded), ...rest }
    streamVectors.push(vector)
    return vector
  }
  /** A request by `from` at `nowMs`, to `responder`, whose answer is the response vector `reply`. */
  function requestVector (name: string, description: string, fields: Json, { from = 'twin', nowMs, responder = 'farmer', reply, expect }: { from?: KeyName, nowMs: number, responder?: string, reply: string, expect: string }): Json {
    return messageVector('Request', name, description, fields, { from, responder, now_ms: String(nowMs), reply, expect })
  }
  function responseVector (name: string, description: string, fields: Json, { inReplyTo, expect }: { inReplyTo: string, expect: string }): Json {
    return messageVector('Response', name, description, fields, { in_reply_to: inReplyTo, remote_peer: keys.farmer.id, expect })
  }
  const errorFields = (code: string, message: string, retryAfterMs = 0): Json => ({ error: { code, message, retry_after_ms: String(retryAfterMs) } })
  const contractFields = (acceptanceEnvelope: string, state: string, stateChangedMs: number, proposalEnv: string = proposalEnvelope): Json => ({
    contract_id: contractIdOf(unhex(proposalEnv)),
    proposal_envelope: proposalEnv,
    acceptance_envelope: acceptanceEnvelope,
    state,
    state_changed_ms: String(stateChangedMs)
  })
  const activeV1 = contractFields(acceptance1.envelope.encoded, 'ACTIVE', BOOKED)
  const activeV2 = contractFields(acceptance2.envelope.encoded, 'ACTIVE', BOOKED)
  const CANCELLED_AT = T0 + 20 * DAY
  const cancelled = contractFields(acceptance2.envelope.encoded, 'CANCELLED', CANCELLED_AT)
  const ref = { contract_id: contractId }
  const TOO_MUCH = amount(8, 8_000_000_000, 0, 0, 0)

  requestVector('request-quote', 'The twin asks for a quote at T0: the resources of "quote" for 30 days.', { quote: { resources: ASKED, lease_ms: String(LEASE) } }, { nowMs: T0, reply: 'response-quote', expect: 'ACCEPT' })
  responseVector('response-quote', 'The farmer\'s signed quote ("quote" of records.json). The js farmer draws a random nonce, so a replay matches every field but the nonce.', { quote_envelope: quoteEnvelope }, { inReplyTo: 'request-quote', expect: 'ACCEPT' })
  requestVector('request-propose-relayed', 'The twin\'s proposal, sent by "other" at T0 + 5.5 s before the twin sent it: the stream\'s remote peer must be the twin.', { proposal_envelope: proposalEnvelope }, { from: 'other', nowMs: T0 + 5500, reply: 'response-unauthorized', expect: 'UNAUTHORIZED' })
  responseVector('response-unauthorized', 'UNAUTHORIZED, in the farmer\'s words.', errorFields('UNAUTHORIZED', `the proposal is signed by ${keys.twin.id}, but ${keys.other.id} sent it`), { inReplyTo: 'request-propose-relayed', expect: 'UNAUTHORIZED' })
  requestVector('request-propose', 'The twin sends "proposal" at T0 + 6 s: the farmer books it (capacity reserved, contract and reservation on disk) and answers.', { proposal_envelope: proposalEnvelope }, { nowMs: BOOKED, reply: 'response-propose', expect: 'ACCEPT' })
  responseVector('response-propose', 'The booked contract: id, the proposal byte for byte, "acceptance" (version 1), ACTIVE since T0 + 6 s.', { contract: activeV1 }, { inReplyTo: 'request-propose', expect: 'ACCEPT' })
  requestVector('request-propose-retry', 'The same proposal bytes again at T0 + 7 s (the twin never saw the answer): the same contract, booked once. The answer is "response-propose" byte for byte.', { proposal_envelope: proposalEnvelope }, { nowMs: T0 + 7 * SECOND, reply: 'response-propose', expect: 'ACCEPT' })
  {
    // a quote books once (contract.md §4.3): a proposal re-signed on it is answered with the contract booked, whose id is not this proposal's
    const resigned = await signProposal(unhex(quoteEnvelope), keys.twin.id, T0 + 7500, keys.twin.privateKey)
    requestVector('request-propose-resigned', 'A new proposal on "quote" (created_at_ms T0 + 7.5 s, so another contract id) sent at T0 + 7.5 s: the quote already booked, so the farmer answers with that contract and books nothing.', { proposal_envelope: hex(resigned) }, { nowMs: T0 + 7500, reply: 'response-propose-resigned', expect: 'ACCEPT' })
    responseVector('response-propose-resigned', 'The contract booked by "proposal", byte for byte "response-propose". The twin accepts it although its id is not the id of the proposal it sent: the contract\'s proposal is its own and holds the same quote_envelope byte for byte (contract.md §4.8 check 4).', { contract: activeV1 }, { inReplyTo: 'request-propose-resigned', expect: 'ACCEPT' })
  }
  requestVector('request-propose-by-other', 'The booked proposal sent by "other" at T0 + 8 s: the contract is not other\'s, so it does not exist for other.', { proposal_envelope: proposalEnvelope }, { from: 'other', nowMs: T0 + 8 * SECOND, reply: 'response-not-found', expect: 'NOT_FOUND' })
  responseVector('response-not-found', 'NOT_FOUND: no such contract (for this requester).', errorFields('NOT_FOUND', 'no such contract'), { inReplyTo: 'request-get-by-other', expect: 'NOT_FOUND' })
  requestVector('request-quote-too-much', 'At T0 + 9 s the twin asks for 8 cores while 6 are free (2 are booked).', { quote: { resources: TOO_MUCH, lease_ms: String(LEASE) } }, { nowMs: T0 + 9 * SECOND, reply: 'response-insufficient-capacity', expect: 'INSUFFICIENT_CAPACITY' })
  responseVector('response-insufficient-capacity', 'INSUFFICIENT_CAPACITY naming, for each unit that does not fit, the amount asked and the amount free.', errorFields('INSUFFICIENT_CAPACITY', 'not enough free capacity: asked cru=8, free cru=6'), { inReplyTo: 'request-quote-too-much', expect: 'INSUFFICIENT_CAPACITY' })
  requestVector('request-propose-expired', 'A new proposal on "quote" (created_at_ms T0 + 61 s, so another contract id) sent at T0 + 61 s, after the quote\'s valid_until_ms (T0 + 60 s).', { proposal_envelope: hex(late) }, { nowMs: T0 + 61 * SECOND, reply: 'response-quote-expired', expect: 'QUOTE_EXPIRED' })
  responseVector('response-quote-expired', 'QUOTE_EXPIRED: ask for a new quote.', errorFields('QUOTE_EXPIRED', 'the quote expired at 2026-01-01T00:01:00.000Z; ask for a new one'), { inReplyTo: 'request-propose-expired', expect: 'QUOTE_EXPIRED' })
  requestVector('request-get-by-other', '"other" asks for the twin\'s contract at T0 + 62 s: NOT_FOUND, exactly as for an id that does not exist.', { get: ref }, { from: 'other', nowMs: T0 + 62 * SECOND, reply: 'response-not-found', expect: 'NOT_FOUND' })
  requestVector('request-two-calls', 'A request that sets both get and list.', { get: ref, list: {} }, { nowMs: T0 + 63 * SECOND, reply: 'response-bad-request-two', expect: 'BAD_REQUEST' })
  responseVector('response-bad-request-two', 'BAD_REQUEST: a request makes exactly one call.', errorFields('BAD_REQUEST', 'a request makes exactly one call; this one makes get and list'), { inReplyTo: 'request-two-calls', expect: 'BAD_REQUEST' })
  requestVector('request-empty', 'A request that sets no call: the empty message, frame 00.', {}, { nowMs: T0 + 64 * SECOND, reply: 'response-bad-request-none', expect: 'BAD_REQUEST' })
  responseVector('response-bad-request-none', 'BAD_REQUEST: a request makes exactly one call.', errorFields('BAD_REQUEST', 'a request makes exactly one call; this one makes none'), { inReplyTo: 'request-empty', expect: 'BAD_REQUEST' })
  const RECEIPTED = BOOKED + RECEIPT_PERIOD
  requestVector('request-receipts', 'At T0 + 6 s + 1 h, one full receipt period after the booking, the twin asks for the contract\'s receipts from the start (after_seq 0, so the field is not encoded). The farmer has signed the first one as the period ended.', { receipts: { contract_id: contractId, after_seq: '0' } }, { nowMs: RECEIPTED, reply: 'response-receipts', expect: 'ACCEPT' })
  responseVector('response-receipts', 'The one receipt signed so far: "receipt" of records.json (seq 1, the first hour), byte for byte.', { receipt_envelopes: [receipt.envelope.encoded] }, { inReplyTo: 'request-receipts', expect: 'ACCEPT' })
  requestVector('request-receipts-after', 'One second later the twin asks only for the receipts after seq 1, the last it holds.', { receipts: { contract_id: contractId, after_seq: '1' } }, { nowMs: RECEIPTED + SECOND, reply: 'response-receipts-empty', expect: 'ACCEPT' })
  responseVector('response-receipts-empty', 'No receipt after seq 1 yet: no field set, the empty message, frame 00.', { receipt_envelopes: [] }, { inReplyTo: 'request-receipts-after', expect: 'ACCEPT' })
  requestVector('request-receipts-by-other', '"other" asks for the receipts of the twin\'s contract: NOT_FOUND, exactly as for an id that does not exist.', { receipts: { contract_id: contractId, after_seq: '0' } }, { from: 'other', nowMs: RECEIPTED + 2 * SECOND, reply: 'response-not-found', expect: 'NOT_FOUND' })
  requestVector('request-renew', 'At T0 + 10 days the twin renews for 30 days from now.', { renew: { contract_id: contractId, lease_ms: String(LEASE) } }, { nowMs: RENEWED, reply: 'response-renew', expect: 'ACCEPT' })
  responseVector('response-renew', 'The contract with "acceptance-renewed" (version 2); still ACTIVE, state_changed_ms unchanged.', { contract: activeV2 }, { inReplyTo: 'request-renew', expect: 'ACCEPT' })
  requestVector('request-get', 'The twin asks for its contract at T0 + 10 days + 1 s.', { get: ref }, { nowMs: RENEWED + SECOND, reply: 'response-get', expect: 'ACCEPT' })
  responseVector('response-get', 'The contract as it stands: version 2, ACTIVE.', { contract: activeV2 }, { inReplyTo: 'request-get', expect: 'ACCEPT' })
  requestVector('request-list', 'The twin lists its contracts at T0 + 10 days + 2 s. ListRequest is empty but present: field 6 with length 0.', { list: {} }, { nowMs: RENEWED + 2 * SECOND, reply: 'response-list', expect: 'ACCEPT' })
  responseVector('response-list', 'The twin\'s one contract.', { contracts: [activeV2] }, { inReplyTo: 'request-list', expect: 'ACCEPT' })
  requestVector('request-list-by-other', '"other" lists its contracts with this farmer: it has none.', { list: {} }, { from: 'other', nowMs: RENEWED + 3 * SECOND, reply: 'response-list-empty', expect: 'ACCEPT' })
  responseVector('response-list-empty', 'An empty list: no field set, the empty message, frame 00.', { contracts: [] }, { inReplyTo: 'request-list-by-other', expect: 'ACCEPT' })
  requestVector('request-cancel', 'At T0 + 20 days the twin cancels: the capacity is released at once.', { cancel: ref }, { nowMs: CANCELLED_AT, reply: 'response-cancel', expect: 'ACCEPT' })
  responseVector('response-cancel', 'The contract, CANCELLED since T0 + 20 days; the acceptance is still version 2.', { contract: cancelled }, { inReplyTo: 'request-cancel', expect: 'ACCEPT' })
  requestVector('request-renew-cancelled', 'Renewing the cancelled contract at T0 + 20 days + 1 s.', { renew: { contract_id: contractId, lease_ms: String(LEASE) } }, { nowMs: CANCELLED_AT + SECOND, reply: 'response-contract-ended', expect: 'CONTRACT_ENDED' })
  responseVector('response-contract-ended', 'CONTRACT_ENDED: make a new contract.', errorFields('CONTRACT_ENDED', 'contract is cancelled; make a new one'), { inReplyTo: 'request-renew-cancelled', expect: 'CONTRACT_ENDED' })
  requestVector('request-cancel-again', 'Cancelling again at T0 + 20 days + 2 s: nothing changes; the answer is "response-cancel" byte for byte.', { cancel: ref }, { nowMs: CANCELLED_AT + 2 * SECOND, reply: 'response-cancel', expect: 'ACCEPT' })
  requestVector('request-get-not-a-farmer', 'A get sent to a peer that is not a farmer ("responder": "not-a-farmer").', { get: ref }, { nowMs: CANCELLED_AT + 3 * SECOND, responder: 'not-a-farmer', reply: 'response-not-a-farmer', expect: 'NOT_FOUND' })
  responseVector('response-not-a-farmer', 'NOT_FOUND from a peer that takes no contracts.', errorFields('NOT_FOUND', 'this peer is not a farmer; it takes no contracts'), { inReplyTo: 'request-get-not-a-farmer', expect: 'NOT_FOUND' })
  responseVector('response-rate-limited', 'Over the per-peer rate (50/s, burst 100): RATE_LIMITED with retry_after_ms. Not replayed: the request itself is valid.', errorFields('RATE_LIMITED', 'too many requests; retry in 20 ms', 20), { inReplyTo: 'request-get', expect: 'RATE_LIMITED' })
  {
    // what the twin must refuse in an answer (twin-client.ts verified() and receipts())
    const lateAcceptance = await envelopeOf(RECORDS.Acceptance.encode({ ...acceptance1Fields, contract_id: lateId }), ACCEPTANCE_RECORD, { signer: 'farmer' })
    responseVector('response-get-other-contract', 'An answer to "request-get" holding a valid contract of the twin, countersigned by the farmer, but not the one asked for (it is the contract of the T0 + 61 s proposal): the twin refuses it.',
      { contract: contractFields(lateAcceptance.encoded, 'ACTIVE', BOOKED, hex(late)) }, { inReplyTo: 'request-get', expect: 'UNAUTHORIZED' })
    const forged = invalid.find(v => v.name === 'acceptance-not-farmer')!.envelope.encoded
    responseVector('response-get-acceptance-not-farmer', 'An answer to "request-get" whose acceptance ("acceptance-not-farmer" of records-invalid.json) is signed by "other", not by the farmer the twin asked.',
      { contract: contractFields(forged, 'ACTIVE', BOOKED) }, { inReplyTo: 'request-get', expect: 'INVALID_SIGNATURE' })
    const receiptOf = (name: string): string => invalid.find(v => v.name === name)!.envelope.encoded
    responseVector('response-receipts-other-contract', 'An answer to "request-receipts" holding "receipt-other-contract" of records-invalid.json: signed by the farmer, but about another contract than the one asked for. The twin refuses the answer.',
      { receipt_envelopes: [receiptOf('receipt-other-contract')] }, { inReplyTo: 'request-receipts', expect: 'UNAUTHORIZED' })
    responseVector('response-receipts-not-farmer', 'An answer to "request-receipts" holding "receipt-not-farmer" of records-invalid.json: signed by "other", not by the farmer the twin asked.',
      { receipt_envelopes: [receiptOf('receipt-not-farmer')] }, { inReplyTo: 'request-receipts', expect: 'INVALID_SIGNATURE' })
  }

  files['stream.json'] = {
    protocol: CONTRACT_PROTOCOL,
    description: 'Requests and responses of /p2pcloud/contract/1.0.0 with their frames. The Request vectors are one session with one farmer, in order: each is sent by "from" at "now_ms" to "responder" (the farmer below, or a peer that is not a farmer) and is answered by the Response vector named in "reply". Response vectors name the request they answer ("in_reply_to") and the farmer that sent them ("remote_peer"); their "expect" is what the twin concludes after its checks.',
    keys: keysJson(['farmer', 'twin', 'other']),
    farmer_state: { total: TOTAL, price_policy: PRICE, grace_ms: String(GRACE), receipt_period_ms: String(RECEIPT_PERIOD), contracts: 'none at the start' },
    vectors: streamVectors
  }

  await replayStream(files['stream.json'])
  // the twin's verdict on every response that carries a result
  const byName = vectorKit.byName(streamVectors)
  for (const v of streamVectors.filter(v => v.message === 'Response')) {
    const request = byName.get(v.in_reply_to)
    const got = await twinOutcome(contractMessages.Response.decode(unhex(v.encoded)), contractMessages.Request.decode(unhex(request.encoded)), keys[request.from as KeyName], keys.farmer.peerId, v.remote_peer)
    if (got !== v.expect) throw new Error(`${v.name}: the twin says ${got}, not ${v.expect}`)
  }

  return Object.fromEntries(Object.entries(files).map(([name, content]) => [`contract/${name}`, content]))
}
