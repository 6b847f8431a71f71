import assert from 'node:assert/strict'
import { readdirSync } from 'node:fs'
import { rm } from 'node:fs/promises'
import { join } from 'node:path'
import { RecordEnvelope } from '@libp2p/peer-record'
import { MemoryDatastore } from 'datastore-core'
import { CapacityAccount, resourcesFromWire, type Resources } from '@p2pcloud/capacity'
import { Ledger } from '@p2pcloud/contracts'
import { deploymentMessages, vectorKit, wireMessage } from '@p2pcloud/wire'
import { tempDir } from '@p2pcloud/test-utils'
import { DriverRegistry, Provisioner, VolumeDriver, deploymentResponder, openDeployment } from '../src/index.js'

/**
 * What the deployment vectors' generator (deployment-vectors.ts) and their test (vectors.test.ts)
 * both do: a vector's fields (proto field names, uint64 as decimal strings, bytes as hex) as the
 * protons message, the verdicts of the farmer's record check and of the twin, and the replay of
 * stream.json against our farmer.
 */

type Json = vectorKit.Json
type Key = vectorKit.VectorKey

const { hex, unhex } = vectorKit

/** The keys of a vector file: Ed25519 only. */
export const loadKeys = async (json: Json): Promise<Record<string, Key>> => vectorKit.loadKeys(json, ['Ed25519'])

const amount = (r: Json): Resources => resourcesFromWire(vectorKit.resources(r))

export const wireVolumeData = (f: Json): deploymentMessages.VolumeData => ({ size: Number(f.size) })
const wireWorkload = (f: Json): deploymentMessages.Workload => ({ name: f.name, type: f.type, version: Number(f.version), data: unhex(f.data) })
export const wireDeployment = (f: Json): deploymentMessages.Deployment => ({
  contractId: unhex(f.contract_id),
  twin: unhex(f.twin),
  name: f.name,
  version: Number(f.version),
  workloads: (f.workloads ?? []).map(wireWorkload),
  signedAtMs: Number(f.signed_at_ms)
})
const wireWorkloadStatus = (f: Json): deploymentMessages.WorkloadStatus => ({
  name: f.name, type: f.type, version: Number(f.version), state: f.state, message: f.message, changedAtMs: Number(f.changed_at_ms), result: unhex(f.result ?? '')
})
const wireStatus = (f: Json): deploymentMessages.DeploymentStatus => ({
  contractId: unhex(f.contract_id), name: f.name, version: Number(f.version), workloads: (f.workloads ?? []).map(wireWorkloadStatus)
})
const { compact } = vectorKit
const ref = (f: Json): deploymentMessages.DeploymentRef | undefined => f == null ? undefined : { contractId: unhex(f.contract_id) }
export const wireRequest = (f: Json): deploymentMessages.Request => compact({
  deploymentEnvelope: f.deployment_envelope == null ? new Uint8Array() : unhex(f.deployment_envelope),
  delete: ref(f.delete),
  get: ref(f.get),
  watch: ref(f.watch)
}) as deploymentMessages.Request
export const wireResponse = (f: Json): deploymentMessages.Response => compact({
  error: vectorKit.wireError(f.error),
  status: f.status == null ? undefined : wireStatus(f.status)
})

/** (ii) what the farmer's record check says: ACCEPT, or the error code it refuses the deployment with. */
export async function recordOutcome (envelope: Uint8Array): Promise<string> {
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
export function twinOutcome (response: deploymentMessages.Response, request: deploymentMessages.Request): string {
  if (response.error != null) return response.error.code
  if (response.status == null) return 'INTERNAL'
  return hex(response.status.contractId) === askedContract(request) ? 'ACCEPT' : 'UNAUTHORIZED'
}

/**
 * stream.json (its `farmer_state`, `keys` and `vectors`), replayed in order against our farmer
 * (Ledger + Provisioner + VolumeDriver + deploymentResponder, volumes in a temporary directory):
 * every request gets its reply vector, and the deleted deployment leaves nothing behind.
 */
export async function replayStream (content: Json): Promise<void> {
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
}
