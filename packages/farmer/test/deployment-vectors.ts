import { DEPLOYMENT_LIMITS, DEPLOYMENT_PROTOCOL, DEPLOYMENT_RECORD, deploymentMessages, vectorKit } from '@p2pcloud/wire'
import { readVectors, type VectorFiles } from '@p2pcloud/test-utils'
import { contractIdOf } from '@p2pcloud/contracts'
import { openDeployment, signDeployment } from '../src/index.js'
import { recordOutcome, replayStream, twinOutcome, wireDeployment, wireRequest, wireResponse } from './deployment-fields.js'

/**
 * The generator of the deployment protocol's vectors, protocols/vectors/deployment/*.json but
 * the workloads' own data (format: protocols/README.md §8.1; what each file covers:
 * protocols/deployment.md §9), which vectors.test.ts checks. Deterministic: fixed Ed25519 keys from
 * published seeds and fixed times, so running it again writes the same bytes. The contract the
 * deployments run under is the one of the contract vectors (same keys, quote, proposal and booking
 * time). Before giving the files, it replays every request of stream.json against the js farmer
 * and checks that it answers exactly the response written. Run by `npm run vectors`.
 */

type Json = vectorKit.Json
const { hex, unhex } = vectorKit

// ---- keys (tests only): the keys of the contract vectors ---------------------------------

type KeyName = 'farmer' | 'twin' | 'other'
const keys = await vectorKit.loadKeys(readVectors('contract/stream.json').keys) as Record<KeyName, vectorKit.VectorKey>
const keysJson = (names: KeyName[]): Json => vectorKit.keysJson(keys, names)
const peerIdHex = (name: KeyName): string => vectorKit.peerIdHex(keys[name])

// ---- times, the contract ------------------------------------------------------------------

const T0 = 1767225600000 // 2026-01-01T00:00:00Z
const SECOND = 1000
const DAY = 86_400_000
const GRACE = DAY
const KiB = 1024
const MiB = 2 ** 20
const GiB = 2 ** 30

// The contract of the contract vectors, which npm run vectors writes first: the twin's proposal on
// the farmer's quote (quote at T0, proposal at T0 + 5 s), booked at T0 + 6 s by a farmer that holds
// TOTAL.
const contractVectors = vectorKit.byName(readVectors('contract/records.json').vectors)
const proposalEnvelope = unhex(contractVectors.get('proposal').envelope.encoded)
const contractId = contractIdOf(proposalEnvelope)
if (contractId !== contractVectors.get('contract-id').contract_id) throw new Error(`the contract is not the one of the contract vectors: ${contractId}`)
const ASKED: Json = contractVectors.get('quote').fields.resources
const LEASE = Number(contractVectors.get('quote').fields.lease_ms)
const TOTAL: Json = readVectors('contract/stream.json').farmer_state.total
const BOOKED = T0 + 6 * SECOND
const OTHER_CONTRACT = 'ff'.repeat(32) // a contract id that no farmer holds

// ---- envelopes ----------------------------------------------------------------------------

interface EnvelopeOptions { signer: KeyName, domain?: string, payloadType?: string, tamper?: vectorKit.Tamper }
/** Sign `payload` as `signer` and describe the envelope; `tamper` flips bits of the signature afterwards. */
async function envelopeOf (payload: Uint8Array, { signer, domain = DEPLOYMENT_RECORD.domain, payloadType = DEPLOYMENT_RECORD.payloadType, tamper }: EnvelopeOptions): Promise<vectorKit.EnvelopeJson> {
  return vectorKit.envelopeOf(payload, keys[signer].privateKey, { signer, domain, payloadType, tamper })
}

// ---- workloads ------------------------------------------------------------------------------

const volumeData = (size: number): string => hex(deploymentMessages.VolumeData.encode({ size: Number(size) }))
/** A volume workload's fields; its data is VolumeData { size }. */
const volume = (name: string, size: number, version: number): Json => ({ name, type: 'volume', version: String(version), data: volumeData(size) })
const deploymentFields = (version: number, workloads: Json[], signedAt: number, overrides: Json = {}): Json => ({
  contract_id: contractId,
  twin: peerIdHex('twin'),
  name: 'my-app',
  version: String(version),
  workloads,
  signed_at_ms: String(signedAt),
  ...overrides
})
/** For each volume workload, the VolumeData fields its `data` holds (for people; the test checks them). */
function volumeFieldsOf (fields: Json): Json {
  const workloads = fields.workloads ?? []
  if (workloads.length > 4 || workloads.some((w: Json) => w.name === 'pad')) return {}
  return Object.fromEntries(workloads
    .filter((w: Json) => w.type === 'volume')
    .map((w: Json) => [w.name, { size: String(deploymentMessages.VolumeData.decode(unhex(w.data)).size) }]))
}

interface RecordOptions { signer?: KeyName, expect?: string, envelope?: Omit<EnvelopeOptions, 'signer'>, extra?: Json }
/** One signed deployment vector: fields → encoded payload → envelope; the outcome checked with our farmer's record check. */
async function recordVector (name: string, description: string, fields: Json, { signer = 'twin', expect = 'ACCEPT', envelope = {}, extra = {} }: RecordOptions = {}): Promise<Json> {
  const payload = deploymentMessages.Deployment.encode(wireDeployment(fields))
  const env = await envelopeOf(payload, { signer, ...envelope })
  const volumes = volumeFieldsOf(fields)
  const vector = {
    name,
    description,
    message: 'Deployment',
    fields,
    ...(Object.keys(volumes).length > 0 ? { volume_data: volumes } : {}),
    encoded: hex(payload),
    envelope: env,
    ...(envelope.tamper != null ? { tamper: envelope.tamper } : {}),
    ...extra,
    expect
  }
  const got = await recordOutcome(unhex(env.encoded))
  if (got !== expect) throw new Error(`${name}: expected ${expect}, our farmer says ${got}`)
  return vector
}

/** A record vector whose envelope is exactly `size` bytes: the deployment name is valid, one workload's data is padded. */
async function sizedRecord (name: string, description: string, size: number, expect: string): Promise<Json> {
  let pad = size - 400
  for (let i = 0; i < 8; i++) {
    const fields = deploymentFields(1, [{ name: 'pad', type: 'volume', version: '1', data: '00'.repeat(pad) }], T0 + 19 * SECOND)
    const env = await envelopeOf(deploymentMessages.Deployment.encode(wireDeployment(fields)), { signer: 'twin' })
    const got = env.encoded.length / 2
    if (got === size) return recordVector(name, description, fields, { expect })
    pad += size - got
  }
  throw new Error(`no padding gives a ${size}-byte envelope`)
}

export async function generateVectors (): Promise<VectorFiles> {

  const files: Json = {}
  const records: Json[] = []
  const addRecord = (v: Json): Json => { records.push(v); return v }

  const V1_SIGNED = T0 + 19 * SECOND
  const V2_SIGNED = T0 + 59 * SECOND
  const V3_SIGNED = T0 + 89 * SECOND
  const DATA = 20 * GiB // 21 474 836 480: above 2^32
  const LOGS = GiB
  const v1 = addRecord(await recordVector('deployment-v1', 'The twin\'s deployment "my-app", version 1, under the contract of the contract vectors (sru 50 000 000 000): one volume "data" of 20 GiB (VolumeData.size 21474836480, above 2^32). Signed at T0 + 19 s.',
    deploymentFields(1, [volume('data', DATA, 1)], V1_SIGNED)))
  const v2 = addRecord(await recordVector('deployment-v2', 'The update to version 2: "data" unchanged (type and data byte for byte the same, so it keeps version 1), a new volume "logs" of 1 GiB that carries the new version 2. Signed at T0 + 59 s.',
    deploymentFields(2, [volume('data', DATA, 1), volume('logs', LOGS, 2)], V2_SIGNED)))
  const v3 = addRecord(await recordVector('deployment-v3', 'The update to version 3: "data" is dropped (the farmer removes it), "logs" unchanged at version 2. Signed at T0 + 89 s.',
    deploymentFields(3, [volume('logs', LOGS, 2)], V3_SIGNED)))
  const tooBig = addRecord(await recordVector('deployment-v2-too-big', 'A version 2 that adds a 30 GiB volume "big": 20 GiB + 30 GiB = 53 687 091 200 bytes of SSD, more than the contract\'s 50 000 000 000. A valid record, refused by the farmer with DOES_NOT_FIT.',
    deploymentFields(2, [volume('data', DATA, 1), volume('big', 30 * GiB, 2)], T0 + 39 * SECOND)))
  const container = addRecord(await recordVector('deployment-v2-container', 'A version 2 that adds a workload of type "container" (empty data), which the farmer has no driver for. A valid record, refused with UNSUPPORTED_WORKLOAD.',
    deploymentFields(2, [volume('data', DATA, 1), { name: 'web', type: 'container', version: '2', data: '' }], T0 + 41 * SECOND)))
  const changedOld = addRecord(await recordVector('deployment-v2-changed-old-version', 'A version 2 in which "data" grows to 25 GiB but still says version 1: a workload that changed must carry the new version. A valid record, refused with BAD_REQUEST.',
    deploymentFields(2, [volume('data', 25 * GiB, 1)], T0 + 43 * SECOND)))
  const tiny = addRecord(await recordVector('deployment-v2-tiny-volume', 'A version 2 that adds a volume "tiny" of 1 048 575 bytes, one byte under the 1 MiB minimum. A valid record, refused with BAD_REQUEST by the volume driver\'s check.',
    deploymentFields(2, [volume('data', DATA, 1), volume('tiny', MiB - 1, 2)], T0 + 45 * SECOND)))
  const byOther = addRecord(await recordVector('deployment-by-other', 'A deployment signed by "other" for itself (twin = other) under the twin\'s contract. A valid record; the farmer answers NOT_FOUND, as for a contract that does not exist.',
    deploymentFields(1, [volume('data', GiB, 1)], T0 + 35 * SECOND, { twin: peerIdHex('other') }), { signer: 'other' }))
  const noContract = addRecord(await recordVector('deployment-unknown-contract', 'A deployment by the twin under a contract id that the farmer does not hold (ff…ff). A valid record; NOT_FOUND.',
    deploymentFields(1, [volume('data', GiB, 1)], T0 + 36 * SECOND, { contract_id: OTHER_CONTRACT })))
  addRecord(await recordVector('deployment-empty', 'A deployment with no workloads (allowed: it runs nothing). The payload has no field 5.',
    deploymentFields(1, [], V1_SIGNED, { name: 'empty' })))
  addRecord(await recordVector('deployment-max-workloads', 'A deployment with exactly 64 volumes ("w00" … "w63", 1 MiB each), the most a deployment holds.',
    deploymentFields(1, Array.from({ length: 64 }, (_, i) => volume(`w${String(i).padStart(2, '0')}`, MiB, 1)), V1_SIGNED, { name: 'many' })))
  addRecord(await recordVector('deployment-name-limits', 'Names at their limits: a 36-character deployment name and workload names using every allowed kind of character (a-z, 0-9, "_", "-").',
    deploymentFields(1, [volume('a', MiB, 1), volume('0_z-9', MiB, 1)], V1_SIGNED, { name: 'abcdefghijklmnopqrstuvwxyz_-01234567' })))
  addRecord(await sizedRecord('deployment-max-size', 'An envelope of exactly 65 536 bytes, the largest allowed: one workload "pad" whose data is padded with zero bytes. The record check accepts it (a farmer would then refuse the padded volume data with BAD_REQUEST).', 64 * KiB, 'ACCEPT'))

  // the application encoder (what a twin signs) gives the same envelope bytes
  for (const v of [v1, v2, v3]) {
    const deployment = await openDeployment(unhex(v.envelope.encoded))
    if (hex(await signDeployment({ ...deployment, signedAt: deployment.signedAt }, keys.twin.privateKey)) !== v.envelope.encoded) throw new Error(`${v.name}: signDeployment gives other bytes`)
  }

  files['records.json'] = {
    protocol: DEPLOYMENT_PROTOCOL,
    description: 'Signed deployments (domain p2pcloud-deployment, payload type /p2pcloud/deployment/deployment), all signed by the twin and valid as records: the farmer\'s record checks (deployment.md §5.3, checks 1-10) give ACCEPT. Some are refused later by checks that need the farmer\'s state (stream.json). "volume_data" gives, for each volume workload, the VolumeData fields its "data" encodes.',
    keys: keysJson(['twin', 'other']),
    vectors: [
      {
        name: 'volume-data',
        description: 'VolumeData of a 20 GiB volume: size 21474836480.',
        message: 'VolumeData',
        fields: { size: String(DATA) },
        encoded: volumeData(DATA),
        expect: 'ACCEPT'
      },
      {
        name: 'volume-data-min',
        description: 'VolumeData of the smallest volume, 1 MiB: size 1048576.',
        message: 'VolumeData',
        fields: { size: String(MiB) },
        encoded: volumeData(MiB),
        expect: 'ACCEPT'
      },
      ...records
    ]
  }

  // ---- records-invalid.json: deployments the farmer refuses on the record alone ---------------

  const invalid: Json[] = []
  invalid.push(await recordVector('twin-not-signer', '"deployment-v1" (twin = the twin) signed by "other": the twin field must name the signer.',
    v1.fields, { signer: 'other', expect: 'INVALID_SIGNATURE' }))
  invalid.push(await recordVector('bad-workload-name', 'A workload named "Data" (upper case is not allowed by ^[a-z0-9_-]{1,36}$).',
    deploymentFields(1, [volume('Data', DATA, 1)], V1_SIGNED), { expect: 'BAD_REQUEST' }))
  invalid.push(await recordVector('duplicate-workload-names', 'Two workloads named "data".',
    deploymentFields(1, [volume('data', GiB, 1), volume('data', GiB, 1)], V1_SIGNED), { expect: 'BAD_REQUEST' }))
  invalid.push(await recordVector('workload-name-too-long', 'A workload name of 37 characters.',
    deploymentFields(1, [volume('a'.repeat(37), GiB, 1)], V1_SIGNED), { expect: 'BAD_REQUEST' }))
  invalid.push(await recordVector('bad-deployment-name', 'A deployment named "my app" (a space is not allowed).',
    deploymentFields(1, [volume('data', GiB, 1)], V1_SIGNED, { name: 'my app' }), { expect: 'BAD_REQUEST' }))
  invalid.push(await recordVector('empty-deployment-name', 'A deployment with an empty name (field 3 absent).',
    deploymentFields(1, [volume('data', GiB, 1)], V1_SIGNED, { name: '' }), { expect: 'BAD_REQUEST' }))
  invalid.push(await recordVector('too-many-workloads', '65 workloads, one over the limit of 64.',
    deploymentFields(1, Array.from({ length: 65 }, (_, i) => volume(`w${String(i).padStart(2, '0')}`, MiB, 1)), V1_SIGNED, { name: 'many' }), { expect: 'BAD_REQUEST' }))
  invalid.push(await recordVector('workload-version-zero', 'A workload with version 0 (field 3 absent): versions start at 1.',
    deploymentFields(1, [volume('data', GiB, 0)], V1_SIGNED), { expect: 'BAD_REQUEST' }))
  invalid.push(await recordVector('workload-version-ahead', 'A version 2 deployment holding a workload at version 3, later than the deployment itself.',
    deploymentFields(2, [volume('data', GiB, 3)], V2_SIGNED), { expect: 'BAD_REQUEST' }))
  invalid.push(await recordVector('wrong-domain', '"deployment-v1" signed for the domain p2pcloud-contract: the signature does not verify for p2pcloud-deployment.',
    v1.fields, { envelope: { domain: 'p2pcloud-contract' }, expect: 'INVALID_SIGNATURE' }))
  invalid.push(await recordVector('wrong-payload-type', '"deployment-v1" in an envelope whose payload type is /p2pcloud/contract/proposal.',
    v1.fields, { envelope: { payloadType: '/p2pcloud/contract/proposal' }, expect: 'BAD_REQUEST' }))
  invalid.push(await recordVector('bad-signature', '"deployment-v1" with bit 0 of signature byte 0 flipped after signing (see "tamper").',
    v1.fields, { envelope: { tamper: { byte: 0, xor: 1 } }, expect: 'INVALID_SIGNATURE' }))
  invalid.push(await sizedRecord('oversized', 'An envelope of 65 537 bytes, one over the 65 536-byte limit: refused before anything is decoded.', 64 * KiB + 1, 'TOO_LARGE'))
  files['records-invalid.json'] = {
    protocol: DEPLOYMENT_PROTOCOL,
    description: 'Signed deployments the farmer refuses on the record alone, whatever its state (deployment.md §5.3, checks 1-10); "expect" is the error code it answers (deployment.md §6).',
    keys: keysJson(['twin', 'other']),
    vectors: invalid
  }

  // ---- stream.json: requests and responses, replayed against the js farmer ---------------------

  const streamVectors: Json[] = []
  function messageVector (message: 'Request' | 'Response', name: string, description: string, fields: Json, rest: Json = {}): Json {
    const encoded = message === 'Request' ? deploymentMessages.Request.encode(wireRequest(fields)) : deploymentMessages.Response.encode(wireResponse(fields))
    const vector = { name, description, message, fields, ...vectorKit.encodedAndFrame(encoded), ...rest }
    streamVectors.push(vector)
    return vector
  }
  /** A request by `from` at `nowMs`, to `responder`, answered by the response vector `reply`; `settleMs`: the farmer's clock while its provisioner converges afterwards. */
  interface RequestOptions { from?: KeyName, nowMs: number, settleMs?: number, responder?: string, record?: string, reply: string, expect: string }
  function requestVector (name: string, description: string, fields: Json, { from = 'twin', nowMs, settleMs, responder = 'farmer', record, reply, expect }: RequestOptions): Json {
    return messageVector('Request', name, description, fields, {
      from, responder, now_ms: String(nowMs), ...(settleMs != null ? { settle_ms: String(settleMs) } : {}), ...(record != null ? { record } : {}), reply, expect
    })
  }
  function responseVector (name: string, description: string, fields: Json, { inReplyTo, expect }: { inReplyTo: string, expect: string }): Json {
    return messageVector('Response', name, description, fields, { in_reply_to: inReplyTo, remote_peer: keys.farmer.id, expect })
  }
  const errorFields = (code: string, message: string, retryAfterMs = 0): Json => ({ error: { code, message, retry_after_ms: String(retryAfterMs) } })
  const workloadStatus = (name: string, version: number, state: string, changedAt: number, message = '', type = 'volume'): Json => ({ name, type, version: String(version), state, message, changed_at_ms: String(changedAt) })
  const statusFields = (version: number, workloads: Json[]): Json => ({ status: { contract_id: contractId, name: 'my-app', version: String(version), workloads } })
  const deployOf = (v: Json): Json => ({ deployment_envelope: v.envelope.encoded })
  const ref = { contract_id: contractId }

  const AT = (s: number): number => T0 + s * SECOND
  requestVector('request-get-none', 'At T0 + 10 s, after booking the contract, the twin asks for its deployment before it made one.', { get: ref }, { nowMs: AT(10), reply: 'response-no-deployment', expect: 'NOT_FOUND' })
  responseVector('response-no-deployment', 'NOT_FOUND: no such deployment (for this requester). The same answer for a contract without a deployment, another twin\'s deployment, and an unknown id.', errorFields('NOT_FOUND', 'no such deployment'), { inReplyTo: 'request-get-none', expect: 'NOT_FOUND' })
  requestVector('request-deploy-v1', 'At T0 + 20 s the twin sends "deployment-v1". The farmer checks it, stores it and answers at once; its provisioner then creates the volume (done at T0 + 21 s, settle_ms).', deployOf(v1), { nowMs: AT(20), settleMs: AT(21), record: 'deployment-v1', reply: 'response-deploy-v1', expect: 'ACCEPT' })
  responseVector('response-deploy-v1', 'Version 1 accepted: "data" is INIT (state 0, so field 4 is absent) since T0 + 20 s.', statusFields(1, [workloadStatus('data', 1, 'INIT', AT(20))]), { inReplyTo: 'request-deploy-v1', expect: 'ACCEPT' })
  requestVector('request-get-v1', 'At T0 + 30 s the twin polls.', { get: ref }, { nowMs: AT(30), reply: 'response-get-v1', expect: 'ACCEPT' })
  responseVector('response-get-v1', '"data" is OK since T0 + 21 s.', statusFields(1, [workloadStatus('data', 1, 'OK', AT(21))]), { inReplyTo: 'request-get-v1', expect: 'ACCEPT' })
  requestVector('request-deploy-v1-replay', 'At T0 + 31 s the same "deployment-v1" bytes again (a replay, or a retry after a lost answer).', deployOf(v1), { nowMs: AT(31), record: 'deployment-v1', reply: 'response-stale-replay', expect: 'STALE_VERSION' })
  responseVector('response-stale-replay', 'STALE_VERSION, naming the version expected and the version held.', errorFields('STALE_VERSION', 'deployment version 1 given, 2 expected (the farmer holds version 1)'), { inReplyTo: 'request-deploy-v1-replay', expect: 'STALE_VERSION' })
  requestVector('request-deploy-v3-early', 'At T0 + 32 s "deployment-v3" while the farmer holds version 1: versions cannot be skipped.', deployOf(v3), { nowMs: AT(32), record: 'deployment-v3', reply: 'response-stale-ahead', expect: 'STALE_VERSION' })
  responseVector('response-stale-ahead', 'STALE_VERSION: version 2 is the only one the farmer takes now.', errorFields('STALE_VERSION', 'deployment version 3 given, 2 expected (the farmer holds version 1)'), { inReplyTo: 'request-deploy-v3-early', expect: 'STALE_VERSION' })
  requestVector('request-deploy-relayed', 'At T0 + 33 s "other" sends the twin\'s "deployment-v1": the sender must be the twin the deployment names.', deployOf(v1), { from: 'other', nowMs: AT(33), record: 'deployment-v1', reply: 'response-unauthorized', expect: 'UNAUTHORIZED' })
  responseVector('response-unauthorized', 'UNAUTHORIZED, in the farmer\'s words.', errorFields('UNAUTHORIZED', `the deployment is signed by ${keys.twin.id}, but ${keys.other.id} sent it`), { inReplyTo: 'request-deploy-relayed', expect: 'UNAUTHORIZED' })
  requestVector('request-deploy-by-other', 'At T0 + 35 s "other" sends its own signed deployment ("deployment-by-other") under the twin\'s contract.', deployOf(byOther), { from: 'other', nowMs: AT(35), record: 'deployment-by-other', reply: 'response-no-contract', expect: 'NOT_FOUND' })
  responseVector('response-no-contract', 'NOT_FOUND: no such contract (for this requester): the same answer as for a contract id the farmer does not hold.', errorFields('NOT_FOUND', 'no such contract'), { inReplyTo: 'request-deploy-by-other', expect: 'NOT_FOUND' })
  requestVector('request-deploy-unknown-contract', 'At T0 + 36 s the twin deploys under a contract id the farmer does not hold: "response-no-contract" byte for byte.', deployOf(noContract), { nowMs: AT(36), record: 'deployment-unknown-contract', reply: 'response-no-contract', expect: 'NOT_FOUND' })
  requestVector('request-get-by-other', 'At T0 + 37 s "other" asks for the twin\'s deployment: "response-no-deployment" byte for byte.', { get: ref }, { from: 'other', nowMs: AT(37), reply: 'response-no-deployment', expect: 'NOT_FOUND' })
  {
    const stranger = await recordVector('', '', v2.fields, { signer: 'other', expect: 'INVALID_SIGNATURE' })
    requestVector('request-deploy-not-signed-by-twin', 'At T0 + 38 s the twin sends "deployment-v2" signed with the key of "other" (its twin field still names the twin).', { deployment_envelope: stranger.envelope.encoded }, { nowMs: AT(38), reply: 'response-invalid-signature', expect: 'INVALID_SIGNATURE' })
    responseVector('response-invalid-signature', 'INVALID_SIGNATURE: the deployment names a twin that did not sign it.', errorFields('INVALID_SIGNATURE', `deployment for twin ${keys.twin.id} is signed by ${keys.other.id}`), { inReplyTo: 'request-deploy-not-signed-by-twin', expect: 'INVALID_SIGNATURE' })
  }
  requestVector('request-deploy-too-big', 'At T0 + 40 s "deployment-v2-too-big".', deployOf(tooBig), { nowMs: AT(40), record: 'deployment-v2-too-big', reply: 'response-does-not-fit', expect: 'DOES_NOT_FIT' })
  responseVector('response-does-not-fit', 'DOES_NOT_FIT, naming each unit that does not fit with what the workloads need and what the contract holds.', errorFields('DOES_NOT_FIT', 'the workloads need sru=53687091200 but the contract holds sru=50000000000'), { inReplyTo: 'request-deploy-too-big', expect: 'DOES_NOT_FIT' })
  requestVector('request-deploy-container', 'At T0 + 42 s "deployment-v2-container".', deployOf(container), { nowMs: AT(42), record: 'deployment-v2-container', reply: 'response-unsupported-workload', expect: 'UNSUPPORTED_WORKLOAD' })
  responseVector('response-unsupported-workload', 'UNSUPPORTED_WORKLOAD, naming the type and the types this farmer runs.', errorFields('UNSUPPORTED_WORKLOAD', 'workload type "container" is not supported by this farmer (it runs: volume)'), { inReplyTo: 'request-deploy-container', expect: 'UNSUPPORTED_WORKLOAD' })
  requestVector('request-deploy-changed-old-version', 'At T0 + 44 s "deployment-v2-changed-old-version".', deployOf(changedOld), { nowMs: AT(44), record: 'deployment-v2-changed-old-version', reply: 'response-changed-old-version', expect: 'BAD_REQUEST' })
  responseVector('response-changed-old-version', 'BAD_REQUEST: a changed workload must carry the new version.', errorFields('BAD_REQUEST', 'workload "data" changed, so it must carry the new version 2, not 1'), { inReplyTo: 'request-deploy-changed-old-version', expect: 'BAD_REQUEST' })
  requestVector('request-deploy-tiny-volume', 'At T0 + 46 s "deployment-v2-tiny-volume".', deployOf(tiny), { nowMs: AT(46), record: 'deployment-v2-tiny-volume', reply: 'response-tiny-volume', expect: 'BAD_REQUEST' })
  responseVector('response-tiny-volume', 'BAD_REQUEST from the volume driver\'s check.', errorFields('BAD_REQUEST', 'volume "tiny": size 1048575 is below the minimum of 1 MiB'), { inReplyTo: 'request-deploy-tiny-volume', expect: 'BAD_REQUEST' })
  requestVector('request-deploy-v2', 'At T0 + 60 s the twin sends "deployment-v2"; the new volume is created by T0 + 61 s.', deployOf(v2), { nowMs: AT(60), settleMs: AT(61), record: 'deployment-v2', reply: 'response-deploy-v2', expect: 'ACCEPT' })
  responseVector('response-deploy-v2', 'Version 2 accepted: "data" is unchanged and keeps its state (OK since T0 + 21 s); "logs" is new: INIT since T0 + 60 s.', statusFields(2, [workloadStatus('data', 1, 'OK', AT(21)), workloadStatus('logs', 2, 'INIT', AT(60))]), { inReplyTo: 'request-deploy-v2', expect: 'ACCEPT' })
  requestVector('request-deploy-v3', 'At T0 + 90 s the twin sends "deployment-v3", which drops "data"; the farmer has removed it by T0 + 91 s.', deployOf(v3), { nowMs: AT(90), settleMs: AT(91), record: 'deployment-v3', reply: 'response-deploy-v3', expect: 'ACCEPT' })
  responseVector('response-deploy-v3', 'Version 3 accepted: "logs" OK since T0 + 61 s; the dropped "data" is listed after the workloads of the deployment, with its old version, INIT since T0 + 90 s and the message "being removed".', statusFields(3, [workloadStatus('logs', 2, 'OK', AT(61)), workloadStatus('data', 1, 'INIT', AT(90), 'being removed')]), { inReplyTo: 'request-deploy-v3', expect: 'ACCEPT' })
  requestVector('request-get-v3', 'At T0 + 100 s the twin polls.', { get: ref }, { nowMs: AT(100), reply: 'response-get-v3', expect: 'ACCEPT' })
  responseVector('response-get-v3', '"logs" OK; "data" DELETED since T0 + 91 s (it disappears from the status with the next version).', statusFields(3, [workloadStatus('logs', 2, 'OK', AT(61)), workloadStatus('data', 1, 'DELETED', AT(91))]), { inReplyTo: 'request-get-v3', expect: 'ACCEPT' })
  requestVector('request-watch', 'At T0 + 101 s the twin asks to watch: a streaming call.', { watch: ref }, { nowMs: AT(101), reply: 'response-watch-first', expect: 'ACCEPT' })
  responseVector('response-watch-first', 'The first frame of the watch: the status at that moment (later frames follow each change, and at least every 5 s).', statusFields(3, [workloadStatus('logs', 2, 'OK', AT(61)), workloadStatus('data', 1, 'DELETED', AT(91))]), { inReplyTo: 'request-watch', expect: 'ACCEPT' })
  requestVector('request-two-calls', 'A request that sets both get and delete.', { get: ref, delete: ref }, { nowMs: AT(102), reply: 'response-bad-request', expect: 'BAD_REQUEST' })
  responseVector('response-bad-request', 'BAD_REQUEST: a request makes exactly one call.', errorFields('BAD_REQUEST', 'a request makes exactly one call'), { inReplyTo: 'request-two-calls', expect: 'BAD_REQUEST' })
  requestVector('request-empty', 'A request that sets no call: the empty message, frame 00. Answered with "response-bad-request".', {}, { nowMs: AT(103), reply: 'response-bad-request', expect: 'BAD_REQUEST' })
  requestVector('request-delete-by-other', 'At T0 + 104 s "other" tries to delete the twin\'s deployment: "response-no-deployment".', { delete: ref }, { from: 'other', nowMs: AT(104), reply: 'response-no-deployment', expect: 'NOT_FOUND' })
  requestVector('request-delete', 'At T0 + 110 s the twin deletes its deployment; the farmer has removed every workload by T0 + 111 s and then forgets the deployment.', { delete: ref }, { nowMs: AT(110), settleMs: AT(111), reply: 'response-delete', expect: 'ACCEPT' })
  responseVector('response-delete', 'The status when the delete was recorded: workloads still in their states (removal has only begun). The twin polls until NOT_FOUND.', statusFields(3, [workloadStatus('logs', 2, 'OK', AT(61)), workloadStatus('data', 1, 'DELETED', AT(91))]), { inReplyTo: 'request-delete', expect: 'ACCEPT' })
  requestVector('request-get-deleted', 'At T0 + 120 s the twin polls after the delete: "response-no-deployment".', { get: ref }, { nowMs: AT(120), reply: 'response-no-deployment', expect: 'NOT_FOUND' })
  requestVector('request-deploy-expired', 'At T0 + 31 days the lease (30 days from T0 + 6 s) is over: the contract is EXPIRED. The twin sends "deployment-v1" again (after the delete, version 1 is the expected one).', deployOf(v1), { nowMs: T0 + 31 * DAY, record: 'deployment-v1', reply: 'response-contract-not-active', expect: 'CONTRACT_NOT_ACTIVE' })
  responseVector('response-contract-not-active', 'CONTRACT_NOT_ACTIVE, naming the contract and its state.', errorFields('CONTRACT_NOT_ACTIVE', `contract ${contractId} is expired; renew it or make a new one`), { inReplyTo: 'request-deploy-expired', expect: 'CONTRACT_NOT_ACTIVE' })
  requestVector('request-get-not-a-farmer', 'A get sent to a peer that registers the protocol but runs no deployments ("responder": "not-a-farmer"; the js farmer answers so while it starts).', { get: ref }, { nowMs: T0 + 31 * DAY + SECOND, responder: 'not-a-farmer', reply: 'response-not-a-farmer', expect: 'NOT_FOUND' })
  responseVector('response-not-a-farmer', 'NOT_FOUND from a peer that runs no deployments.', errorFields('NOT_FOUND', 'this peer is not a farmer; it runs no deployments'), { inReplyTo: 'request-get-not-a-farmer', expect: 'NOT_FOUND' })
  {
    const ms = Math.ceil(1000 / DEPLOYMENT_LIMITS.ratePerSecond)
    responseVector('response-rate-limited', `Over the per-peer rate (${DEPLOYMENT_LIMITS.ratePerSecond}/s, burst ${DEPLOYMENT_LIMITS.burst}): RATE_LIMITED with retry_after_ms. Not replayed: the request itself is valid.`, errorFields('RATE_LIMITED', `too many requests; retry in ${ms} ms`, ms), { inReplyTo: 'request-get-v1', expect: 'RATE_LIMITED' })
  }
  {
    // a status for another contract than the one asked for: the twin must not use it
    const other = statusFields(1, [workloadStatus('data', 1, 'OK', AT(21))])
    other.status.contract_id = OTHER_CONTRACT
    responseVector('response-get-other-contract', 'An answer to "request-get-v1" whose status is for another contract id (ff…ff) than the one asked for: the twin refuses it.', other, { inReplyTo: 'request-get-v1', expect: 'UNAUTHORIZED' })
  }

  files['stream.json'] = {
    protocol: DEPLOYMENT_PROTOCOL,
    description: 'Requests and responses of /p2pcloud/deployment/1.1.0 with their frames. The Request vectors are one session with one farmer, in order: each is sent by "from" at "now_ms" to "responder" (the farmer below, or a peer that runs no deployments) and is answered by the Response vector named in "reply"; "record" names the signed deployment of records.json it carries; after answering, the farmer\'s provisioner converges with its clock at "settle_ms" before the next request. Response vectors name the request they answer ("in_reply_to") and the farmer that sent them ("remote_peer"); their "expect" is what the twin concludes.',
    keys: keysJson(['farmer', 'twin', 'other']),
    farmer_state: {
      total: TOTAL,
      drivers: ['volume'],
      contract: {
        contract_id: contractId,
        proposal_envelope: hex(proposalEnvelope),
        resources: ASKED,
        state: 'ACTIVE',
        booked_at_ms: String(BOOKED),
        lease_end_ms: String(BOOKED + LEASE),
        grace_ms: String(GRACE),
        note: 'the contract of protocols/vectors/contract/ (vector "contract-id"), booked at booked_at_ms with the quote of records.json there; no deployment at the start'
      }
    },
    vectors: streamVectors
  }

  await replayStream(files['stream.json'])
  // the twin's verdict on every response
  const byName = vectorKit.byName(streamVectors)
  for (const v of streamVectors.filter(v => v.message === 'Response')) {
    const got = twinOutcome(deploymentMessages.Response.decode(unhex(v.encoded)), deploymentMessages.Request.decode(unhex(byName.get(v.in_reply_to).encoded)))
    if (got !== v.expect) throw new Error(`${v.name}: the twin says ${got}, not ${v.expect}`)
  }

  return Object.fromEntries(Object.entries(files).map(([name, content]) => [`deployment/${name}`, content]))
}
