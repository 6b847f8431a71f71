import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { RecordEnvelope } from '@libp2p/peer-record'
import type { PrivateKey } from '@libp2p/interface'
import { MemoryDatastore } from 'datastore-core'
import { ADVERT_RECORD, capacityMessages, vectorKit } from '@p2pcloud/wire'
import { readVectors, vectorFiles } from '@p2pcloud/test-utils'
import {
  Directory, InvalidAdvertError, advertDhtRecords, indexKeyCid, indexKeyName, signAdvert, verifyAdvert,
  type IndexKey, type VerifiedAdvert
} from '../src/index.js'
import { wireAdvert } from './capacity-vectors.js'

/**
 * The capacity test vectors (protocols/vectors/capacity/*.json, format of
 * protocols/README.md §8.1): (i) our encoders reproduce every message and
 * envelope byte for byte from the vector's fields and keys; (ii) our checks
 * give every vector's expected outcome, with the clock at its now_ms.
 */

type Json = vectorKit.Json

const { hex, unhex, utf8, frame, atTime } = vectorKit

function wireResponse (f: Json): capacityMessages.CapacityResponse {
  if (f.error != null) {
    return { error: vectorKit.wireError(f.error), advertEnvelope: new Uint8Array() }
  }
  return { advertEnvelope: unhex(f.advert_envelope) }
}

/** (i) for an envelope: unsigned buffer, signature (then the stated tamper) and marshalled envelope from payload and key. */
async function reproduceEnvelope (env: vectorKit.EnvelopeJson, payload: Uint8Array, keys: Record<string, PrivateKey>, tamper?: vectorKit.Tamper): Promise<void> {
  assert.deepEqual(await vectorKit.reproduceEnvelope(env, payload, keys[env.signer], tamper), env, 'envelope')
}

/** (ii) for an advert on its own: ACCEPT, or the problem verifyAdvert names. */
async function advertOutcome (envelope: Uint8Array, now: number): Promise<{ verified?: VerifiedAdvert, problem?: string }> {
  try {
    return { verified: await verifyAdvert(envelope, now) }
  } catch (err: any) {
    assert.ok(err instanceof InvalidAdvertError, `unexpected ${err.name}: ${err.message}`)
    return { problem: err.problem }
  }
}

/** The gossip outcome of an admission to the directory (protocols/capacity.md §4.2). */
const ADMISSION_OUTCOME = {
  accepted: { expect: 'ACCEPT', problem: undefined },
  duplicate: { expect: 'IGNORE', problem: 'DUPLICATE' },
  stale: { expect: 'REJECT', problem: 'STALE' },
  conflict: { expect: 'REJECT', problem: 'CONFLICT' },
  full: { expect: 'IGNORE', problem: 'FULL' }
} as const

function indexKeyFromName (name: string): IndexKey {
  const [prefix, kind, value] = name.split(':')
  assert.equal(prefix, 'p2pcloud')
  if (kind === 'farmers') return { kind: 'farmers' }
  if (kind === 'country') return { kind: 'country', country: value }
  if (kind === 'capability') return { kind: 'capability', capability: value }
  throw new Error(`unknown index key ${name}`)
}

const files = vectorFiles('capacity')

describe('capacity test vectors', () => {
  it('exist', () => {
    assert.deepEqual(files, ['advert-invalid.json', 'advert.json', 'dht.json', 'gossip-order.json', 'stream.json'])
  })

  for (const file of files) {
    const content: Json = readVectors(`capacity/${file}`)

    describe(file, () => {
      const keys: Record<string, PrivateKey> = {}

      it('keys derive from their seeds', async () => {
        assert.equal(content.protocol, '/p2pcloud/capacity/1.0.0')
        for (const [name, key] of Object.entries<Json>(content.keys)) {
          const loaded = await vectorKit.loadKey(key)
          keys[name] = loaded.privateKey
          assert.equal(loaded.json.public_key_pb, key.public_key_pb, `${name} public key`)
          assert.equal(loaded.id, key.peer_id, `${name} peer id`)
        }
      })

      const byName = vectorKit.byName(content.vectors)

      for (const v of content.vectors as Json[]) {
        it(`${v.name}: ${v.expect}${v.problem != null ? ` (${v.problem as string})` : ''}`, async () => {
          if (Object.keys(keys).length === 0) {
            for (const [name, key] of Object.entries<Json>(content.keys)) keys[name] = (await vectorKit.loadKey(key)).privateKey
          }
          const now = v.now_ms != null ? Number(v.now_ms) : undefined

          switch (v.message) {
            case 'Envelope': {
              const { problem } = await advertOutcome(unhex(v.envelope.encoded), now ?? Date.now())
              assert.equal(v.expect, 'REJECT')
              assert.equal(problem, v.problem)
              break
            }

            case 'Advert': {
              // (i) fields → payload → envelope, byte for byte
              let payload = unhex(v.encoded)
              if (v.fields != null) {
                payload = capacityMessages.Advert.encode(wireAdvert(v.fields))
                assert.equal(hex(payload), v.encoded, 'payload')
              }
              await reproduceEnvelope(v.envelope, payload, keys, v.tamper)

              // (ii) the outcome, on its own and then against what the receiver already holds
              const envelope = unhex(v.envelope.encoded)
              const { verified, problem } = await advertOutcome(envelope, now as number)
              if (v.known == null) {
                if (v.expect === 'ACCEPT') {
                  assert.equal(problem, undefined, `refused: ${problem ?? ''}`)
                  // the application-level encoder (what a farmer signs) gives the same bytes
                  assert.equal(hex(await signAdvert(verified!.advert, keys[v.envelope.signer])), v.envelope.encoded, 'signAdvert')
                } else {
                  assert.equal(v.expect, 'REJECT')
                  assert.equal(problem, v.problem)
                }
              } else {
                assert.equal(problem, undefined, `refused: ${problem ?? ''}`)
                const directory = new Directory(new MemoryDatastore(), () => now as number)
                for (const name of v.known as string[]) {
                  const earlier = await verifyAdvert(unhex(byName.get(name).envelope.encoded), now)
                  assert.equal(await directory.admit(earlier, 'gossip'), 'accepted', `known ${name}`)
                }
                const outcome = ADMISSION_OUTCOME[await directory.admit(verified!, 'gossip')]
                assert.equal(outcome.expect, v.expect)
                assert.equal(outcome.problem, v.problem)
                // a leaving advert removes the farmer; a newer one brings it back
                if (v.held_after != null) assert.equal(directory.get(verified!.advert.peerId) != null, v.held_after, 'held afterwards')
              }
              break
            }

            case 'CapacityRequest': {
              const encoded = capacityMessages.CapacityRequest.encode(v.fields)
              assert.equal(hex(encoded), v.encoded)
              assert.equal(hex(frame(encoded)), v.frame)
              capacityMessages.CapacityRequest.decode(unhex(v.encoded))
              assert.equal(v.expect, 'ACCEPT')
              break
            }

            case 'CapacityResponse': {
              const wire = wireResponse(v.fields)
              const encoded = capacityMessages.CapacityResponse.encode(wire)
              assert.equal(hex(encoded), v.encoded)
              assert.equal(hex(frame(encoded)), v.frame)
              const decoded = capacityMessages.CapacityResponse.decode(unhex(v.encoded))
              assert.deepEqual(decoded, wire)
              if (decoded.error != null) {
                assert.equal(decoded.error.code, v.expect)
              } else {
                // the initiator verifies the advert and that it is the asked peer's
                const verified = await verifyAdvert(decoded.advertEnvelope, now)
                assert.equal(verified.advert.peerId === v.remote_peer ? 'ACCEPT' : 'UNAUTHORIZED', v.expect)
              }
              break
            }

            case 'DhtRecord': {
              assert.equal(hex(utf8(v.fields.key)), v.encoded, 'key bytes')
              assert.equal(v.fields.key.split('/')[1], 'p2pcloud-adv')
              const opened = RecordEnvelope.createFromProtobuf(unhex(v.envelope.encoded))
              await reproduceEnvelope(v.envelope, opened.payload, keys)
              const validate = advertDhtRecords.dhtValidators?.['p2pcloud-adv']
              assert.ok(validate != null)
              const problem = await atTime(now as number, async () => {
                try {
                  await validate(utf8(v.fields.key), unhex(v.envelope.encoded))
                  return undefined
                } catch (err: any) {
                  return err.problem as string
                }
              })
              assert.equal(problem == null ? 'ACCEPT' : 'REJECT', v.expect)
              assert.equal(problem, v.problem)
              break
            }

            case 'DhtSelect': {
              const select = advertDhtRecords.dhtSelectors?.['p2pcloud-adv']
              assert.ok(select != null)
              const best = await atTime(now as number, async () => select(utf8(v.fields.key), (v.values as string[]).map(unhex)))
              assert.equal(best, v.best)
              break
            }

            case 'IndexKey': {
              const key = indexKeyFromName(v.fields.name)
              assert.equal(indexKeyName(key), v.fields.name)
              const cid = await indexKeyCid(key)
              assert.equal(cid.toString(), v.cid)
              assert.equal(hex(cid.multihash.bytes), v.encoded)
              break
            }

            default:
              assert.fail(`unknown message ${v.message as string}`)
          }
        })
      }
    })
  }

  it('the advert record kind is the one the vectors use', () => {
    assert.equal(ADVERT_RECORD.domain, 'p2pcloud-capacity')
    assert.equal(ADVERT_RECORD.payloadType, '/p2pcloud/capacity/advert')
    assert.equal(ADVERT_RECORD.maxBytes, 8192)
  })
})
