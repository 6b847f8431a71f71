import { readFile, writeFile } from 'node:fs/promises'
import { z } from 'zod'
import { ConfigError, HomeNotInitialisedError } from './errors.js'
import { multiaddrProblem } from './multiaddrs.js'
import { parseSize } from './sizes.js'

/** The well-known TCP port a p2pcloud peer listens on unless told otherwise. */
export const DEFAULT_PORT = 4050

function multiaddrString (needsPeerId: boolean): z.ZodType<string> {
  return z.string().superRefine((text, ctx) => {
    const problem = multiaddrProblem(text, needsPeerId)
    if (problem != null) ctx.addIssue({ code: 'custom', message: problem })
  })
}

/** A size in bytes, or a string such as "4G"; always bytes after parsing. */
const size = z.union([z.number(), z.string()]).transform((value, ctx) => {
  try {
    return parseSize(value)
  } catch (err: any) {
    ctx.addIssue({ code: 'custom', message: err.message })
    return z.NEVER
  }
})

/** What a farmer may say it offers; later issues derive these from installed workload drivers. */
export const CAPABILITIES = ['volume', 'container', 'zdb', 'gateway', 'relay'] as const

const farmerSchema = z.object({
  enabled: z.boolean().default(false),
  farm: z.string().max(64).default(''),
  country: z.string().default(''),
  city: z.string().max(64).default(''),
  /** Totals that replace the measured ones (null = measure this machine). */
  capacity: z.object({
    cru: z.number().int().min(0).nullable().default(null),
    mru: size.nullable().default(null),
    sru: size.nullable().default(null),
    hru: size.nullable().default(null),
    ipv4u: z.number().int().min(0).default(0)
  }).strict().prefault({}),
  price: z.object({
    currency: z.string().regex(/^[A-Z]{3,8}$/, 'a currency code such as TFT').default('TFT'),
    cuHour: z.number().min(0).default(0.1),
    suHour: z.number().min(0).default(0.05),
    ipv4Hour: z.number().min(0).default(0.02)
  }).strict().prefault({}),
  capabilities: z.array(z.enum(CAPABILITIES)).default([]),
  gatewayDomain: z.string().max(253).default(''),
  advertTtlSeconds: z.number().int().min(2).max(3600).default(600),
  /** After a lease ends, its workloads are stopped and its capacity held this long (so the twin can renew) before deletion. */
  leaseGraceSeconds: z.number().int().min(0).default(86_400),
  /**
   * Cores may be booked this many times over (CPU is shared fairly; memory and disks never are):
   * a farmer's adverts and ledger then count cores × factor as its total CRU.
   */
  cruOvercommit: z.number().min(1).max(16).default(1),
  /** Open (active or expired) contracts one twin may hold here; more is TOO_MANY_CONTRACTS (contract.md §4.3). */
  maxOpenContractsPerTwin: z.number().int().min(1).default(64),
  /** Open contracts all twins together may hold here, so that many twins of one owner cannot each take their share; more is TOO_MANY_CONTRACTS (contract.md §4.3). */
  maxOpenContracts: z.number().int().min(1).default(10_000),
  /** Days a contract that is over (cancelled or ended) stays readable, with its receipts, after it finished (contract.md §4.6). */
  keepFinishedContractsDays: z.number().min(0).max(3660).default(30),
  /** Contracts that are over kept per twin, the oldest dropped first (contract.md §4.6). */
  maxFinishedContractsPerTwin: z.number().int().min(0).max(10_000).default(500),
  /** How much lease time one signed usage receipt covers. */
  receiptPeriodSeconds: z.number().int().min(1).default(3600),
  /** Bytes of flists (their blocks and materialised trees) a farmer keeps for containers; unused ones are evicted above it. */
  flistCacheBytes: size.default(10 * 2 ** 30)
}).strict().superRefine((farmer, ctx) => {
  if (!farmer.enabled) return
  if (!/^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,63}$/.test(farmer.farm)) {
    ctx.addIssue({ code: 'custom', path: ['farm'], message: 'a farmer needs a farm name (letters, digits, "_", "-", ".")' })
  }
  if (!/^[A-Z]{2}$/.test(farmer.country)) {
    ctx.addIssue({ code: 'custom', path: ['country'], message: `"${farmer.country}" is not a two-letter ISO 3166 country code such as BE` })
  }
})

/**
 * Every setting of a peer, with its default. `p2pcloud init` writes the parsed
 * defaults out in full so that a farmer sees (and can edit) every knob; the
 * meaning of each field is documented in packages/node/README.md.
 */
export const configSchema = z.object({
  listen: z.array(multiaddrString(false)).default([`/ip4/0.0.0.0/tcp/${DEFAULT_PORT}`, `/ip6/::/tcp/${DEFAULT_PORT}`]),
  announce: z.array(multiaddrString(false)).default([]),
  bootstrap: z.array(multiaddrString(true)).default([]),
  api: z.object({
    host: z.enum(['127.0.0.1', '::1', 'localhost']).default('127.0.0.1'),
    port: z.number().int().min(0).max(65535).default(0)
  }).strict().prefault({}),
  mdns: z.object({
    enabled: z.boolean().default(true),
    intervalMs: z.number().int().min(1000).default(10_000)
  }).strict().prefault({}),
  relay: z.object({
    server: z.boolean().default(false),
    maxReservations: z.number().int().min(1).default(15)
  }).strict().prefault({}),
  autonat: z.object({
    enabled: z.boolean().default(true)
  }).strict().prefault({}),
  gossip: z.object({
    /** Gossipsub penalises peers that share one IP beyond this count (Sybil defence); a farm behind one NAT may need more. */
    ipColocationThreshold: z.number().int().min(1).default(10),
    /** IPs (e.g. your farm's NAT) never penalised for hosting many peers. */
    ipColocationWhitelist: z.array(z.union([z.ipv4(), z.ipv6()])).default([])
  }).strict().prefault({}),
  directory: z.object({
    /** Most farmers this peer's capacity directory holds, in memory and on disk (a Sybil defence). */
    maxFarmers: z.number().int().min(1).default(10_000),
    /** Farmers new to the directory that one gossip peer may relay per minute; the rest are ignored. */
    newFarmersPerRelayPerMinute: z.number().int().min(1).default(600)
  }).strict().prefault({}),
  dht: z.object({
    clientMode: z.boolean().default(false),
    addresses: z.enum(['all', 'public', 'private']).default('all')
  }).strict().prefault({}),
  connections: z.object({
    minConnections: z.number().int().min(0).default(20),
    maxConnections: z.number().int().min(1).default(300),
    maxIncomingPendingConnections: z.number().int().min(1).default(30),
    inboundConnectionsPerHostPerSecond: z.number().int().min(1).default(5),
    dialTimeoutMs: z.number().int().min(100).default(10_000),
    keepAlivePeers: z.number().int().min(0).default(16)
  }).strict().prefault({}),
  farmer: farmerSchema.prefault({})
}).strict()

export type PeerConfig = z.infer<typeof configSchema>
export type PeerConfigInput = z.input<typeof configSchema>

/** The full default configuration, as `init` writes it. */
export function defaultConfig (): PeerConfig {
  return configSchema.parse({})
}

function describeIssues (error: z.ZodError): string {
  return error.issues
    .map(issue => `${issue.path.length > 0 ? issue.path.join('.') : '(top level)'}: ${issue.message}`)
    .join('; ')
}

/** Validate a configuration object; `source` names it in the error (usually the file path). */
export function parseConfig (value: unknown, source: string): PeerConfig {
  const result = configSchema.safeParse(value)
  if (!result.success) {
    throw new ConfigError(`${source}: ${describeIssues(result.error)}`)
  }
  return result.data
}

export async function readConfig (path: string): Promise<PeerConfig> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (err: any) {
    if (err.code === 'ENOENT') {
      throw new HomeNotInitialisedError(`${path} does not exist; run "p2pcloud init" first`)
    }
    throw new ConfigError(`${path}: cannot read: ${err.message}`)
  }
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (err: any) {
    throw new ConfigError(`${path}: not valid JSON: ${err.message}`)
  }
  return parseConfig(value, path)
}

/** Write a new config file; `flag: 'wx'` so an existing file is never overwritten. */
export async function writeNewConfig (path: string, config: PeerConfig): Promise<void> {
  await writeFile(path, JSON.stringify(config, null, 2) + '\n', { flag: 'wx', mode: 0o644 })
}
