import { ErrorCodes } from './errors.js'
import { ProtocolError } from './rpc.js'
import { contractIdFromBytes, peerIdFromBytes } from './ids.js'
import { WORKLOAD_NAME } from './workload-rules.js'
import { GatewayFqdnData, GatewayNameData, GatewayTls } from './gen/deployment.js'

/** The workload types that put a name on a gateway (deployment.md §5.1). */
export const GATEWAY_NAME_TYPE = 'gateway-name'
export const GATEWAY_FQDN_TYPE = 'gateway-fqdn'

/** One DNS label: what `gateway-name` puts in front of the gateway's domain. */
export const GATEWAY_NAME_LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/

/** A dotted IPv4 address: four numbers 0–255, no leading zeros. */
export const IPV4_ADDRESS = /^((25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/

/** Bytes of a contract id (sha2-256). */
export const CONTRACT_ID_BYTES = 32

export type GatewayTlsMode = 'terminate' | 'passthrough' | 'none'

/** Where a gateway name sends its connections: a container port of another deployment of the same twin, on `farmer`. */
export interface GatewayBackendRef {
  contractId: string
  workload: string
  port: number
  /** The backend deployment's farmer (peer id): whom the gateway opens its tunnels to. */
  farmer: string
  /** Unix ms until which the backend's farmer takes this workload as a tunnel proof: the twin's grant, renewed with the gateway's lease. */
  validUntil: number
  /** The overlay path: a network workload of the gateway's deployment and the container's address in it; absent: the mesh path only. */
  overlay?: { network: string, ip: string }
}

/** A gateway-name or gateway-fqdn workload's data, checked. */
export interface GatewayWorkloadData {
  type: typeof GATEWAY_NAME_TYPE | typeof GATEWAY_FQDN_TYPE
  /** `name` (one label) for gateway-name, `fqdn` for gateway-fqdn. */
  host: string
  backend: GatewayBackendRef
  tls: GatewayTlsMode
}

const TLS: Record<GatewayTls, GatewayTlsMode> = { TERMINATE: 'terminate', PASSTHROUGH: 'passthrough', NONE: 'none' }

/** A hostname of 2 to 127 lowercase labels, at most 253 characters. */
export function isGatewayFqdn (fqdn: string): boolean {
  const labels = fqdn.split('.')
  return fqdn.length <= 253 && labels.length >= 2 && labels.every(label => GATEWAY_NAME_LABEL.test(label))
}

/**
 * Decode and check the data of a `gateway-name` or `gateway-fqdn` workload (deployment.md
 * §5.1); anything else is BAD_REQUEST naming the workload and the field.
 */
export function decodeGatewayData (workload: { name: string, type: string, data: Uint8Array }): GatewayWorkloadData {
  const bad = (problem: string): ProtocolError => new ProtocolError(ErrorCodes.BAD_REQUEST, `${workload.type} "${workload.name}": ${problem}`)
  let host: string
  let decoded: GatewayNameData | GatewayFqdnData
  try {
    if (workload.type === GATEWAY_NAME_TYPE) {
      const data = GatewayNameData.decode(workload.data)
      if (!GATEWAY_NAME_LABEL.test(data.name)) throw bad(`name "${data.name}" must be one DNS label (${GATEWAY_NAME_LABEL.source})`)
      host = data.name
      decoded = data
    } else if (workload.type === GATEWAY_FQDN_TYPE) {
      const data = GatewayFqdnData.decode(workload.data)
      if (!isGatewayFqdn(data.fqdn)) throw bad(`fqdn "${data.fqdn}" must be a lowercase hostname of at least two labels, at most 253 characters`)
      host = data.fqdn
      decoded = data
    } else {
      throw bad(`is not a gateway workload (${GATEWAY_NAME_TYPE} or ${GATEWAY_FQDN_TYPE})`)
    }
  } catch (err: any) {
    if (err instanceof ProtocolError) throw err
    throw bad(`data does not decode: ${err.message}`)
  }
  const backend = decoded.backend
  if (backend == null) throw bad('has no backend')
  if (backend.contractId.byteLength !== CONTRACT_ID_BYTES) throw bad(`backend contract_id must be ${CONTRACT_ID_BYTES} bytes, not ${backend.contractId.byteLength}`)
  if (!WORKLOAD_NAME.test(backend.workload)) throw bad(`backend workload "${backend.workload}" is not a workload name (${WORKLOAD_NAME.source})`)
  if (backend.port < 1 || backend.port > 65535) throw bad(`backend port ${backend.port} is outside 1–65535`)
  if (backend.validUntilMs < 1) throw bad('backend valid_until_ms is missing: the twin grants a gateway its backend until a time')
  let farmer: string
  try {
    farmer = peerIdFromBytes(backend.farmer)
  } catch {
    throw bad('backend farmer is not a peer id')
  }
  if ((backend.network === '') !== (backend.ip === '')) throw bad('backend network and ip go together: both or neither')
  if (backend.network !== '' && !WORKLOAD_NAME.test(backend.network)) throw bad(`backend network "${backend.network}" is not a workload name (${WORKLOAD_NAME.source})`)
  if (backend.ip !== '' && !IPV4_ADDRESS.test(backend.ip)) throw bad(`backend ip "${backend.ip}" is not a dotted IPv4 address`)
  const tls = TLS[decoded.tls]
  if (tls === undefined) throw bad(`tls ${String(decoded.tls)} is not terminate, passthrough or none`)
  return {
    type: workload.type,
    host,
    backend: {
      contractId: contractIdFromBytes(backend.contractId),
      workload: backend.workload,
      port: backend.port,
      farmer,
      validUntil: backend.validUntilMs,
      ...(backend.network !== '' ? { overlay: { network: backend.network, ip: backend.ip } } : {})
    },
    tls
  }
}
