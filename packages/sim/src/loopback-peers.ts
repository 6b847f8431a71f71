import { generateKeyPair } from '@libp2p/crypto/keys'
import type { PrivateKey } from '@libp2p/interface'
import type { Datastore } from 'interface-datastore'
import { startPeer, type DaemonConfigInput, type DaemonLibp2p, type StartPeerOptions } from '@p2pcloud/daemon'
import { createPeer, defaultConfig, parseConfig, type P2PCloudLibp2p, type PeerConfigInput } from '@p2pcloud/node'

/**
 * Settings for peers that must only ever talk over loopback: listen on
 * 127.0.0.1 (any port), no mDNS (it would multicast on the host's LAN).
 */
export function loopbackConfig (overrides: PeerConfigInput = {}): ReturnType<typeof parseConfig> {
  const base = defaultConfig()
  return parseConfig({
    ...base,
    listen: ['/ip4/127.0.0.1/tcp/0'],
    mdns: { ...base.mdns, enabled: false },
    ...overrides
  }, 'loopback peer settings')
}

export interface LoopbackPeerOptions {
  /** Default: a fresh Ed25519 identity. */
  privateKey?: PrivateKey
  /** Default: in memory; pass a level datastore to test what survives a restart. */
  datastore?: Datastore
}

/** A real, started peer on 127.0.0.1 with the core services alone. */
export async function startLoopbackPeer (overrides: PeerConfigInput = {}, options: LoopbackPeerOptions = {}): Promise<P2PCloudLibp2p> {
  return createPeer({
    config: loopbackConfig(overrides),
    privateKey: options.privateKey ?? await generateKeyPair('Ed25519'),
    datastore: options.datastore
  })
}

export interface LoopbackDaemonOptions extends Omit<StartPeerOptions, 'config'> {
  /** On top of the loopback settings: e.g. `bootstrap`, a `farmer` section. */
  config?: DaemonConfigInput
}

/** A real, started peer on 127.0.0.1 running what a daemon runs (the daemon's own assembly). */
export async function startLoopbackDaemon (options: LoopbackDaemonOptions): Promise<DaemonLibp2p> {
  return startPeer({ ...options, config: { ...loopbackConfig(), ...options.config } })
}

/** The first dialable address of a started peer, `/p2p/<id>` included. */
export function dialAddress (peer: P2PCloudLibp2p): string {
  const address = peer.getMultiaddrs()[0]
  if (address == null) throw new Error(`peer ${peer.peerId.toString()} has no listen address`)
  return address.toString()
}

/** `count` peers; every peer after the first bootstraps from the first one. */
export async function startLoopbackStar (count: number, overrides: PeerConfigInput = {}): Promise<P2PCloudLibp2p[]> {
  const hub = await startLoopbackPeer(overrides)
  const others = await Promise.all(Array.from({ length: count - 1 }, async () =>
    startLoopbackPeer({ ...overrides, bootstrap: [dialAddress(hub)] })))
  return [hub, ...others]
}

export async function stopAll (peers: P2PCloudLibp2p[]): Promise<void> {
  await Promise.all(peers.map(async peer => peer.stop()))
}
