import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import {
  DEPLOYMENT_LIMITS, DEPLOYMENT_PROTOCOL, DEPLOYMENT_RECORD, DeploymentErrorCodes, MAX_WORKLOADS, WORKLOAD_NAME,
  deploymentMessages, vectorKit
} from '@p2pcloud/wire'
import { readVectors, vectorFiles } from '@p2pcloud/test-utils'
import { openDeployment, signDeployment } from '../src/index.js'
import { loadKeys, recordOutcome, replayStream, twinOutcome, wireDeployment, wireRequest, wireResponse, wireVolumeData } from './deployment-fields.js'

/**
 * The deployment test vectors (protocols/vectors/deployment/*.json, format of
 * protocols/README.md §8.1): (i) our encoders reproduce every message, frame
 * and envelope byte for byte from the vector's fields and keys; (ii) the
 * farmer's record check (openDeployment) accepts the valid deployments and
 * refuses the invalid ones with the stated code; (iii) replayed in order
 * against our farmer, every request of stream.json gets its reply vector.
 */

type Json = vectorKit.Json
type Key = vectorKit.VectorKey

const { hex, unhex, fromUtf8, frame } = vectorKit

/** (i) for an envelope: unsigned buffer, signature (then the stated tamper) and marshalled envelope from payload and key. */
async function reproduceEnvelope (env: vectorKit.EnvelopeJson, payload: Uint8Array, keys: Record<string, Key>, tamper?: vectorKit.Tamper): Promise<void> {
  assert.deepEqual(await vectorKit.reproduceEnvelope(env, payload, keys[env.signer].privateKey, tamper), env, 'envelope')
}

// container-data.json holds ContainerData only (no keys, no envelopes); the runtime's vector test checks it
// the workload types' own data messages are checked by their packages (runtime, zdb, network)
const CHECKED_ELSEWHERE = ['container-data.json', 'network-data.json', 'zdb-data.json']
const files = vectorFiles('deployment').filter(file => !CHECKED_ELSEWHERE.includes(file))
const load = (file: string): Json => readVectors(`deployment/${file}`)

describe('deployment test vectors', () => {
  it('exist', () => {
    assert.deepEqual(vectorFiles('deployment'), ['container-data.json', 'network-data.json', 'records-invalid.json', 'records.json', 'stream.json', 'zdb-data.json'])
  })

  const records = vectorKit.byName(load('records.json').vectors)

  for (const file of files) {
    const content = load(file)

    describe(file, () => {
      it('keys derive from their seeds', async () => {
        assert.equal(content.protocol, DEPLOYMENT_PROTOCOL)
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
            case 'VolumeData': {
              const encoded = deploymentMessages.VolumeData.encode(wireVolumeData(v.fields))
              assert.equal(hex(encoded), v.encoded)
              assert.deepEqual(deploymentMessages.VolumeData.decode(encoded), wireVolumeData(v.fields))
              break
            }

            case 'Deployment': {
              const payload = deploymentMessages.Deployment.encode(wireDeployment(v.fields))
              assert.equal(hex(payload), v.encoded, 'payload')
              await reproduceEnvelope(v.envelope, payload, keys, v.tamper)
              for (const [name, data] of Object.entries<Json>(v.volume_data ?? {})) {
                const workload = v.fields.workloads.find((w: Json) => w.name === name)
                assert.equal(workload.data, hex(deploymentMessages.VolumeData.encode(wireVolumeData(data))), `volume_data of ${name}`)
              }
              const envelope = unhex(v.envelope.encoded)
              assert.equal(await recordOutcome(envelope), v.expect)
              if (v.expect === 'ACCEPT') {
                assert.equal(v.envelope.domain, DEPLOYMENT_RECORD.domain)
                assert.equal(fromUtf8(unhex(v.envelope.payload_type)), DEPLOYMENT_RECORD.payloadType)
                // the application encoder (what a twin signs) gives the same envelope
                const deployment = await openDeployment(envelope)
                assert.equal(hex(await signDeployment(deployment, keys[v.envelope.signer].privateKey)), v.envelope.encoded, 'signDeployment reproduces the envelope')
              }
              break
            }

            case 'Request': {
              const encoded = deploymentMessages.Request.encode(wireRequest(v.fields))
              assert.equal(hex(encoded), v.encoded)
              assert.equal(hex(frame(encoded)), v.frame)
              assert.ok(encoded.byteLength <= DEPLOYMENT_LIMITS.maxRequestBytes)
              assert.deepEqual(deploymentMessages.Request.decode(unhex(v.encoded)), wireRequest(v.fields))
              assert.ok(byName.has(v.reply), `reply ${v.reply as string}`)
              if (v.record != null) assert.equal(v.fields.deployment_envelope, records.get(v.record)?.envelope.encoded, `the envelope of ${v.record as string}`)
              break
            }

            case 'Response': {
              const wire = wireResponse(v.fields)
              const encoded = deploymentMessages.Response.encode(wire)
              assert.equal(hex(encoded), v.encoded)
              assert.equal(hex(frame(encoded)), v.frame)
              assert.ok(encoded.byteLength <= DEPLOYMENT_LIMITS.maxResponseBytes)
              const decoded = deploymentMessages.Response.decode(unhex(v.encoded))
              assert.deepEqual(decoded, wire)
              const request = deploymentMessages.Request.decode(unhex(byName.get(v.in_reply_to).encoded))
              assert.equal(twinOutcome(decoded, request), v.expect)
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

  it('the record kind, names and limits are the ones the vectors and the spec use', () => {
    assert.equal(DEPLOYMENT_PROTOCOL, '/p2pcloud/deployment/1.1.0')
    assert.deepEqual(DEPLOYMENT_RECORD, { domain: 'p2pcloud-deployment', payloadType: '/p2pcloud/deployment/deployment', maxBytes: 65536 })
    assert.equal(WORKLOAD_NAME.source, '^[a-z0-9_-]{1,36}$')
    assert.equal(MAX_WORKLOADS, 64)
    assert.deepEqual(DEPLOYMENT_LIMITS, {
      maxRequestBytes: 65792,
      maxResponseBytes: 65536,
      maxInboundStreams: 32,
      maxOutboundStreams: 64,
      ratePerSecond: 20,
      burst: 40,
      timeoutMs: 10_000
    })
    assert.deepEqual(Object.keys(DeploymentErrorCodes).sort(), ['CONTRACT_NOT_ACTIVE', 'DOES_NOT_FIT', 'INVALID_SIGNATURE', 'STALE_VERSION', 'UNSUPPORTED_WORKLOAD'])
  })
})
