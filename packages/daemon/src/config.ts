import { z } from 'zod'
import { advertSettingsFields, advertSettingsProblems, directorySettingsSchema } from '@p2pcloud/capacity'
import { ledgerSettingsFields } from '@p2pcloud/contracts'
import { flistCacheSettingsFields } from '@p2pcloud/flist'
import { LETS_ENCRYPT_DIRECTORY } from '@p2pcloud/gateway'
import { coreConfigFields } from '@p2pcloud/node'

const { cruOvercommit, ...advert } = advertSettingsFields
const { leaseGraceSeconds, ...ledger } = ledgerSettingsFields
const { dht, connections, ...core } = coreConfigFields

const port = z.number().int().min(1).max(65535)

/**
 * `farmer.network`: the UDP ports its networks' WireGuard devices listen on, one per network,
 * and `egress`: whether its networks' workloads get a way out through NAT on this host.
 * Optional, so that `init` writes config.json as before: absent, the ports are 51820–52819
 * (@p2pcloud/network's DEFAULT_NETWORK_PORTS) and there is no egress.
 */
const networkSettingsSchema = z.object({
  ports: z.object({ first: port, last: port }).strict()
    .refine(range => range.first <= range.last, { message: 'first must not be above last' }).optional(),
  egress: z.boolean().optional()
}).strict()

const listenAddress = (fallback: number) => z.object({ host: z.string().min(1).default('0.0.0.0'), port: port.default(fallback) }).strict().prefault({})

/**
 * `farmer.gateway`, for a farmer offering `gateway` (its domain is `farmer.gatewayDomain`, which
 * it advertises): where its front door listens, HTTP (and ACME HTTP-01) on 80 and TLS on 443 by
 * default, and its ACME server: Let's Encrypt's production directory unless `directoryUrl` says
 * another, `caFile` a PEM of the CA that server's own HTTPS is signed by when it is not public.
 * Optional, so that `init` writes config.json as before.
 */
const gatewaySettingsSchema = z.object({
  http: listenAddress(80),
  https: listenAddress(443),
  acme: z.object({
    directoryUrl: z.url().default(LETS_ENCRYPT_DIRECTORY),
    email: z.email().optional(),
    caFile: z.string().min(1).optional()
  }).strict().prefault({})
}).strict()

/** "HOST:PORT" (e.g. "0.0.0.0:9464" or "[::]:9464"; port 0: any free port) as a host and port, or undefined when it is not one. */
export function parseListenAddress (text: string): { host: string, port: number } | undefined {
  const match = /^(\[[0-9a-fA-F:.]+\]|[^\s:[\]]+):(\d{1,5})$/.exec(text)
  const port = Number(match?.[2])
  if (match == null || port > 65535) return undefined
  return { host: match[1].replace(/^\[|\]$/g, ''), port }
}

const hostPort = z.string().refine(text => parseListenAddress(text) != null, { message: 'not HOST:PORT (e.g. "0.0.0.0:9464" or "[::]:9464")' })

/**
 * `metrics`: `listen` serves only GET /metrics, without the API's token, on an address a
 * farmer's own Prometheus can reach. Optional, so that `init` writes config.json as before:
 * absent, metrics are served only on the local API (behind its token).
 */
const metricsSettingsSchema = z.object({ listen: hostPort.optional() }).strict()

/**
 * config.json's `farmer` section: what it advertises (capacity), how its ledger is bounded
 * (contracts), its flist cache (flist), its networks' ports and its gateway. Fields are in the order `init` has always written them.
 */
const farmerSettingsSchema = z.object({
  ...advert,
  leaseGraceSeconds,
  cruOvercommit,
  ...ledger,
  ...flistCacheSettingsFields,
  network: networkSettingsSchema.optional(),
  gateway: gatewaySettingsSchema.optional()
}).strict().superRefine(advertSettingsProblems)

/**
 * A daemon's config.json: the core peer's fields and the sections of the domains it runs,
 * each owned by its package (`directory` by capacity, `farmer` as above), in the order
 * `init` has always written them.
 */
export const daemonConfigSchema = z.object({
  ...core,
  directory: directorySettingsSchema.prefault({}),
  dht,
  connections,
  farmer: farmerSettingsSchema.prefault({}),
  metrics: metricsSettingsSchema.optional()
}).strict()

export type DaemonConfig = z.infer<typeof daemonConfigSchema>
export type DaemonConfigInput = z.input<typeof daemonConfigSchema>
/** config.json's `farmer` section as written (defaults may be left out). */
export type FarmerSettingsInput = z.input<typeof farmerSettingsSchema>
