import type { PeerExtension } from '@p2pcloud/node'
import { VERSION } from '@p2pcloud/node'
import { CAPACITY_TOPIC } from '@p2pcloud/wire'
import { capacityMarket, type CapacityMarket, type CapacityMarketInit } from './capacity-market.js'
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
export function capacityExtension (init: CapacityMarketInit): PeerExtension<{ capacity: CapacityMarket }> {
  return {
    services: { capacity: capacityMarket(init) },
    ...advertDhtRecords,
    topicScoreParams: { [CAPACITY_TOPIC]: CAPACITY_TOPIC_SCORE }
  }
}

/** Timers a config.json does not set, for peers in tests and simulations. */
export type CapacityTuning = Pick<CapacityMarketInit, 'debounceMs' | 'readvertiseBelowTopicPeers' | 'evictIntervalMs'>

/** For a peer whose files live in `home`: a farmer's totals are measured there (or taken from its config). */
export async function capacityExtensionForHome (config: { directory: DirectorySettings, farmer: AdvertSettings }, home: string, tuning: CapacityTuning = {}): Promise<PeerExtension<{ capacity: CapacityMarket }>> {
  const init = { version: `p2pcloud/${VERSION}`, maxFarmers: config.directory.maxFarmers, newFarmersPerRelayPerMinute: config.directory.newFarmersPerRelayPerMinute, ...tuning }
  if (!config.farmer.enabled) return capacityExtension(init)
  const { total, sources } = await probeCapacity(home, config.farmer.capacity)
  // only cores are overcommitted: what is booked of memory and disks is always there
  const overcommit = config.farmer.cruOvercommit
  const bookable = { ...total, cru: Math.floor(total.cru * overcommit) }
  if (overcommit !== 1) sources.cru += ` × cruOvercommit ${overcommit}`
  return capacityExtension({ ...init, farmer: { config: config.farmer, total: bookable, sources } })
}
