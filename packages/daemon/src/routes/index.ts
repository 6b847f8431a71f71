import type { Routes, UpgradeRoutes } from '@p2pcloud/api'
import type { DaemonPeer } from '../services.js'
import { capacityRoutes } from './capacity.js'
import { contractRoutes } from './contracts.js'
import { execRoutes } from './exec.js'
import { flistRoutes } from './flists.js'
import { networkRoutes } from './networks.js'
import { peerRoutes } from './peer.js'
import { storageRoutes } from './storage.js'
import { twinRoutes } from './twin.js'
import { zdbRoutes } from './zdb.js'

/** Every endpoint of a daemon's local API, each domain's over its service. */
export function daemonRoutes (peer: DaemonPeer, startedAt: Date): Routes {
  const { services } = peer.libp2p
  return {
    ...peerRoutes(peer, startedAt),
    ...capacityRoutes(services.capacity),
    ...contractRoutes(services.contracts),
    ...flistRoutes(services.flists),
    ...twinRoutes(services.twin),
    ...storageRoutes(services.twin),
    ...networkRoutes(services.twin),
    ...zdbRoutes(services.twin)
  }
}

/** The endpoints that become two-way streams (HTTP Upgrade). */
export function daemonUpgrades (peer: DaemonPeer): UpgradeRoutes {
  return execRoutes(peer.libp2p.services.twin)
}
