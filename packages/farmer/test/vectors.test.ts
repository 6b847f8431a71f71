import assert from 'node:assert/strict'
import { readdirSync } from 'node:fs'
import { rm } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { RecordEnvelope } from '@libp2p/peer-record'
import { MemoryDatastore } from 'datastore-core'
import { CapacityAccount, type Resources } from '@p2pcloud/capacity'
import { Ledger } from '@p2pcloud/contracts'
import {
  DEPLOYMENT_LIMITS, DEPLOYMENT_PROTOCOL, DEPLOYMENT_RECORD, DeploymentErrorCodes, MAX_WORKLOADS, WORKLOAD_NAME,
  deploymentMessages, vectorKit, wireMessage
} from '@p2pcloud/wire'
import { readVectors, tempDir, vectorFiles } from '@p2pcloud/test-utils'
import { DriverRegistry, Provisioner, VolumeDriver, deploymentResponder, openDeployment, signDeployment } from '../src/index.js'

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

/** The keys of a vector file: Ed25519 only. */
const loadKeys = async (json: Json): Promise<Record<string, Key>> => vectorKit.loadKeys(json, ['Ed25519'])

// ---- a vector's fields (proto field names, uint64 as decimal strings, bytes as hex) → protons

const amount = (r: Json): Resources => vectorKit.resources(r)

const wireVolumeData = (f: Json): deploymentMessages.VolumeData => ({ size: Number(f.size) })
const wireWorkload = (f: Json): deploymentMessages.Workload => ({ name: f.name, type: f.type, version: Number(f.version), data: unhex(f.data) })
const wireDeployment = (f: Json): deploymentMessages.Deployment => ({
  contractId: unhex(f.contract_id),
  twin: unhex(f.twin),
  name: f.name,
  version: Number(f.version),
  workloads: (f.workloads ?? []).map(wireWorkload),
  signedAtMs: Number(f.signed_at_ms)
})
const wireWorkloadStatus = (f: Json): deploymentMessages.WorkloadStatus => ({
  name: f.name, type: f.type, version: Number(f.version), state: f.state, message: f.message, changedAtMs: Number(f.changed_at_ms)
})
const wireStatus = (f: Json): deploymentMessages.DeploymentStatus => ({
  contractId: unhex(f.contract_id), name: f.name, version: Number(f.version), workloads: (f.workloads ?? []).map(wireWorkloadStatus)
})
const { compact } = vectorKit
const ref = (f: Json): deploymentMessages.DeploymentRef | undefined => f == null ? undefined : { contractId: unhex(f.contract_id) }
const wireRequest = (f: Json): deploymentMessages.Request => compact({
  deploymentEnvelope: f.deployment_envelope == null ? new Uint8Array() : unhex(f.deployment_envelope),
  delete: ref(f.delete),
  get: ref(f.get),
  watch: ref(f.watch)
}) as deploymentMessages.Request
const wireResponse = (f: Json): deploymentMessages.Response => compact({
  error: vectorKit.wireError(f.error),
  status: f.status == null ? undefined : wireStatus(f.status)
})

/** (i) for an envelope: unsigned buffer, signature (then the stated tamper) and marshalled envelope from payload and key. */
async function reproduceEnvelope (env: vectorKit.EnvelopeJson, payload: Uint8Array, keys: Record<string, Key>, tamper?: vectorKit.Tamper): Promise<void> {
  assert.deepEqual(await vectorKit.reproduceEnvelope(env, payload, keys[env.signer].privateKey, tamper), env, 'envelope')
}

/** (ii) what the farmer's record check says: ACCEPT, or the error code it refuses the deployment with. */
async function recordOutcome (envelope: Uint8Array): Promise<string> {
  try {
    await openDeployment(envelope)
    return 'ACCEPT'
  } catch (err: any) {
    assert.equal(err.name, 'ProtocolError', `unexpected ${err.name as string}: ${err.message as string}`)
    return err.code
  }
}

/** The contract id a request asks about: in the signed deployment, or in its DeploymentRef. */
function askedContract (request: deploymentMessages.Request): string {
  if (request.deploymentEnvelope.byteLength > 0) {
    return hex(deploymentMessages.Deployment.decode(RecordEnvelope.createFromProtobuf(request.deploymentEnvelope).payload).contractId)
  }
  return hex((request.get ?? request.delete ?? request.watch)?.contractId ?? new Uint8Array())
}

/** The twin's verdict on a response (deployment.md §4.6): the error code, or ACCEPT for a status of the contract it asked about. */
function twinOutcome (response: deploymentMessages.Response, request: deploymentMessages.Request): string {
  if (response.error != null) return response.error.code
  if (response.status == null) return 'INTERNAL'
  return hex(response.status.contractId) === askedContract(request) ? 'ACCEPT' : 'UNAUTHORIZED'
}

// container-data.json holds ContainerData only (no keys, no envelopes); the runtime's vector test checks it
// the workload types' own data messages are checked by their packages (runtime, zdb)
const CHECKED_ELSEWHERE = ['container-data.json', 'zdb-data.json']
const files = vectorFiles('deployment').filter(file => !CHECKED_ELSEWHERE.includes(file))
const load = (file: string): Json => readVectors(`deployment/${file}`)

describe('deployment test vectors', () => {
  it('exist', () => {
    assert.deepEqual(vectorFiles('deployment'), ['container-data.json', 'records-invalid.json', 'records.json', 'stream.json', 'zdb-data.json'])
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
    const content = load('stream.json')
    const keys = await loadKeys(content.keys)
    const byName = vectorKit.byName(content.vectors)
    const state = content.farmer_state
    const clock = { now: 0 }
    const datastore = new MemoryDatastore()
    const volumesRoot = await tempDir('deployment-vectors')
    try {
      const ledger = new Ledger({
        datastore,
        account: new CapacityAccount(amount(state.total), datastore),
        farmerId: keys.farmer.peerId.toString(),
        privateKey: keys.farmer.privateKey,
        price: { currency: 'TFT', cuHour: 0.1, suHour: 0.05, ipv4Hour: 0.02 },
        graceMs: Number(state.contract.grace_ms),
        now: () => clock.now
      })
      clock.now = Number(state.contract.booked_at_ms)
      const contract = await ledger.propose(unhex(state.contract.proposal_envelope), keys.twin.peerId.toString())
      assert.equal(contract.id, state.contract.contract_id)
      assert.equal(contract.acceptance.leaseEnd, Number(state.contract.lease_end_ms))
      assert.deepEqual(contract.proposal.quote.resources, amount(state.contract.resources))

      const drivers = new DriverRegistry().register(new VolumeDriver(volumesRoot))
      assert.deepEqual(drivers.types(), state.drivers)
      const provisioner = new Provisioner(datastore, drivers, () => clock.now)
      await provisioner.load()
      const responders = {
        farmer: deploymentResponder({ isFarmer: true, ledger: () => ledger, provisioner: () => provisioner, drivers }),
        'not-a-farmer': deploymentResponder({ isFarmer: false, ledger: () => undefined, provisioner: () => undefined, drivers: new DriverRegistry() })
      }
      const requests = content.vectors.filter((v: Json) => v.message === 'Request')
      assert.ok(requests.length >= 10)
      for (const v of requests) {
        clock.now = Number(v.now_ms)
        await ledger.sweep()
        const responder = responders[v.responder as keyof typeof responders]
        let response: deploymentMessages.Response
        try {
          const request = deploymentMessages.Request.decode(unhex(v.encoded))
          const context = { remotePeer: keys[v.from].peerId, connection: undefined as any, signal: new AbortController().signal, drained: () => true }
          // watch streams: its vector is the first frame, the status at that moment
          const frames = responder.stream?.(request, context)?.[Symbol.asyncIterator]()
          if (frames != null) {
            response = (await frames.next()).value
            await frames.return?.(undefined)
          } else {
            response = await responder.respond(request, context)
          }
        } catch (err: any) {
          assert.ok(err.code != null, `${v.name as string}: unexpected ${err.name as string}: ${err.message as string}`)
          response = responder.errorResponse({ code: err.code, message: wireMessage(err.message), retryAfterMs: err.retryAfterMs ?? 0 })
        }
        if (v.settle_ms != null) {
          // the provisioner converges with the farmer's clock at settle_ms, before the next request
          clock.now = Number(v.settle_ms)
          await provisioner.settled(state.contract.contract_id)
        }
        assert.equal(response.error?.code ?? 'ACCEPT', v.expect, `${v.name as string}: ${response.error?.message ?? ''}`)
        assert.equal(hex(deploymentMessages.Response.encode(response)), byName.get(v.reply).encoded, `${v.name as string} → ${v.reply as string}`)
      }
      assert.equal(provisioner.get(state.contract.contract_id), undefined, 'the deleted deployment is forgotten')
      assert.deepEqual(readdirSync(volumesRoot).flatMap(d => readdirSync(join(volumesRoot, d))), [], 'every volume is removed')
      ledger.stop()
    } finally {
      await rm(volumesRoot, { recursive: true, force: true })
    }
  })

  it('the record kind, names and limits are the ones the vectors and the spec use', () => {
    assert.equal(DEPLOYMENT_PROTOCOL, '/p2pcloud/deployment/1.0.0')
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
