import { mkdir } from 'node:fs/promises'
import { generateKeyPair } from '@libp2p/crypto/keys'
import type { PrivateKey } from '@libp2p/interface'
import type { Datastore } from 'interface-datastore'
import { createPeer, parseConfig } from '@p2pcloud/node'
import { daemonConfigSchema, type DaemonConfigInput } from './config.js'
import { daemonExtension, type DaemonLibp2p, type DaemonTuning } from './services.js'

export interface StartPeerOptions {
  /** Its config.json as an object (defaults filled in as `init` would). */
  config: DaemonConfigInput
  /** Where its flists, volumes, containers and zdb namespaces live; created if missing. */
  home: string
  /** Default: a fresh Ed25519 identity. */
  privateKey?: PrivateKey
  /** Default: in memory; pass a level datastore to keep what survives a restart. */
  datastore?: Datastore
  tuning?: DaemonTuning
}

/**
 * Start a peer that runs what a daemon runs, with no identity file, config.json, lock or API:
 * the entry for tests, the simulation and benchmarks, so that they run the same assembly.
 */
export async function startPeer (options: StartPeerOptions): Promise<DaemonLibp2p> {
  const config = parseConfig(options.config, 'peer settings', daemonConfigSchema)
  await mkdir(options.home, { recursive: true })
  return createPeer({
    config,
    privateKey: options.privateKey ?? await generateKeyPair('Ed25519'),
    datastore: options.datastore,
    extension: await daemonExtension(config, options.home, options.tuning)
  })
}
