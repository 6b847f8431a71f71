import type { HomePaths, PeerExtension } from '@p2pcloud/node'
import { VERSION } from '@p2pcloud/node'
import { CAPACITY_TOPIC } from '@p2pcloud/wire'
import { capacityMarket, type CapacityMarketInit } from './capacity-market.js'
import { advertDhtRecords } from './dht-records.js'
import { probeCapacity } from './probe.js'
import type { AdvertSettings, DirectorySettings } from './settings.js'

/**
 * Gossipsub scoring of the capacity topic: a peer loses score for every
 * advert it forwards that we reject. Mesh-delivery penalties stay off: adverts
 * are rare, and a quiet topic must not look like a lazy peer.
 */
export const CAPACITY_TOPIC_SCORE = {
  topicWeight: 1,
  timeInMeshWeight: 0.01,
  timeInMeshQuantum: 1000,
  timeInMeshCap: 3600,
  firstMessageDeliveriesWeight: 1,
  firstMessageDeliveriesDecay: 0.5,
  firstMessageDeliveriesCap: 10,
  meshMessageDeliveriesWeight: 0,
  meshFailurePenaltyWeight: 0,
  invalidMessageDeliveriesWeight: -100,
  invalidMessageDeliveriesDecay: 0.5
}

/** What the capacity market adds to a peer: its service, the advert DHT record type, the topic's scoring. */
export function capacityExtension (init: CapacityMarketInit): PeerExtension {
  return {
    services: { capacity: capacityMarket(init) },
    ...advertDhtRecords,
    topicScoreParams: { [CAPACITY_TOPIC]: CAPACITY_TOPIC_SCORE }
  }
}

/** For a peer started from its home: a farmer's totals are measured (or taken from config.json). */
export async function capacityExtensionForHome (config: { directory: DirectorySettings, farmer: AdvertSettings }, paths: HomePaths): Promise<PeerExtension> {
  const version = `p2pcloud/${VERSION}`
  const limits = { maxFarmers: config.directory.maxFarmers, newFarmersPerRelayPerMinute: config.directory.newFarmersPerRelayPerMinute }
  if (!config.farmer.enabled) return capacityExtension({ version, ...limits })
  const { total } = await probeCapacity(paths.root, config.farmer.capacity)
  // only cores are overcommitted: what is booked of memory and disks is always there
  const bookable = { ...total, cru: Math.floor(total.cru * config.farmer.cruOvercommit) }
  return capacityExtension({ version, ...limits, farmer: { config: config.farmer, total: bookable } })
}
