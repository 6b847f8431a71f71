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

/** A size in bytes, or a string such as "4G"; always bytes after parsing. For the domains' settings too. */
export const sizeSetting = z.union([z.number(), z.string()]).transform((value, ctx) => {
  try {
    return parseSize(value)
  } catch (err: any) {
    ctx.addIssue({ code: 'custom', message: err.message })
    return z.NEVER
  }
})

/**
 * Every setting of the core peer, with its default; the meaning of each field is
 * documented in packages/node/README.md. The domains a daemon runs (capacity
 * market, contracts, workloads) own their sections of config.json; where the
 * daemon is assembled, their schemas join these fields into one (see configSchema).
 */
export const coreConfigFields = {
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
  }).strict().prefault({})
}

/** The config of a core peer alone; a daemon's config adds its domains' sections to it. */
export const configSchema = z.object(coreConfigFields).strict()

export type PeerConfig = z.infer<typeof configSchema>
export type PeerConfigInput = z.input<typeof configSchema>

/** A whole config.json: the core peer's fields and any domain sections, parsed to `C`. */
export type ConfigSchema<C extends PeerConfig = PeerConfig> = z.ZodType<C>

/** The full default configuration, as `init` writes it. */
export function defaultConfig<C extends PeerConfig = PeerConfig> (schema: ConfigSchema<C> = configSchema as ConfigSchema<any>): C {
  return schema.parse({})
}

function describeIssues (error: z.ZodError): string {
  return error.issues
    .map(issue => `${issue.path.length > 0 ? issue.path.join('.') : '(top level)'}: ${issue.message}`)
    .join('; ')
}

/** Validate a configuration object; `source` names it in the error (usually the file path). */
export function parseConfig<C extends PeerConfig = PeerConfig> (value: unknown, source: string, schema: ConfigSchema<C> = configSchema as ConfigSchema<any>): C {
  const result = schema.safeParse(value)
  if (!result.success) {
    throw new ConfigError(`${source}: ${describeIssues(result.error)}`)
  }
  return result.data
}

export async function readConfig<C extends PeerConfig = PeerConfig> (path: string, schema: ConfigSchema<C> = configSchema as ConfigSchema<any>): Promise<C> {
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
  return parseConfig(value, path, schema)
}

/** Write a new config file; `flag: 'wx'` so an existing file is never overwritten. */
export async function writeNewConfig (path: string, config: PeerConfig): Promise<void> {
  await writeFile(path, JSON.stringify(config, null, 2) + '\n', { flag: 'wx', mode: 0o644 })
}
