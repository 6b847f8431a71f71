import type { SelectFn, ValidateFn } from '@libp2p/kad-dht'
import type { TopicScoreParams } from '@libp2p/gossipsub/score'

/**
 * What a capability (capacity market, contracts, …) adds to a peer. libp2p
 * fixes the DHT's record types and gossipsub's topic scoring when the node is
 * built, so a capability hands them in here rather than patching a running node.
 */
export interface PeerExtension {
  /** libp2p service factories, created after the core services so they can use `components.pubsub` and `components.dht`. */
  services?: Record<string, (components: any) => unknown>
  /** DHT record validators by key namespace (`/<namespace>/...`). */
  dhtValidators?: Record<string, ValidateFn>
  /** DHT record selectors by key namespace. */
  dhtSelectors?: Record<string, SelectFn>
  /** Gossipsub scoring per topic, so that peers forwarding invalid messages lose score. */
  topicScoreParams?: Record<string, Partial<TopicScoreParams>>
}

export function mergeExtensions (extensions: PeerExtension[]): Required<PeerExtension> {
  const merged: Required<PeerExtension> = { services: {}, dhtValidators: {}, dhtSelectors: {}, topicScoreParams: {} }
  for (const extension of extensions) {
    Object.assign(merged.services, extension.services)
    Object.assign(merged.dhtValidators, extension.dhtValidators)
    Object.assign(merged.dhtSelectors, extension.dhtSelectors)
    Object.assign(merged.topicScoreParams, extension.topicScoreParams)
  }
  return merged
}
