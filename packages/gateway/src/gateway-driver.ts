import { peerIdFromString } from '@libp2p/peer-id'
import type { Resources } from '@p2pcloud/capacity'
import type { ApplyContext, Deployment, FarmerComponents, NetworkAttachments, WorkloadDriver, WorkloadSpec } from '@p2pcloud/farmer'
import { ErrorCodes, GATEWAY_NAME_TYPE, ProtocolError, decodeGatewayData, deploymentMessages, type GatewayWorkloadData } from '@p2pcloud/wire'
import { cutDetail } from './backend-checks.js'
import { nameResources } from './gateway-kind.js'
import { parseHostname } from './hostname.js'
import type { GatewayService, ServedName } from './gateway-service.js'
import { NameBookings, type NameHolder } from './name-bookings.js'

interface Serving {
  host: string
  holder: NameHolder
  tls: GatewayWorkloadData['tls']
}

const keyOf = (contractId: string, name: string): string => `${contractId}/${name}`

/**
 * Runs `gateway-name` or `gateway-fqdn` workloads (one driver per type, one front door for both):
 * apply books the name (unique on this gateway while its holder's contract is open), routes it
 * over the twin's network when the deployment makes this gateway a member of the backend's, else
 * (and while the overlay does not connect) through the mesh to the backend's farmer with the
 * twin's proof (the deployment it signed, and its contract's proposal), and for `terminate` gets its
 * certificate; a lease that expires stops serving it (the name stays booked for a renewal);
 * removal gives the name and its certificate back.
 */
export class GatewayDriver implements WorkloadDriver {
  readonly applyOrder = 1
  private readonly bookings: NameBookings
  /** What each workload of this type serves now. */
  private readonly serving = new Map<string, Serving>()

  constructor (
    readonly type: string,
    private readonly gateway: GatewayService,
    private readonly components: Pick<FarmerComponents, 'datastore' | 'contracts'>,
    /** This farmer's networks: a backend on one the gateway is a member of is reached over it. */
    private readonly overlayNetworks?: Pick<NetworkAttachments, 'dial'>
  ) {
    this.bookings = new NameBookings(components.datastore, holder => {
      const contract = components.contracts.ledger?.held(holder.contractId, holder.twin)
      // an expired contract keeps its names through its grace, so that a renewal finds them
      return contract !== undefined && (contract.state === 'active' || contract.state === 'expired') ? contract.acceptance.leaseEnd : undefined
    })
  }

  /** A backend's overlay network must be a network workload of the gateway's own deployment (its member here). */
  checkReferences (workload: WorkloadSpec, deployment: Deployment): void {
    const overlay = decodeGatewayData(workload).backend.overlay
    if (overlay !== undefined && !deployment.workloads.some(w => w.name === overlay.network && w.type === 'network')) {
      throw new ProtocolError(ErrorCodes.BAD_REQUEST, `${workload.type} "${workload.name}": backend network "${overlay.network}" is not a network workload of this deployment`)
    }
  }

  /** The name's memory; the data is checked here, so bad data is refused with the deployment. */
  resources (workload: WorkloadSpec): Resources {
    decodeGatewayData(workload)
    return nameResources()
  }

  /** The name this data asks for on this gateway (a valid hostname: it becomes a key and a path); one under the gateway's own domain is only a gateway-name's. */
  private hostOf (data: GatewayWorkloadData, name: string): string {
    const domain = this.gateway.settings.domain
    if (data.type === GATEWAY_NAME_TYPE) {
      try {
        return parseHostname(`${data.host}.${domain}`)
      } catch (err: any) {
        throw new ProtocolError(ErrorCodes.BAD_REQUEST, `gateway-name "${name}": ${err.message as string}`)
      }
    }
    if (data.host === domain || data.host.endsWith(`.${domain}`)) {
      throw new ProtocolError(ErrorCodes.BAD_REQUEST, `gateway-fqdn "${name}": ${data.host} is under this gateway's domain ${domain}; book it as a gateway-name`)
    }
    return data.host
  }

  async apply (contractId: string, workload: WorkloadSpec, context: ApplyContext): Promise<void> {
    const data = decodeGatewayData(workload)
    const host = this.hostOf(data, workload.name)
    const key = keyOf(contractId, workload.name)
    const holder: NameHolder = { contractId, workload: workload.name, twin: context.twin }
    const proposal = this.components.contracts.ledger?.held(contractId, context.twin)
    if (proposal === undefined) throw new Error(`contract ${contractId} is not held here`)
    const previous = this.serving.get(key)
    // a new version that names another host gives the old one back
    if (previous !== undefined && previous.host !== host) await this.release(key, previous)
    await this.bookings.book(host, holder)
    this.gateway.serve(host, {
      tls: data.tls,
      farmer: peerIdFromString(data.backend.farmer),
      proof: { deploymentEnvelope: context.envelope, proposalEnvelope: proposal.proposalEnvelope, workload: workload.name },
      ...this.overlayOf(contractId, data)
    })
    this.serving.set(key, { host, holder, tls: data.tls })
  }

  /** The overlay connector of a backend on a network this deployment runs here. */
  private overlayOf (contractId: string, data: GatewayWorkloadData): Pick<ServedName, 'overlay'> {
    const { overlay, port } = data.backend
    const networks = this.overlayNetworks
    if (overlay === undefined || networks === undefined) return {}
    return { overlay: async signal => await networks.dial(contractId, overlay.network, overlay.ip, port, signal) }
  }

  async stop (contractId: string, name: string): Promise<void> {
    const serving = this.serving.get(keyOf(contractId, name))
    if (serving !== undefined) await this.gateway.unserve(serving.host, false)
  }

  async remove (contractId: string, name: string): Promise<void> {
    const key = keyOf(contractId, name)
    const serving = this.serving.get(key)
    if (serving !== undefined) { await this.release(key, serving); return }
    // not applied since this process started (its lease had expired, or its contract ended while the farmer was down)
    const host = await this.bookings.hostOf({ contractId, workload: name })
    if (host !== undefined) await this.release(key, { host, holder: { contractId, workload: name, twin: '' } })
  }

  private async release (key: string, serving: Pick<Serving, 'host' | 'holder'>): Promise<void> {
    await this.gateway.unserve(serving.host, true)
    await this.bookings.release(serving.host, serving.holder)
    this.serving.delete(key)
  }

  result (contractId: string, name: string): Uint8Array<ArrayBuffer> | undefined {
    const serving = this.serving.get(keyOf(contractId, name))
    if (serving === undefined) return undefined
    const check = this.gateway.checks.status(serving.host)
    const certificate = serving.tls === 'terminate' ? this.gateway.certificates.status(serving.host) : undefined
    const waiting = certificate !== undefined && certificate.notAfter === undefined
      ? `waiting for its certificate${certificate.lastError !== undefined ? ` (last order: ${certificate.lastError})` : ''}`
      : ''
    return deploymentMessages.GatewayResult.encode({
      url: this.gateway.url(serving.host, serving.tls),
      backend: check?.backend ?? deploymentMessages.GatewayBackendState.UNCHECKED,
      checkedAtMs: check?.checkedAt ?? 0,
      detail: cutDetail([check?.detail, waiting].filter(Boolean).join('; '))
    })
  }

  async close (): Promise<void> {
    for (const serving of this.serving.values()) await this.gateway.unserve(serving.host, false)
    this.serving.clear()
  }
}
