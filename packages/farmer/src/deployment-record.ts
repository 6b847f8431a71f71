import type { PrivateKey } from '@libp2p/interface'
import { DEPLOYMENT_RECORD, DeploymentErrorCodes, ErrorCodes, contractIdFromBytes, contractIdToBytes, peerIdFromBytes, peerIdToBytes, MAX_WORKLOADS, ProtocolError, WORKLOAD_NAME, deploymentMessages, openRecord, sealRecord } from '@p2pcloud/wire'

/** One workload as a deployment asks for it; `data` is the type's own message. */
export interface WorkloadSpec {
  name: string
  type: string
  version: number
  data: Uint8Array
}

export interface Deployment {
  contractId: string
  twin: string
  name: string
  version: number
  workloads: WorkloadSpec[]
  signedAt: number
}

export async function signDeployment (deployment: Deployment, twinKey: PrivateKey): Promise<Uint8Array> {
  return sealRecord(DEPLOYMENT_RECORD, deploymentMessages.Deployment.encode({
    contractId: contractIdToBytes(deployment.contractId),
    twin: peerIdToBytes(deployment.twin),
    name: deployment.name,
    version: deployment.version,
    workloads: deployment.workloads.map(w => ({ ...w, data: w.data as Uint8Array<ArrayBuffer> })),
    signedAtMs: deployment.signedAt
  }), twinKey)
}

/** Verify a deployment: the twin signed it, it names itself as that twin, and its names are valid and unique. */
export async function openDeployment (envelope: Uint8Array): Promise<Deployment> {
  let opened
  try {
    opened = await openRecord(DEPLOYMENT_RECORD, envelope)
  } catch (err: any) {
    const code = err.problem === 'TOO_LARGE' ? ErrorCodes.TOO_LARGE : err.problem === 'BAD_SIGNATURE' || err.problem === 'KEY_TYPE' ? DeploymentErrorCodes.INVALID_SIGNATURE : ErrorCodes.BAD_REQUEST
    throw new ProtocolError(code, `deployment: ${err.message}`)
  }
  let wire: deploymentMessages.Deployment
  let twin: string
  try {
    wire = deploymentMessages.Deployment.decode(opened.payload)
    twin = peerIdFromBytes(wire.twin)
  } catch (err: any) {
    throw new ProtocolError(ErrorCodes.BAD_REQUEST, `deployment does not decode: ${err.message}`)
  }
  if (twin !== opened.signer.toString()) throw new ProtocolError(DeploymentErrorCodes.INVALID_SIGNATURE, `deployment for twin ${twin} is signed by ${opened.signer.toString()}`)
  if (!WORKLOAD_NAME.test(wire.name)) throw new ProtocolError(ErrorCodes.BAD_REQUEST, `deployment name "${wire.name}" must match ${WORKLOAD_NAME.source}`)
  if (wire.workloads.length > MAX_WORKLOADS) throw new ProtocolError(ErrorCodes.BAD_REQUEST, `a deployment holds at most ${MAX_WORKLOADS} workloads`)
  const names = new Set<string>()
  for (const workload of wire.workloads) {
    if (!WORKLOAD_NAME.test(workload.name)) throw new ProtocolError(ErrorCodes.BAD_REQUEST, `workload name "${workload.name}" must match ${WORKLOAD_NAME.source}`)
    if (names.has(workload.name)) throw new ProtocolError(ErrorCodes.BAD_REQUEST, `workload name "${workload.name}" is used twice`)
    if (workload.version < 1 || workload.version > wire.version) throw new ProtocolError(ErrorCodes.BAD_REQUEST, `workload "${workload.name}" has version ${workload.version}, outside 1..${wire.version}`)
    names.add(workload.name)
  }
  return {
    contractId: contractIdFromBytes(wire.contractId),
    twin,
    name: wire.name,
    version: wire.version,
    workloads: wire.workloads,
    signedAt: wire.signedAtMs
  }
}
