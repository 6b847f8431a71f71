import { createServer } from 'node:net'
import { isGatewayFqdn } from '@p2pcloud/wire'
import type { ListenAddress } from './front-door.js'

/** Let's Encrypt's production directory: a gateway's default CA. */
export const LETS_ENCRYPT_DIRECTORY = 'https://acme-v02.api.letsencrypt.org/directory'

/** A gateway farmer's settings (config.json `farmer.gatewayDomain` and `farmer.gateway`), defaults filled. */
export interface GatewaySettings {
  /** The domain its names go under: `www` → www.<domain>; its DNS sends *.<domain> to this machine. */
  domain: string
  /** Plain HTTP and ACME HTTP-01: port 80 of a public address. */
  http: ListenAddress
  /** TLS by SNI: port 443. */
  https: ListenAddress
  acme: {
    directoryUrl: string
    email?: string
    /** A PEM file of the CA the ACME server's own HTTPS is signed by, when that is not a public one (a test CA). */
    caFile?: string
  }
  /** How often each name's backend is checked (default 30 s). */
  probeIntervalMs?: number
}

export const DEFAULT_GATEWAY_LISTEN = { http: { host: '0.0.0.0', port: 80 }, https: { host: '0.0.0.0', port: 443 } }

async function bindable (address: ListenAddress): Promise<string | undefined> {
  const server = createServer()
  return await new Promise(resolve => {
    server.once('error', (err: any) => { resolve(err.code ?? err.message) })
    server.listen(address.port, address.host, () => { server.close(() => { resolve(undefined) }) })
  })
}

/** Why a farmer with these settings cannot run a gateway (no domain, a port it cannot listen on), or undefined. */
export async function gatewayMissing (settings: GatewaySettings | undefined): Promise<string | undefined> {
  if (settings === undefined || settings.domain === '') return 'no domain is set: set farmer.gatewayDomain to the domain whose names (*.<domain>) point at this machine'
  if (!isGatewayFqdn(settings.domain)) return `farmer.gatewayDomain "${settings.domain}" is not a lowercase hostname of at least two labels`
  for (const [which, address] of [['http', settings.http], ['https', settings.https]] as const) {
    const problem = await bindable(address)
    if (problem === undefined) continue
    const hint = problem === 'EACCES' ? 'ports below 1024 need root or CAP_NET_BIND_SERVICE' : problem === 'EADDRINUSE' ? 'something else listens there' : 'check the address'
    return `it cannot listen on ${address.host}:${address.port} for ${which.toUpperCase()} (${problem}: ${hint}); see farmer.gateway.${which}`
  }
  return undefined
}
