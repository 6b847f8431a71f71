import assert from 'node:assert/strict'
import type { PeerId } from '@libp2p/interface'
import { MemoryDatastore } from 'datastore-core'
import { CapacityAccount, resourcesFromWire, type PricePolicy, type Resources } from '@p2pcloud/capacity'
import { ACCEPTANCE_RECORD, PROPOSAL_RECORD, QUOTE_RECORD, RECEIPT_RECORD, contractMessages, vectorKit, wireMessage } from '@p2pcloud/wire'
import { ContractClient, Ledger, contractIdOf, contractResponder, openAcceptance, openProposal, openQuote, openReceipt } from '../src/index.js'

/**
 * What the contract vectors' generator (contract-vectors.ts) and their test (vectors.test.ts)
 * both do: a vector's fields (proto field names, uint64 as decimal strings, bytes as hex) as the
 * protons message, the verdicts of our receivers and of the twin, and the replay of stream.json
 * against our farmer.
 */

type Json = vectorKit.Json
type Key = vectorKit.VectorKey

const { hex, unhex } = vectorKit

/** The keys of a vector file: Ed25519 only. */
export const loadKeys = async (json: Json): Promise<Record<string, Key>> => vectorKit.loadKeys(json, ['Ed25519'])

export const amount = (r: Json): Resources => resourcesFromWire(vectorKit.resources(r))
const wireAmount = (r: Json): contractMessages.Amount | undefined => r == null ? undefined : vectorKit.resources(r)
export const policy = (p: Json): PricePolicy => ({ currency: p.currency, cuHour: Number(p.cu_hour_micro) / 1e6, suHour: Number(p.su_hour_micro) / 1e6, ipv4Hour: Number(p.ipv4_hour_micro) / 1e6 })

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

export const wireRequest = (f: Json): contractMessages.Request => compact({
  quote: f.quote == null ? undefined : { resources: wireAmount(f.quote.resources), leaseMs: Number(f.quote.lease_ms) },
  proposalEnvelope: f.proposal_envelope == null ? new Uint8Array() : unhex(f.proposal_envelope),
  renew: f.renew == null ? undefined : { contractId: unhex(f.renew.contract_id), leaseMs: Number(f.renew.lease_ms) },
  cancel: f.cancel == null ? undefined : { contractId: unhex(f.cancel.contract_id) },
  get: f.get == null ? undefined : { contractId: unhex(f.get.contract_id) },
  list: f.list == null ? undefined : {},
  receipts: f.receipts == null ? undefined : { contractId: unhex(f.receipts.contract_id), afterSeq: Number(f.receipts.after_seq) }
}) as contractMessages.Request
export const wireResponse = (f: Json): contractMessages.Response => compact({
  error: vectorKit.wireError(f.error),
  quoteEnvelope: f.quote_envelope == null ? new Uint8Array() : unhex(f.quote_envelope),
  contract: f.contract == null ? undefined : wireContract(f.contract),
  contracts: (f.contracts ?? []).map(wireContract),
  receiptEnvelopes: (f.receipt_envelopes ?? []).map(unhex)
}) as contractMessages.Response

export const RECORDS = {
  Quote: { kind: QUOTE_RECORD, encode: (f: Json) => contractMessages.Quote.encode(wireQuote(f)) },
  Proposal: { kind: PROPOSAL_RECORD, encode: (f: Json) => contractMessages.Proposal.encode(wireProposal(f)) },
  Acceptance: { kind: ACCEPTANCE_RECORD, encode: (f: Json) => contractMessages.Acceptance.encode(wireAcceptance(f)) },
  UsageReceipt: { kind: RECEIPT_RECORD, encode: (f: Json) => contractMessages.UsageReceipt.encode(wireReceipt(f)) }
} as const

/**
 * (ii) what our receiver says about a record: ACCEPT, or the error code it refuses it with. A
 * receipt is judged as the twin's receipts() does: signed by the farmer, about the contract asked for.
 */
export async function recordOutcome (message: string, envelope: Uint8Array, expectedSigner?: PeerId, expectedContractId?: string): Promise<string> {
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

/** The twin's verdict on a response (twin-client.ts): ACCEPT, or the code it refuses the answer with. */
export async function twinOutcome (response: contractMessages.Response, request: contractMessages.Request, twin: Key, farmer: PeerId, remotePeer: string): Promise<string> {
  if (response.error != null) return response.error.code
  const client = new ContractClient({ dialProtocol: async () => { throw new Error('offline') } }, twin.peerId, twin.privateKey)
  const verified = client['verified'].bind(client)
  try {
    // the client's own calls, on this answer instead of one from the network
    Object.assign(client, { call: async () => response })
    if (request.quote != null) {
      const quote = await openQuote(response.quoteEnvelope)
      return quote.farmer === remotePeer && quote.twin === twin.peerId.toString() ? 'ACCEPT' : 'UNAUTHORIZED'
    }
    if (request.receipts != null) {
      await client.receipts(farmer, hex(request.receipts.contractId), request.receipts.afterSeq)
      return 'ACCEPT'
    }
    if (request.list != null) {
      for (const contract of response.contracts) await verified(farmer, contract, contractIdOf(contract.proposalEnvelope))
      return 'ACCEPT'
    }
    if (request.proposalEnvelope.byteLength > 0) {
      await client.sendProposal(farmer, request.proposalEnvelope)
      return 'ACCEPT'
    }
    const ref = request.renew ?? request.cancel ?? request.get
    await verified(farmer, response.contract, hex(ref?.contractId ?? new Uint8Array()))
    return 'ACCEPT'
  } catch (err: any) {
    assert.ok(err.code != null, `unexpected ${err.name as string}: ${err.message as string}`)
    return err.code
  }
}

/**
 * stream.json (its `farmer_state`, `keys` and `vectors`), replayed in order against our farmer:
 * every request gets its reply vector, the cancelled contract gives its capacity back, and the
 * receipts signed during the session cover the lease up to the cancellation.
 */
export async function replayStream (content: Json): Promise<void> {
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
}
