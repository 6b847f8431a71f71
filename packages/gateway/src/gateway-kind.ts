import { emptyResources, type Resources } from '@p2pcloud/capacity'
import type { KindFarmerInit, Located, SpecLocation, SpecReader, WorkloadKind } from '@p2pcloud/farmer'
import {
  GATEWAY_FQDN_TYPE, GATEWAY_NAME_LABEL, GATEWAY_NAME_MRU, GATEWAY_NAME_TYPE, IPV4_ADDRESS, contractIdToBytes, decodeGatewayData, deploymentMessages, isGatewayFqdn, peerIdToBytes,
  type GatewayTlsMode, type GatewayWorkloadData
} from '@p2pcloud/wire'
import { gatewayMissing, type GatewaySettings } from './gateway-settings.js'
import { gatewayOnFarmer, type GatewayService } from './gateway-service.js'

/**
 * The backend as a spec writes it, `deployment/workload:port`: a container port of another of
 * the twin's deployments. The twin fills `contractId` and `farmer` from its own records when it
 * deploys (they are what goes on the wire), and `validUntil` (Unix ms: until when the backend's
 * farmer takes the gateway's proof) from the gateway's lease; `at` is where it was written, for
 * that check's errors.
 */
export interface GatewayBackendSpec {
  deployment: string
  workload: string
  port: number
  at?: SpecLocation
  contractId?: string
  farmer?: string
  validUntil?: number
  /** Written as an overlay `ip:port`: the container's address in one of the twin's networks (the twin finds the container, filling `deployment` and `workload`). */
  address?: string
  /**
   * The overlay path, set by the twin when the gateway farmer offers `network`: the user's name of
   * the backend container's network (the twin makes it the network workload's) and its address there.
   */
  overlay?: { network: string, ip: string }
}

/** A `gateway-name` (the workload's name under the gateway's domain) or `gateway-fqdn` (`fqdn`, the twin's own name). */
export interface GatewayWorkloadSpec {
  name: string
  type: typeof GATEWAY_NAME_TYPE | typeof GATEWAY_FQDN_TYPE
  /** gateway-fqdn only. */
  fqdn?: string
  backend: GatewayBackendSpec
  tls: GatewayTlsMode
}

/** What a gateway farmer's config gives the kind (config.json `farmer.gatewayDomain` and `farmer.gateway`). */
export interface GatewayFarmerInit extends KindFarmerInit {
  gateway?: GatewaySettings
}

/** What one name books: memory on the gateway for its route and connections (deployment.md §5.1). */
export function nameResources (): Resources {
  return { ...emptyResources(), mru: GATEWAY_NAME_MRU }
}

const BACKEND = /^([a-z0-9_-]{1,36})\/([a-z0-9_-]{1,36}):([0-9]{1,5})$/
const OVERLAY_BACKEND = /^([0-9.]+):([0-9]+)$/
const TLS_MODES: readonly GatewayTlsMode[] = ['terminate', 'passthrough', 'none']

function parseBackend (reader: SpecReader, at: Located): GatewayBackendSpec {
  const text = reader.text(at)
  const overlay = OVERLAY_BACKEND.exec(text)
  if (overlay != null) {
    if (!IPV4_ADDRESS.test(overlay[1])) reader.fail(at, `"${overlay[1]}" is not an IPv4 address; write ip:port (e.g. 10.20.3.2:8080) or deployment/workload:port`)
    const port = Number(overlay[2])
    if (port < 1 || port > 65535) reader.fail(at, `port ${port} is outside 1–65535`)
    return { deployment: '', workload: '', port, address: overlay[1], at: reader.locate(at) }
  }
  const match = BACKEND.exec(text)
  if (match == null) reader.fail(at, `"${text}" is not a backend; write deployment/workload:port, e.g. web/httpd:8080 (a container port of one of your deployments), or an overlay ip:port`)
  const port = Number(match[3])
  if (port < 1 || port > 65535) reader.fail(at, `port ${port} is outside 1–65535`)
  return { deployment: match[1], workload: match[2], port, at: reader.locate(at) }
}

/** Shared by both types: the wire's data from a spec whose backend the twin resolved. */
function encodeGateway (spec: GatewayWorkloadSpec): Uint8Array {
  const { contractId, farmer, workload, port, validUntil, overlay } = spec.backend
  if (contractId === undefined || farmer === undefined || validUntil === undefined) throw new Error(`${spec.type} "${spec.name}": its backend ${spec.backend.deployment}/${workload} was not resolved to a contract and granted until a time`)
  const backend = { contractId: contractIdToBytes(contractId), workload, port, farmer: peerIdToBytes(farmer), validUntilMs: validUntil, network: overlay?.network ?? '', ip: overlay?.ip ?? '' }
  const tls = { terminate: deploymentMessages.GatewayTls.TERMINATE, passthrough: deploymentMessages.GatewayTls.PASSTHROUGH, none: deploymentMessages.GatewayTls.NONE }[spec.tls]
  return spec.type === GATEWAY_NAME_TYPE
    ? deploymentMessages.GatewayNameData.encode({ name: spec.name, backend, tls })
    : deploymentMessages.GatewayFqdnData.encode({ fqdn: spec.fqdn ?? '', backend, tls })
}

/**
 * `gateway-name` and `gateway-fqdn`: a name on a gateway farmer in front of a container port of
 * another of the twin's deployments (protocols/deployment.md §5.1). Each books 16 MiB of memory
 * and the name itself, unique on its gateway while its contract lasts. Placed only on
 * farmers offering `gateway`; on them, the driver and the `gateway` service (the front door,
 * ACME certificates, the tunnels to backends).
 */
function gatewayKind<T extends GatewayWorkloadSpec['type']> (type: T): WorkloadKind<GatewayWorkloadSpec & { type: T }, GatewayWorkloadData, { gateway: GatewayService }> {
  return {
    type,
    capability: 'gateway',
    placement: 2,
    applyOrder: 1,
    specKeys: type === GATEWAY_NAME_TYPE ? ['name', 'type', 'backend', 'tls'] : ['name', 'type', 'fqdn', 'backend', 'tls'],
    parseSpec: (reader, entries, at, name) => {
      let fqdn: string | undefined
      if (type === GATEWAY_NAME_TYPE) {
        if (!GATEWAY_NAME_LABEL.test(name)) reader.fail(entries.get('name') ?? at, `"${name}" cannot be a name under the gateway's domain: one DNS label of a-z, 0-9 and - (not at either end), at most 63`)
      } else {
        const fqdnAt = reader.required(entries, 'fqdn', at, 'a gateway-fqdn needs the fqdn its DNS points at the gateway, e.g. fqdn: shop.example.org')
        fqdn = reader.text(fqdnAt)
        if (!isGatewayFqdn(fqdn)) reader.fail(fqdnAt, `"${fqdn}" is not a lowercase hostname of at least two labels (a-z, 0-9, -), at most 253 characters`)
      }
      const backend = parseBackend(reader, reader.required(entries, 'backend', at, 'a gateway needs a backend: deployment/workload:port, e.g. web/httpd:8080'))
      const tlsAt = reader.optional(entries, 'tls')
      const tls = tlsAt == null ? 'terminate' : reader.text(tlsAt) as GatewayTlsMode
      if (tlsAt != null && !TLS_MODES.includes(tls)) reader.fail(tlsAt, `"${tls}" is not a tls mode; use terminate (a certificate from ACME here), passthrough (the backend's own TLS, by SNI) or none (plain HTTP)`)
      return { name, type, ...(fqdn !== undefined ? { fqdn } : {}), backend, tls } as GatewayWorkloadSpec & { type: T }
    },
    encode: encodeGateway,
    decode: decodeGatewayData,
    resources: () => nameResources(),
    specResources: () => nameResources(),
    missing: async (init?: GatewayFarmerInit) => await gatewayMissing(init?.gateway),
    // both types share one front door: the same on either kind's call
    farmer: (init: GatewayFarmerInit) => gatewayOnFarmer(init, type)
  }
}

export const gatewayNameKind = gatewayKind(GATEWAY_NAME_TYPE)
export const gatewayFqdnKind = gatewayKind(GATEWAY_FQDN_TYPE)

/** Whether a spec's workload is a gateway's (the twin resolves their backends). */
export function isGatewaySpec (workload: { type: string }): workload is GatewayWorkloadSpec {
  return workload.type === GATEWAY_NAME_TYPE || workload.type === GATEWAY_FQDN_TYPE
}
