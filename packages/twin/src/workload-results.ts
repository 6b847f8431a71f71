import type { PeerId } from '@libp2p/interface'
import { deploymentCodecs } from '@p2pcloud/farmer'
import { ErrorCodes, ProtocolError, contractIdFromBytes, contractIdToBytes, request, type StreamOpener, type deploymentMessages } from '@p2pcloud/wire'

/**
 * What each workload of a deployment reports beside its state (WorkloadStatus.result,
 * deployment.md §5.5), by workload name: asked of the farmer with a `get`.
 */
export async function workloadResults (node: StreamOpener, farmer: PeerId, contractId: string, signal?: AbortSignal): Promise<Map<string, Uint8Array>> {
  const response = await request<deploymentMessages.Request, deploymentMessages.Response>(
    node, farmer, deploymentCodecs, { deploymentEnvelope: new Uint8Array(), get: { contractId: contractIdToBytes(contractId) } }, { signal })
  const status = response.status
  if (status == null) throw new ProtocolError(ErrorCodes.INTERNAL, `${farmer.toString()} answered without a status`)
  const about = contractIdFromBytes(status.contractId)
  if (about !== contractId) throw new ProtocolError(ErrorCodes.UNAUTHORIZED, `${farmer.toString()} answered about contract ${about}, not ${contractId}`)
  return new Map(status.workloads.filter(w => w.result.byteLength > 0).map(w => [w.name, w.result]))
}
