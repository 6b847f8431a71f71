import { contractIdOf, openProposal } from '@p2pcloud/contracts'
import type { Ledger } from '@p2pcloud/contracts'
import { openDeployment, type Deployment, type Provisioner } from '@p2pcloud/farmer'
import { GATEWAY_FQDN_TYPE, GATEWAY_NAME_TYPE, decodeGatewayData, deploymentMessages, type gatewayTunnelMessages } from '@p2pcloud/wire'

/** What the backend's farmer holds that a tunnel's proof is checked against. */
export interface TunnelHoldings {
  /** Whether contract `id` is in the live ledger, held by `twin` and active. */
  activeContract(id: string, twin: string): boolean
  /** The deployment held for contract `id`, unless it is being deleted. */
  deployment(id: string): Deployment | undefined
}

/** A farmer's holdings: its ledger's live contracts and its provisioner's deployments. */
export function farmerHoldings (ledger: Pick<Ledger, 'held'>, provisioner: Pick<Provisioner, 'get'>): TunnelHoldings {
  return {
    activeContract: (id, twin) => ledger.held(id, twin)?.state === 'active',
    deployment: id => {
      const record = provisioner.get(id)
      return record === undefined || record.deleting ? undefined : record.deployment
    }
  }
}

/** Where a checked tunnel goes: a port of a container of the twin's backend deployment. */
export interface TunnelTarget {
  twin: string
  contractId: string
  workload: string
  port: number
  /** The container's network (its network_id, hex) and address there; undefined when it has none. */
  network?: { networkId: string, ip: string }
}

/** The proof does not check out; the message says why, for the farmer's log only (the gateway is told NOT_FOUND). */
export class TunnelProofError extends Error {
  override name = 'TunnelProofError'
}

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex')

async function opened<T> (what: string, open: () => Promise<T>): Promise<T> {
  try {
    return await open()
  } catch (err: any) {
    throw new TunnelProofError(`${what}: ${err.message as string}`)
  }
}

/**
 * Checks a TunnelOpen from peer `gateway` (gateway-tunnel.md §5.1), in order: the proposal's
 * and its quote's signatures, that the quote's farmer is `gateway`, the deployment's signature,
 * that the deployment runs under that proposal's contract and is the same twin's, that it holds
 * the named gateway workload with valid data granted until now or later (its backend's
 * `valid_until_ms`), and that its backend is an active contract of the
 * same twin here whose deployment has that container workload. Returns the container's port.
 */
export async function checkTunnelOpen (open: gatewayTunnelMessages.TunnelOpen, gateway: string, holdings: TunnelHoldings, now = Date.now()): Promise<TunnelTarget> {
  const proposal = await opened('the proposal', async () => await openProposal(open.proposalEnvelope))
  if (proposal.quote.farmer !== gateway) throw new TunnelProofError(`the proposal's contract is with ${proposal.quote.farmer}, not with the peer ${gateway}`)
  const deployment = await opened('the deployment', async () => await openDeployment(open.deploymentEnvelope))
  if (deployment.contractId !== contractIdOf(open.proposalEnvelope)) throw new TunnelProofError(`the deployment runs under contract ${deployment.contractId}, not the proposal's`)
  if (deployment.twin !== proposal.twin) throw new TunnelProofError(`the deployment is ${deployment.twin}'s, the proposal ${proposal.twin}'s`)
  const twin = deployment.twin
  const gatewayWorkload = deployment.workloads.find(w => w.name === open.workload && (w.type === GATEWAY_NAME_TYPE || w.type === GATEWAY_FQDN_TYPE))
  if (gatewayWorkload === undefined) throw new TunnelProofError(`the deployment has no gateway workload "${open.workload}"`)
  const { backend } = await opened('the gateway workload', async () => decodeGatewayData(gatewayWorkload))
  if (backend.validUntil < now) throw new TunnelProofError(`the twin granted this backend until ${new Date(backend.validUntil).toISOString()}`)
  if (!holdings.activeContract(backend.contractId, twin)) throw new TunnelProofError(`no active contract ${backend.contractId} of ${twin} here`)
  const held = holdings.deployment(backend.contractId)
  if (held === undefined || held.twin !== twin) throw new TunnelProofError(`no deployment of ${twin} under contract ${backend.contractId} here`)
  const container = held.workloads.find(w => w.name === backend.workload && w.type === 'container')
  if (container === undefined) throw new TunnelProofError(`the backend deployment has no container "${backend.workload}"`)
  const target: TunnelTarget = { twin, contractId: backend.contractId, workload: backend.workload, port: backend.port }
  const data = deploymentMessages.ContainerData.decode(container.data)
  if (data.network === '') return target
  // the farmer took this deployment, so its container's network names a network workload of it (check 15d)
  const network = held.workloads.find(w => w.name === data.network && w.type === 'network')
  if (network === undefined) return target
  return { ...target, network: { networkId: hex(deploymentMessages.NetworkData.decode(network.data).networkId), ip: data.ip } }
}
