import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { PeerId, PrivateKey } from '@libp2p/interface'
import { pricePerHour, toMicro } from '@p2pcloud/capacity'
import {
  ACCEPTANCE_RECORD, CONTRACT_PROTOCOL, MAX_LISTED_RECEIPTS, PROPOSAL_RECORD, QUOTE_RECORD, RECEIPT_RECORD, contractMessages, vectorKit
} from '@p2pcloud/wire'
import { readVectors, vectorFiles } from '@p2pcloud/test-utils'
import {
  contractIdOf, openAcceptance, openProposal, openQuote, openReceipt, signAcceptance, signProposal, signQuote, signReceipt, usageOf
} from '../src/index.js'
import { RECORDS, amount, loadKeys, policy, recordOutcome, replayStream, twinOutcome, wireRequest, wireResponse } from './contract-fields.js'

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

/** (i) for an envelope: unsigned buffer, signature (then the stated tamper) and marshalled envelope from payload and key. */
async function reproduceEnvelope (env: vectorKit.EnvelopeJson, payload: Uint8Array, keys: Record<string, Key>, tamper?: vectorKit.Tamper): Promise<void> {
  assert.deepEqual(await vectorKit.reproduceEnvelope(env, payload, keys[env.signer].privateKey, tamper), env, 'envelope')
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
              if (v.message === 'UsageReceipt' && v.envelope.signer === v.expected_signer && v.expect !== 'INVALID_SIGNATURE') {
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
    await replayStream(load('stream.json'))
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
