import type { PeerId, PrivateKey } from '@libp2p/interface'
import { ErrorCodes, ProtocolError, contractIdFromBytes, contractIdToBytes, deploymentMessages, request, requestStream, type StreamOpener } from '@p2pcloud/wire'
import { deploymentCodecs } from './deployment-protocol.js'
import { signDeployment, type Deployment } from './deployment-record.js'
import type { WorkloadState, WorkloadStatus } from './provisioner.js'

/** A workload's state as the farmer reports it: the shape it keeps, with what its driver reports (a network's NetworkResult, encoded) when anything. */
export interface WorkloadStatusView extends WorkloadStatus {
  result?: Uint8Array<ArrayBuffer>
}

export interface DeploymentStatusView {
  contractId: string
  name: string
  version: number
  workloads: WorkloadStatusView[]
}

const STATES: Partial<Record<deploymentMessages.WorkloadState, WorkloadState>> = {
  [deploymentMessages.WorkloadState.INIT]: 'init',
  [deploymentMessages.WorkloadState.OK]: 'ok',
  [deploymentMessages.WorkloadState.ERROR]: 'error',
  [deploymentMessages.WorkloadState.DELETED]: 'deleted',
  [deploymentMessages.WorkloadState.STOPPED]: 'stopped'
}

function statusFromWire (status: deploymentMessages.DeploymentStatus | undefined, farmer: PeerId): DeploymentStatusView {
  if (status == null) throw new ProtocolError(ErrorCodes.INTERNAL, `${farmer.toString()} answered without a status`)
  return {
    contractId: contractIdFromBytes(status.contractId),
    name: status.name,
    version: status.version,
    workloads: status.workloads.map(w => ({ name: w.name, type: w.type, version: w.version, state: STATES[w.state] ?? 'error', message: w.message, changedAt: w.changedAtMs, ...(w.result.byteLength > 0 ? { result: w.result } : {}) }))
  }
}

/** The twin's side of `/p2pcloud/deployment/1.1.0` (1.0.0 with an older farmer). Refusals arrive as RemoteError in the farmer's words. */
export class DeploymentClient {
  constructor (private readonly node: StreamOpener, private readonly twinKey: PrivateKey) {}

  private async call (farmer: PeerId, message: Partial<deploymentMessages.Request>, signal?: AbortSignal): Promise<DeploymentStatusView> {
    const response = await request<deploymentMessages.Request, deploymentMessages.Response>(
      this.node, farmer, deploymentCodecs, { deploymentEnvelope: new Uint8Array(), ...message }, { signal })
    return statusFromWire(response.status, farmer)
  }

  /** A status must be about the contract asked for; a farmer answering about another one is not to be believed. */
  private checked (status: DeploymentStatusView, contractId: string, farmer: PeerId): DeploymentStatusView {
    if (status.contractId !== contractId) throw new ProtocolError(ErrorCodes.UNAUTHORIZED, `${farmer.toString()} answered about contract ${status.contractId}, not ${contractId}`)
    return status
  }

  /** Sign and send a deployment (version 1 to create, +1 to update). */
  async deploy (farmer: PeerId, deployment: Deployment, signal?: AbortSignal): Promise<DeploymentStatusView> {
    const envelope = await signDeployment(deployment, this.twinKey)
    return this.checked(await this.call(farmer, { deploymentEnvelope: envelope as Uint8Array<ArrayBuffer> }, signal), deployment.contractId, farmer)
  }

  /** The deployment's status as it changes (a heartbeat repeats it); ends when it is deleted. Break out to stop watching. */
  async * watch (farmer: PeerId, contractId: string, signal?: AbortSignal): AsyncGenerator<DeploymentStatusView> {
    const frames = requestStream<deploymentMessages.Request, deploymentMessages.Response>(
      this.node, farmer, deploymentCodecs, { deploymentEnvelope: new Uint8Array(), watch: { contractId: contractIdToBytes(contractId) } }, { signal })
    for await (const frame of frames) yield this.checked(statusFromWire(frame.status, farmer), contractId, farmer)
  }

  async get (farmer: PeerId, contractId: string, signal?: AbortSignal): Promise<DeploymentStatusView> {
    return this.checked(await this.call(farmer, { get: { contractId: contractIdToBytes(contractId) } }, signal), contractId, farmer)
  }

  async delete (farmer: PeerId, contractId: string, signal?: AbortSignal): Promise<DeploymentStatusView> {
    return this.checked(await this.call(farmer, { delete: { contractId: contractIdToBytes(contractId) } }, signal), contractId, farmer)
  }
}
