import { deploymentMessages, gatewayTunnelMessages, peerIdToBytes, vectorKit } from '@p2pcloud/wire'
import type { VectorFiles } from '@p2pcloud/test-utils'

/**
 * The generator of the gateway tunnel's vectors (protocols/vectors/gateway-tunnel/messages.json),
 * which vectors.test.ts checks. Deterministic: fixed fields. Run by `npm run vectors`.
 */

type Json = vectorKit.Json
const { unhex } = vectorKit

/** Stand-ins for the two envelopes: the vectors fix the frame's shape; the envelopes' own vectors are deployment's and contract's. */
const DEPLOYMENT_ENVELOPE = '0a24' + '11'.repeat(36)
const PROPOSAL_ENVELOPE = '0a24' + '22'.repeat(36)
const BACKEND_CONTRACT = '2b9146a8601e326e2be071a7727329db09c65a1821fd601ad47dc2080d7e60f4'

type Codec = 'TunnelOpen' | 'TunnelAccept' | 'GatewayNameData' | 'GatewayFqdnData' | 'GatewayResult'
interface Message { name: string, message: Codec, fields: Json, value: any, expect?: string }

/** The backend's farmer: the peer id of the vector key of seed 0x00, in its bytes. */
const BACKEND_FARMER = peerIdToBytes((await vectorKit.ed25519Key(vectorKit.seedFrom(0x00))).id)

/** 2026-01-01T00:00:00Z: until when the twin granted the backend (valid_until_ms; 0 = missing). */
const GRANTED_UNTIL = 1767225600000
const backend = (contractId: string, workload: string, port: number, farmer = vectorKit.hex(BACKEND_FARMER), validUntil = GRANTED_UNTIL, overlay: { network?: string, ip?: string } = {}): Json =>
  ({ contract_id: contractId, workload, port, farmer, ...(validUntil > 0 ? { valid_until_ms: String(validUntil) } : {}), ...overlay })
const backendValue = (b: Json): any => ({
  contractId: unhex(b.contract_id), workload: b.workload, port: b.port, farmer: unhex(b.farmer), validUntilMs: Number(b.valid_until_ms ?? 0), network: b.network ?? '', ip: b.ip ?? ''
})
const overBackend = (overlay: { network?: string, ip?: string }): Json => backend(BACKEND_CONTRACT, 'web', 8080, vectorKit.hex(BACKEND_FARMER), GRANTED_UNTIL, overlay)

const gatewayData = (name: string, message: 'GatewayNameData' | 'GatewayFqdnData', host: string, b: Json, tls: 'TERMINATE' | 'PASSTHROUGH' | 'NONE', expect = 'ACCEPT'): Message => {
  const hostField = message === 'GatewayNameData' ? 'name' : 'fqdn'
  return { name, message, fields: { [hostField]: host, backend: b, tls }, value: { [hostField]: host, backend: backendValue(b), tls }, expect }
}

const messages: Message[] = [
  {
    name: 'open',
    message: 'TunnelOpen',
    fields: { deployment_envelope: DEPLOYMENT_ENVELOPE, proposal_envelope: PROPOSAL_ENVELOPE, workload: 'www' },
    value: { deploymentEnvelope: unhex(DEPLOYMENT_ENVELOPE), proposalEnvelope: unhex(PROPOSAL_ENVELOPE), workload: 'www' }
  },
  { name: 'accept', message: 'TunnelAccept', fields: {}, value: {} },
  {
    name: 'refuse-not-found',
    message: 'TunnelAccept',
    fields: { error: { code: 'NOT_FOUND', message: 'no such backend here, or this gateway was not given it' } },
    value: { error: { code: 'NOT_FOUND', message: 'no such backend here, or this gateway was not given it', retryAfterMs: 0 } }
  },
  {
    name: 'refuse-rate-limited',
    message: 'TunnelAccept',
    fields: { error: { code: 'RATE_LIMITED', message: 'too many tunnels opened; retry in 50 ms', retry_after_ms: '50' } },
    value: { error: { code: 'RATE_LIMITED', message: 'too many tunnels opened; retry in 50 ms', retryAfterMs: 50 } }
  },
  gatewayData('name-terminate', 'GatewayNameData', 'www', backend(BACKEND_CONTRACT, 'web', 8080), 'TERMINATE'),
  gatewayData('fqdn-passthrough', 'GatewayFqdnData', 'shop.example.com', backend(BACKEND_CONTRACT, 'web', 443), 'PASSTHROUGH'),
  gatewayData('name-port-0', 'GatewayNameData', 'www', backend(BACKEND_CONTRACT, 'web', 0), 'NONE', 'BAD_REQUEST'),
  gatewayData('name-two-labels', 'GatewayNameData', 'www.shop', backend(BACKEND_CONTRACT, 'web', 80), 'NONE', 'BAD_REQUEST'),
  gatewayData('fqdn-one-label', 'GatewayFqdnData', 'localhost', backend(BACKEND_CONTRACT, 'web', 80), 'NONE', 'BAD_REQUEST'),
  gatewayData('fqdn-uppercase', 'GatewayFqdnData', 'Shop.example.com', backend(BACKEND_CONTRACT, 'web', 80), 'NONE', 'BAD_REQUEST'),
  gatewayData('name-short-contract-id', 'GatewayNameData', 'www', backend(BACKEND_CONTRACT.slice(0, 62), 'web', 80), 'NONE', 'BAD_REQUEST'),
  gatewayData('name-bad-workload', 'GatewayNameData', 'www', backend(BACKEND_CONTRACT, 'Web', 80), 'NONE', 'BAD_REQUEST'),
  gatewayData('name-no-farmer', 'GatewayNameData', 'www', backend(BACKEND_CONTRACT, 'web', 80, ''), 'NONE', 'BAD_REQUEST'),
  gatewayData('name-overlay', 'GatewayNameData', 'www', overBackend({ network: 'net-web', ip: '10.20.3.2' }), 'NONE'),
  gatewayData('name-overlay-no-ip', 'GatewayNameData', 'www', overBackend({ network: 'net-web' }), 'NONE', 'BAD_REQUEST'),
  gatewayData('name-overlay-bad-ip', 'GatewayNameData', 'www', overBackend({ network: 'net-web', ip: '10.20.3.02' }), 'NONE', 'BAD_REQUEST'),
  gatewayData('name-overlay-bad-network', 'GatewayNameData', 'www', overBackend({ network: 'Net', ip: '10.20.3.2' }), 'NONE', 'BAD_REQUEST'),
  gatewayData('name-no-valid-until', 'GatewayNameData', 'www', backend(BACKEND_CONTRACT, 'web', 80, vectorKit.hex(BACKEND_FARMER), 0), 'NONE', 'BAD_REQUEST'),
  { name: 'result-answers', message: 'GatewayResult', fields: { url: 'https://www.gw.example.org/', backend: 'ANSWERS', checked_at_ms: '1767225600000' }, value: { url: 'https://www.gw.example.org/', backend: 'ANSWERS', checkedAtMs: 1767225600000, detail: '' } },
  {
    name: 'result-no-answer',
    message: 'GatewayResult',
    fields: { url: 'http://shop.example.com/', backend: 'NO_ANSWER', checked_at_ms: '1767225600000', detail: 'the backend\'s farmer refused the tunnel (UNAVAILABLE)' },
    value: { url: 'http://shop.example.com/', backend: 'NO_ANSWER', checkedAtMs: 1767225600000, detail: 'the backend\'s farmer refused the tunnel (UNAVAILABLE)' }
  }
]

const codecs = { ...gatewayTunnelMessages, GatewayNameData: deploymentMessages.GatewayNameData, GatewayFqdnData: deploymentMessages.GatewayFqdnData, GatewayResult: deploymentMessages.GatewayResult }

export async function generateVectors (): Promise<VectorFiles> {
  return {
    'gateway-tunnel/messages.json': {
      protocol: '/p2pcloud/gateway-tunnel/1.0.0',
      description: 'The handshake messages of the gateway tunnel (gateway-tunnel.md §5) with their stream frames, the data of the gateway-name and gateway-fqdn workloads (deployment.md §5.1), valid and refused (expect BAD_REQUEST), and what they report (GatewayResult, §5.5), with their encodings.',
      vectors: messages.map(({ name, message, fields, value, expect }) => {
        const encoded = (codecs[message] as any).encode(value)
        return { name, message, fields, ...vectorKit.encodedAndFrame(encoded), ...(expect === undefined ? {} : { expect }) }
      })
    }
  }
}
