import { addResources, emptyResources, shortfall } from '@p2pcloud/capacity'
import type { ContractRecord, Ledger } from '@p2pcloud/contracts'
import {
  DEPLOYMENT_COMPATIBLE, DEPLOYMENT_LIMITS, DEPLOYMENT_PROTOCOL, DeploymentErrorCodes, ErrorCodes, ProtocolError, contractIdFromBytes, contractIdToBytes,
  deploymentMessages, type Responder
} from '@p2pcloud/wire'
import { openDeployment, type Deployment } from './deployment-record.js'
import type { DriverRegistry } from './drivers.js'
import type { DeploymentRecord, Provisioner, WorkloadState } from './provisioner.js'

type Request = deploymentMessages.Request
type Response = deploymentMessages.Response

export const deploymentCodecs = {
  protocol: DEPLOYMENT_PROTOCOL,
  compatible: DEPLOYMENT_COMPATIBLE,
  request: deploymentMessages.Request,
  response: deploymentMessages.Response,
  limits: DEPLOYMENT_LIMITS
}

const STATES: Record<WorkloadState, deploymentMessages.WorkloadState> = {
  init: deploymentMessages.WorkloadState.INIT,
  ok: deploymentMessages.WorkloadState.OK,
  error: deploymentMessages.WorkloadState.ERROR,
  deleted: deploymentMessages.WorkloadState.DELETED,
  stopped: deploymentMessages.WorkloadState.STOPPED
}

/** The record on the wire, each workload with what its driver reports now (a network's current paths). */
export function statusToWire (record: DeploymentRecord, drivers: DriverRegistry): deploymentMessages.DeploymentStatus {
  const resultOf = (type: string, name: string): Uint8Array<ArrayBuffer> => {
    if (!drivers.types().includes(type)) return new Uint8Array()
    return drivers.get(type).result?.(record.deployment.contractId, name) ?? new Uint8Array()
  }
  return {
    contractId: contractIdToBytes(record.deployment.contractId),
    name: record.deployment.name,
    version: record.deployment.version,
    workloads: record.workloads.map(w => ({ name: w.name, type: w.type, version: w.version, state: STATES[w.state], message: w.message, changedAtMs: w.changedAt, result: w.state === 'deleted' ? new Uint8Array() : resultOf(w.type, w.name) }))
  }
}

export interface DeploymentResponderInit {
  /** False on a peer that is not a farmer: it answers NOT_FOUND. */
  isFarmer: boolean
  ledger: () => Ledger | undefined
  provisioner: () => Provisioner | undefined
  drivers: DriverRegistry
}

/** The checks a farmer makes before it takes a deployment (protocols/deployment.md), against the deployment it holds now. */
function checkDeployment (ledger: Ledger, drivers: DriverRegistry, deployment: Deployment, remotePeer: string, current: DeploymentRecord | undefined, finished?: ContractRecord): void {
  if (deployment.twin !== remotePeer) throw new ProtocolError(ErrorCodes.UNAUTHORIZED, `the deployment is signed by ${deployment.twin}, but ${remotePeer} sent it`)
  const contract = ledger.held(deployment.contractId, remotePeer) ?? finished
  if (contract == null) throw new ProtocolError(ErrorCodes.NOT_FOUND, 'no such contract')
  if (contract.state !== 'active') throw new ProtocolError(DeploymentErrorCodes.CONTRACT_NOT_ACTIVE, `contract ${deployment.contractId} is ${contract.state}; renew it or make a new one`)
  const expected = current == null || current.deleting ? 1 : current.deployment.version + 1
  if (deployment.version !== expected) {
    throw new ProtocolError(DeploymentErrorCodes.STALE_VERSION, `deployment version ${deployment.version} given, ${expected} expected${current != null ? ` (the farmer holds version ${current.deployment.version})` : ''}`)
  }
  let needed = emptyResources()
  for (const workload of deployment.workloads) {
    let driver
    try {
      driver = drivers.get(workload.type)
    } catch (err: any) {
      throw new ProtocolError(DeploymentErrorCodes.UNSUPPORTED_WORKLOAD, err.message)
    }
    const before = current?.deployment.workloads.find(w => w.name === workload.name)
    const unchanged = before != null && before.type === workload.type && Buffer.compare(before.data, workload.data) === 0
    if (!unchanged && workload.version !== deployment.version) {
      throw new ProtocolError(ErrorCodes.BAD_REQUEST, `workload "${workload.name}" changed, so it must carry the new version ${deployment.version}, not ${workload.version}`)
    }
    needed = addResources(needed, driver.resources(workload))
    driver.checkReferences?.(workload, deployment)
  }
  const booked = contract.proposal.quote.resources
  const over = shortfall(booked, needed)
  if (over.length > 0) {
    throw new ProtocolError(DeploymentErrorCodes.DOES_NOT_FIT, `the workloads need ${over.map(u => `${u}=${needed[u]}`).join(', ')} but the contract holds ${over.map(u => `${u}=${booked[u]}`).join(', ')}`)
  }
}

/** The farmer's ledger and provisioner, or the error a peer without them answers with. */
function loaded (init: DeploymentResponderInit): { ledger: Ledger, provisioner: Provisioner } {
  if (!init.isFarmer) throw new ProtocolError(ErrorCodes.NOT_FOUND, 'this peer is not a farmer; it runs no deployments')
  const provisioner = init.provisioner()
  const ledger = init.ledger()
  if (provisioner == null || ledger == null) throw new ProtocolError(ErrorCodes.UNAVAILABLE, 'this farmer is starting; its deployments are not loaded yet', 1000)
  return { ledger, provisioner }
}

/** The twin's own deployment; another twin's answers exactly like one that does not exist. */
function owned (provisioner: Provisioner, contractId: string, twin: string): DeploymentRecord {
  const record = provisioner.get(contractId)
  if (record == null || record.deployment.twin !== twin) throw new ProtocolError(ErrorCodes.NOT_FOUND, 'no such deployment')
  return record
}

/** `/p2pcloud/deployment/1.1.0` (and 1.0.0), farmer side: deploy, update, delete, get, watch. */
export function deploymentResponder (init: DeploymentResponderInit): Responder<Request, Response> {
  return {
    ...deploymentCodecs,
    async respond (request, { remotePeer }) {
      const twin = remotePeer.toString()
      const calls = [request.deploymentEnvelope.byteLength > 0, request.delete != null, request.get != null, request.watch != null].filter(Boolean).length
      if (calls !== 1) throw new ProtocolError(ErrorCodes.BAD_REQUEST, 'a request makes exactly one call')
      // handleRequests sends watch to stream(); only a caller that bypasses it gets here
      if (request.watch != null) throw new ProtocolError(ErrorCodes.BAD_REQUEST, 'watch is a streaming call')
      const { ledger, provisioner } = loaded(init)
      if (request.deploymentEnvelope.byteLength > 0) {
        const deployment = await openDeployment(request.deploymentEnvelope)
        // a contract that is over may be out of the live ledger: read it first, so it is refused for its state
        const finished = deployment.twin === twin && ledger.held(deployment.contractId, twin) == null ? await ledger.get(deployment.contractId, twin) : undefined
        const record = await provisioner.accept(deployment, request.deploymentEnvelope, current => { checkDeployment(ledger, init.drivers, deployment, twin, current, finished) })
        return { status: statusToWire(record, init.drivers) }
      }
      if (request.delete != null) {
        const record = owned(provisioner, contractIdFromBytes(request.delete?.contractId), twin)
        return { status: statusToWire((await provisioner.remove(record.deployment.contractId)) ?? record, init.drivers) }
      }
      return { status: statusToWire(owned(provisioner, contractIdFromBytes(request.get?.contractId), twin), init.drivers) }
    },
    stream (request, { remotePeer, signal }) {
      if (request.watch == null || request.deploymentEnvelope.byteLength > 0 || request.delete != null || request.get != null) return undefined
      return watch(init, contractIdFromBytes(request.watch?.contractId), remotePeer.toString(), signal)
    },
    errorResponse: (error) => ({ error })
  }
}

/** How often a watch repeats the current status when nothing changes, so the twin knows the farmer is there. */
export const WATCH_HEARTBEAT_MS = 5000

/** The record of the next state change of `contractId`'s deployment; undefined after the heartbeat interval or on abort. */
async function nextChange (provisioner: Provisioner, contractId: string, signal: AbortSignal): Promise<DeploymentRecord | undefined> {
  return new Promise<DeploymentRecord | undefined>(resolve => {
    const done = (record?: DeploymentRecord): void => {
      clearTimeout(timer)
      provisioner.removeEventListener('status', onStatus)
      signal.removeEventListener('abort', onAbort)
      resolve(record)
    }
    const onAbort = (): void => { done() }
    const onStatus = (event: CustomEvent<DeploymentRecord>): void => { if (event.detail.deployment.contractId === contractId) done(event.detail) }
    const timer = setTimeout(done, WATCH_HEARTBEAT_MS)
    provisioner.addEventListener('status', onStatus)
    signal.addEventListener('abort', onAbort)
  })
}

/**
 * `watch`: the deployment's status now, then again on every state change (at
 * least every WATCH_HEARTBEAT_MS), until it is deleted or the twin resets.
 */
async function * watch (init: DeploymentResponderInit, contractId: string, twin: string, signal: AbortSignal): AsyncGenerator<Response> {
  const { provisioner } = loaded(init)
  let record = owned(provisioner, contractId, twin)
  while (!signal.aborted) {
    yield { status: statusToWire(record, init.drivers) }
    if (record.deleting && record.workloads.every(w => w.state === 'deleted')) return
    // the changed record itself: the last change of a deletion is gone from the provisioner at once
    const current = await nextChange(provisioner, contractId, signal) ?? provisioner.get(contractId)
    if (current == null) return
    record = current
  }
}
