import { mkdir, stat } from 'node:fs/promises'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { LevelDatastore } from 'datastore-level'
import type { PeerId } from '@libp2p/interface'
import { configSchema, defaultConfig, parseConfig, readConfig, writeNewConfig, type ConfigSchema, type PeerConfig } from './config.js'
import { HomeExistsError } from './errors.js'
import { homePaths, type HomePaths } from './home.js'
import { createIdentityFile, readIdentityFile } from './identity.js'
import { acquireHomeLock } from './lock.js'
import { createPeer, type P2PCloudLibp2p } from './peer.js'
import type { PeerExtension } from './extensions.js'

export interface InitResult {
  peerId: PeerId
  paths: HomePaths
}

/**
 * Create a home: an Ed25519 identity (0600) and a config.json with every
 * default of `schema` (a core peer's, unless a daemon adds its domains') written out.
 * Refuses to touch a home that already has an identity.
 */
export async function initHome<C extends PeerConfig = PeerConfig> (root: string, overrides: Partial<C> = {}, schema: ConfigSchema<C> = configSchema as ConfigSchema<any>): Promise<InitResult> {
  const paths = homePaths(root)
  // validate before creating anything, so a bad option leaves no half-made home behind
  const config = parseConfig({ ...defaultConfig(schema), ...overrides }, 'init options', schema)
  const exists = await stat(paths.identityKey).then(() => true, () => false)
  if (exists) {
    throw new HomeExistsError(`${root} is already initialised (${paths.identityKey} exists); nothing was changed`)
  }
  await mkdir(root, { recursive: true, mode: 0o700 })
  const key = await createIdentityFile(paths.identityKey)
  await writeNewConfig(paths.config, config).catch((err: any) => {
    // a config written by hand before init is kept as it is
    if (err.code !== 'EEXIST') throw err
  })
  return { peerId: peerIdFromPrivateKey(key), paths }
}

/** Settings given on the command line; they win over config.json for this run only. */
export interface RunOverrides {
  listen?: string[]
  /** Added to config.json's bootstrap list. */
  bootstrap?: string[]
  mdns?: boolean
  relayServer?: boolean
  api?: { host?: PeerConfig['api']['host'], port?: number }
}

export function applyOverrides<C extends PeerConfig = PeerConfig> (config: C, overrides: RunOverrides, source: string, schema: ConfigSchema<C> = configSchema as ConfigSchema<any>): C {
  return parseConfig({
    ...config,
    listen: overrides.listen ?? config.listen,
    bootstrap: [...config.bootstrap, ...(overrides.bootstrap ?? [])],
    mdns: { ...config.mdns, enabled: overrides.mdns ?? config.mdns.enabled },
    relay: { ...config.relay, server: overrides.relayServer ?? config.relay.server },
    api: { ...config.api, ...overrides.api }
  }, source, schema)
}

/** A peer started from its home: holds the home's lock until stopped. */
export interface HomePeer<C extends PeerConfig = PeerConfig, S = object> {
  libp2p: P2PCloudLibp2p<S>
  config: C
  paths: HomePaths
  /** Stop libp2p, close the datastore and release the lock; safe to call twice. */
  stop(): Promise<void>
}

/** The capabilities a home peer runs, chosen from its configuration (a farmer advertises, every peer keeps a directory). */
export type ExtensionFor<C extends PeerConfig = PeerConfig, S = object> = (config: C, paths: HomePaths) => PeerExtension<S> | Promise<PeerExtension<S>>

/**
 * Run the peer that lives in `root`: lock the home, read its config (by `schema`: the core
 * peer's, or a daemon's with its domains' sections) and identity, open the level datastore
 * (peer store and DHT records survive restarts) and start libp2p.
 */
export async function startHomePeer<C extends PeerConfig = PeerConfig, S = object> (root: string, overrides: RunOverrides = {}, extensionFor?: ExtensionFor<C, S>, schema: ConfigSchema<C> = configSchema as ConfigSchema<any>): Promise<HomePeer<C, S>> {
  const paths = homePaths(root)
  // read first: a missing or broken home is reported before anything is created in it
  const fileConfig = await readConfig(paths.config, schema)
  const config = applyOverrides(fileConfig, overrides, `${paths.config} with command-line options`, schema)
  const privateKey = await readIdentityFile(paths.identityKey)
  const lock = await acquireHomeLock(paths.lock, root)
  const cleanup: Array<() => Promise<void>> = [async () => { await lock.release() }]
  const runCleanup = async (): Promise<void> => {
    while (cleanup.length > 0) await cleanup.pop()?.()
  }
  try {
    const datastore = new LevelDatastore(paths.datastore)
    await datastore.open()
    cleanup.push(async () => { await datastore.close() })
    const libp2p = await createPeer({ config, privateKey, datastore, extension: await extensionFor?.(config, paths) })
    cleanup.push(async () => { await libp2p.stop() })
    let stopping: Promise<void> | undefined
    return {
      libp2p,
      config,
      paths,
      async stop () {
        stopping ??= runCleanup()
        await stopping
      }
    }
  } catch (err) {
    await runCleanup()
    throw err
  }
}
