import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { PeerId, PrivateKey } from '@libp2p/interface'
import { MemoryDatastore } from 'datastore-core'
import { CapacityAccount, pricePerHour, toMicro, type PricePolicy, type Resources } from '@p2pcloud/capacity'
import {
  ACCEPTANCE_RECORD, CONTRACT_PROTOCOL, MAX_LISTED_RECEIPTS, PROPOSAL_RECORD, QUOTE_RECORD, RECEIPT_RECORD, contractMessages, vectorKit, wireMessage
} from '@p2pcloud/wire'
import { readVectors, vectorFiles } from '@p2pcloud/test-utils'
import {
  ContractClient, Ledger, contractIdOf, contractResponder, openAcceptance, openProposal, openQuote, openReceipt, signAcceptance, signProposal, signQuote,
  signReceipt, usageOf
} from '../src/index.js'

/**
 * The contract test vectors (protocols/vectors/contract/*.json, format of
 * protocols/README.md §8.1): (i) our encoders reproduce every message, frame
 * and envelope byte for byte from the vector's fields and keys; (ii) our
 * receivers give every vector's expected outcome; (iii) replayed in order
 * against our farmer, every request of stream.json gets its reply vector.
 * Usage receipts are opened with openReceipt, and their numbers recomputed
 * with usageOf from the quote's terms.
 */

type Json = vectorKit.Json
type Key = vectorKit.VectorKey

const { hex, unhex, fromUtf8, frame } = vectorKit

/** The keys of a vector file: Ed25519 only. */
const loadKeys = async (json: Json): Promise<Record<string, Key>> => vectorKit.loadKeys(json, ['Ed25519'])

// ---- a vector's fields (proto field names, uint64 as decimal strings, bytes as hex) → protons

const amount = (r: Json): Resources => vectorKit.resources(r)
const wireAmount = (r: Json): contractMessages.Amount | undefined => r == null ? undefined : amount(r)
const policy = (p: Json): PricePolicy => ({ currency: p.currency, cuHour: Number(p.cu_hour_micro) / 1e6, suHour: Number(p.su_hour_micro) / 1e6, ipv4Hour: Number(p.ipv4_hour_micro) / 1e6 })

const wireQuote = (f: Json): contractMessages.Quote => ({
  farmer: unhex(f.farmer),
  twin: unhex(f.twin),
  resources: wireAmount(f.resources),
  currency: f.currency,
  pricePerHourMicro: Number(f.price_per_hour_micro),
  leaseMs: Number(f.lease_ms),
  validUntilMs: Number(f.valid_until_ms),
  nonce: unhex(f.nonce)
})
const wireProposal = (f: Json): contractMessages.Proposal => ({ quoteEnvelope: unhex(f.quote_envelope), twin: unhex(f.twin), createdAtMs: Number(f.created_at_ms) })
const wireAcceptance = (f: Json): contractMessages.Acceptance => ({
  contractId: unhex(f.contract_id),
  leaseStartMs: Number(f.lease_start_ms),
  leaseEndMs: Number(f.lease_end_ms),
  acceptedAtMs: Number(f.accepted_at_ms),
  version: Number(f.version)
})
const wireReceipt = (f: Json): contractMessages.UsageReceipt => ({
  contractId: unhex(f.contract_id),
  seq: Number(f.seq),
  periodStartMs: Number(f.period_start_ms),
  periodEndMs: Number(f.period_end_ms),
  cuHoursMilli: Number(f.cu_hours_milli),
  suHoursMilli: Number(f.su_hours_milli),
  ipv4HoursMilli: Number(f.ipv4_hours_milli),
  currency: f.currency,
  amountMicro: Number(f.amount_micro)
})
const wireContract = (f: Json): contractMessages.Contract => ({
  contractId: unhex(f.contract_id),
  proposalEnvelope: unhex(f.proposal_envelope),
  acceptanceEnvelope: unhex(f.acceptance_envelope),
  state: f.state,
  stateChangedMs: Number(f.state_changed_ms)
})
const { compact } = vectorKit

const wireRequest = (f: Json): contractMessages.Request => compact({
  quote: f.quote == null ? undefined : { resources: wireAmount(f.quote.resources), leaseMs: Number(f.quote.lease_ms) },
  proposalEnvelope: f.proposal_envelope == null ? new Uint8Array() : unhex(f.proposal_envelope),
  renew: f.renew == null ? undefined : { contractId: unhex(f.renew.contract_id), leaseMs: Number(f.renew.lease_ms) },
  cancel: f.cancel == null ? undefined : { contractId: unhex(f.cancel.contract_id) },
  get: f.get == null ? undefined : { contractId: unhex(f.get.contract_id) },
  list: f.list == null ? undefined : {},
  receipts: f.receipts == null ? undefined : { contractId: unhex(f.receipts.contract_id), afterSeq: Number(f.receipts.after_seq) }
}) as contractMessages.Request
const wireResponse = (f: Json): contractMessages.Response => compact({
  error: vectorKit.wireError(f.error),
  quoteEnvelope: f.quote_envelope == null ? new Uint8Array() : unhex(f.quote_envelope),
  contract: f.contract == null ? undefined : wireContract(f.contract),
  contracts: (f.contracts ?? []).map(wireContract),
  receiptEnvelopes: (f.receipt_envelopes ?? []).map(unhex)
}) as contractMessages.Response

const RECORDS = {
  Quote: { kind: QUOTE_RECORD, encode: (f: Json) => contractMessages.Quote.encode(wireQuote(f)) },
  Proposal: { kind: PROPOSAL_RECORD, encode: (f: Json) => contractMessages.Proposal.encode(wireProposal(f)) },
  Acceptance: { kind: ACCEPTANCE_RECORD, encode: (f: Json) => contractMessages.Acceptance.encode(wireAcceptance(f)) },
  UsageReceipt: { kind: RECEIPT_RECORD, encode: (f: Json) => contractMessages.UsageReceipt.encode(wireReceipt(f)) }
} as const

/** (i) for an envelope: unsigned buffer, signature (then the stated tamper) and marshalled envelope from payload and key. */
async function reproduceEnvelope (env: vectorKit.EnvelopeJson, payload: Uint8Array, keys: Record<string, Key>, tamper?: vectorKit.Tamper): Promise<void> {
  assert.deepEqual(await vectorKit.reproduceEnvelope(env, payload, keys[env.signer].privateKey, tamper), env, 'envelope')
}

/**
 * (ii) what our receiver says about a record: ACCEPT, or the error code it refuses it with. A
 * receipt is judged as the twin's receipts() does: signed by the farmer, about the contract asked for.
 */
async function recordOutcome (message: string, envelope: Uint8Array, expectedSigner?: PeerId, expectedContractId?: string): Promise<string> {
  try {
    if (message === 'Quote') await openQuote(envelope)
    else if (message === 'Proposal') await openProposal(envelope)
    else if (message === 'Acceptance') await openAcceptance(envelope, expectedSigner?.toString() ?? '')
    else if ((await openReceipt(envelope, expectedSigner?.toString() ?? '')).contractId !== expectedContractId) return 'UNAUTHORIZED'
    return 'ACCEPT'
  } catch (err: any) {
    assert.equal(err.name, 'ContractRecordError', `unexpected ${err.name as string}: ${err.message as string}`)
    return err.code
  }
}

/** The application encoders (what a farmer or twin signs) give the same envelope as the vector. */
async function resign (message: string, envelope: Uint8Array, signer: PrivateKey, expectedSigner?: PeerId): Promise<Uint8Array> {
  if (message === 'Quote') return signQuote(await openQuote(envelope), signer)
  if (message === 'Proposal') {
    const proposal = await openProposal(envelope)
    return signProposal(proposal.quoteEnvelope, proposal.twin, proposal.createdAt, signer)
  }
  if (message === 'UsageReceipt') return signReceipt(await openReceipt(envelope, expectedSigner?.toString() ?? ''), signer)
  return signAcceptance(await openAcceptance(envelope, expectedSigner?.toString() ?? ''), signer)
}

/** The twin's verdict on a response (twin-client.ts): ACCEPT, or the code it refuses the answer with. */
async function twinOutcome (response: contractMessages.Response, request: contractMessages.Request, twin: Key, farmer: PeerId, remotePeer: string): Promise<string> {
  if (response.error != null) return response.error.code
  const client = new ContractClient({ dialProtocol: async () => { throw new Error('offline') } }, twin.peerId, twin.privateKey)
  const verified = client['verified'].bind(client)
  try {
    if (request.quote != null) {
      const quote = await openQuote(response.quoteEnvelope)
      return quote.farmer === remotePeer && quote.twin === twin.peerId.toString() ? 'ACCEPT' : 'UNAUTHORIZED'
    }
    if (request.receipts != null) {
      // the client's own receipts(), on this answer instead of one from the network
      Object.assign(client, { call: async () => response })
      await client.receipts(farmer, hex(request.receipts.contractId), request.receipts.afterSeq)
      return 'ACCEPT'
    }
    if (request.list != null) {
      for (const contract of response.contracts) await verified(farmer, contract, contractIdOf(contract.proposalEnvelope))
      return 'ACCEPT'
    }
    const ref = request.renew ?? request.cancel ?? request.get
    const expectedId = request.proposalEnvelope.byteLength > 0 ? contractIdOf(request.proposalEnvelope) : hex(ref?.contractId ?? new Uint8Array())
    await verified(farmer, response.contract, expectedId)
    return 'ACCEPT'
  } catch (err: any) {
    assert.ok(err.code != null, `unexpected ${err.name as string}: ${err.message as string}`)
    return err.code
  }
}

const files = vectorFiles('contract')
const load = (file: string): Json => readVectors(`contract/${file}`)

describe('contract test vectors', () => {
  it('exist', () => {
    assert.deepEqual(files, ['records-invalid.json', 'records.json', 'stream.json'])
  })

  for (const file of files) {
    const content = load(file)

    describe(file, () => {
      it('keys derive from their seeds', async () => {
        assert.equal(content.protocol, CONTRACT_PROTOCOL)
        const keys = await loadKeys(content.keys)
        for (const [name, key] of Object.entries<Json>(content.keys)) {
          assert.equal(keys[name].json.public_key_pb, key.public_key_pb, `${name} public key`)
          assert.equal(keys[name].id, key.peer_id, `${name} peer id`)
        }
      })

      const byName = vectorKit.byName(content.vectors)

      for (const v of content.vectors as Json[]) {
        it(`${v.name as string}: ${v.expect as string}`, async () => {
          const keys = await loadKeys(content.keys)
          switch (v.message) {
            case 'Quote':
            case 'Proposal':
            case 'Acceptance':
            case 'UsageReceipt': {
              const record = RECORDS[v.message as keyof typeof RECORDS]
              const payload = record.encode(v.fields)
              assert.equal(hex(payload), v.encoded, 'payload')
              await reproduceEnvelope(v.envelope, payload, keys, v.tamper)
              const envelope = unhex(v.envelope.encoded)
              const expectedSigner = v.expected_signer != null ? keys[v.expected_signer].peerId : undefined
              assert.equal(await recordOutcome(v.message, envelope, expectedSigner, v.expected_contract_id), v.expect)
              if (v.expect === 'ACCEPT') {
                assert.equal(v.envelope.domain, record.kind.domain)
                assert.equal(fromUtf8(unhex(v.envelope.payload_type)), record.kind.payloadType)
                assert.equal(hex(await resign(v.message, envelope, keys[v.envelope.signer].privateKey, expectedSigner)), v.envelope.encoded, 'sign* reproduces the envelope')
              }
              if (v.message === 'UsageReceipt' && v.envelope.signer === v.expected_signer) {
                // openReceipt gives the fields back, and they are the quote's terms over the period (usageOf)
                const receipt = await openReceipt(envelope, expectedSigner?.toString() ?? '')
                assert.deepEqual(receipt, {
                  contractId: v.fields.contract_id,
                  seq: Number(v.fields.seq),
                  periodStart: Number(v.fields.period_start_ms),
                  periodEnd: Number(v.fields.period_end_ms),
                  cuHoursMilli: Number(v.fields.cu_hours_milli),
                  suHoursMilli: Number(v.fields.su_hours_milli),
                  ipv4HoursMilli: Number(v.fields.ipv4_hours_milli),
                  currency: v.fields.currency,
                  amountMicro: Number(v.fields.amount_micro)
                })
                const terms = v.quote_terms
                assert.deepEqual(usageOf(receipt.contractId, receipt.seq, amount(terms.resources), Number(terms.price_per_hour_micro), terms.currency, receipt.periodStart, receipt.periodEnd), receipt, 'usageOf')
              }
              if (v.price_policy != null) {
                assert.equal(String(toMicro(pricePerHour(amount(v.fields.resources), policy(v.price_policy)))), v.fields.price_per_hour_micro, 'price')
              }
              break
            }

            case 'ContractId': {
              assert.equal(contractIdOf(unhex(v.fields.proposal_envelope)), v.encoded)
              assert.equal(v.contract_id, v.encoded)
              assert.match(v.contract_id, /^[0-9a-f]{64}$/)
              break
            }

            case 'Request': {
              const encoded = contractMessages.Request.encode(wireRequest(v.fields))
              assert.equal(hex(encoded), v.encoded)
              assert.equal(hex(frame(encoded)), v.frame)
              assert.deepEqual(contractMessages.Request.decode(unhex(v.encoded)), wireRequest(v.fields))
              assert.ok(byName.has(v.reply), `reply ${v.reply as string}`)
              break
            }

            case 'Response': {
              const wire = wireResponse(v.fields)
              const encoded = contractMessages.Response.encode(wire)
              assert.equal(hex(encoded), v.encoded)
              assert.equal(hex(frame(encoded)), v.frame)
              const decoded = contractMessages.Response.decode(unhex(v.encoded))
              assert.deepEqual(decoded, wire)
              const request = byName.get(v.in_reply_to)
              const twin = keys[request.from]
              assert.equal(await twinOutcome(decoded, contractMessages.Request.decode(unhex(request.encoded)), twin, keys.farmer.peerId, v.remote_peer), v.expect)
              break
            }

            default:
              assert.fail(`unknown message ${v.message as string}`)
          }
        })
      }
    })
  }

  it('stream.json, replayed in order against our farmer, gets every reply', async () => {
    const content = load('stream.json')
    const keys = await loadKeys(content.keys)
    const byName = vectorKit.byName(content.vectors)
    const clock = { now: 0 }
    const datastore = new MemoryDatastore()
    const account = new CapacityAccount(amount(content.farmer_state.total), datastore)
    const ledger = new Ledger({
      datastore,
      account,
      farmerId: keys.farmer.peerId.toString(),
      privateKey: keys.farmer.privateKey,
      price: policy(content.farmer_state.price_policy),
      graceMs: Number(content.farmer_state.grace_ms),
      receiptPeriodMs: Number(content.farmer_state.receipt_period_ms),
      now: () => clock.now
    })
    const responders = { farmer: contractResponder(true, () => ledger), 'not-a-farmer': contractResponder(false, () => undefined) }
    const requests = content.vectors.filter((v: Json) => v.message === 'Request')
    assert.ok(requests.length >= 6)
    for (const v of requests) {
      clock.now = Number(v.now_ms)
      await ledger.sweep()
      const responder = responders[v.responder as keyof typeof responders]
      let response: contractMessages.Response
      try {
        response = await responder.respond(contractMessages.Request.decode(unhex(v.encoded)), {
          remotePeer: keys[v.from].peerId, connection: undefined as any, signal: new AbortController().signal
        })
      } catch (err: any) {
        assert.ok(err.code != null, `${v.name as string}: unexpected ${err.name as string}: ${err.message as string}`)
        response = responder.errorResponse({ code: err.code, message: wireMessage(err.message), retryAfterMs: err.retryAfterMs ?? 0 })
      }
      assert.equal(response.error?.code ?? 'ACCEPT', v.expect, `${v.name as string}: ${response.error?.message ?? ''}`)
      const reply = byName.get(v.reply)
      if (response.quoteEnvelope.byteLength > 0) {
        // a fresh quote: the js farmer draws a random nonce, every other field is the vector's
        const got = await openQuote(response.quoteEnvelope)
        const want = await openQuote(unhex(reply.fields.quote_envelope))
        assert.equal(got.nonce.byteLength, 16)
        assert.deepEqual({ ...got, nonce: undefined }, { ...want, nonce: undefined }, v.name)
      } else {
        assert.equal(hex(contractMessages.Response.encode(response)), reply.encoded, `${v.name as string} → ${v.reply as string}`)
      }
    }
    assert.deepEqual(account.reserved(), { cru: 0, mru: 0, sru: 0, hru: 0, ipv4u: 0 }, 'the cancelled contract gave its capacity back')
    // the receipts signed during the session: from the booking to the cancellation, without gap or overlap
    const booked = contractMessages.Response.decode(unhex(byName.get('response-propose').encoded)).contract
    const cancelled = contractMessages.Response.decode(unhex(byName.get('response-cancel').encoded)).contract
    const id = hex(booked?.contractId ?? new Uint8Array())
    const receipts = await Promise.all((await ledger.receipts(id, keys.twin.peerId.toString(), 0)).map(async e => openReceipt(e, keys.farmer.peerId.toString())))
    assert.ok(receipts.length >= 2)
    assert.deepEqual(receipts.map(r => r.seq), receipts.map((_, i) => i + 1))
    assert.equal(receipts[0].periodStart, (await openAcceptance(booked?.acceptanceEnvelope ?? new Uint8Array(), keys.farmer.peerId.toString())).leaseStart)
    for (let i = 1; i < receipts.length; i++) assert.equal(receipts[i].periodStart, receipts[i - 1].periodEnd)
    assert.equal(receipts[receipts.length - 1].periodEnd, cancelled?.stateChangedMs, 'billed up to the cancellation')
    ledger.stop()
  })

  it('the record kinds and limits are the ones the vectors and the spec use', () => {
    assert.equal(CONTRACT_PROTOCOL, '/p2pcloud/contract/1.0.0')
    assert.deepEqual([QUOTE_RECORD, PROPOSAL_RECORD, ACCEPTANCE_RECORD, RECEIPT_RECORD], [
      { domain: 'p2pcloud-contract', payloadType: '/p2pcloud/contract/quote', maxBytes: 2048 },
      { domain: 'p2pcloud-contract', payloadType: '/p2pcloud/contract/proposal', maxBytes: 4096 },
      { domain: 'p2pcloud-contract', payloadType: '/p2pcloud/contract/acceptance', maxBytes: 1024 },
      { domain: 'p2pcloud-contract', payloadType: '/p2pcloud/contract/receipt', maxBytes: 1024 }
    ])
    assert.equal(MAX_LISTED_RECEIPTS, 1000)
  })
})
