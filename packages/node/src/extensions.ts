import type { SelectFn, ValidateFn } from '@libp2p/kad-dht'
import type { TopicScoreParams } from '@libp2p/gossipsub/score'
import type { ServiceFactoryMap } from 'libp2p'
import type { Registry } from 'prom-client'
import type { PeerServices } from './peer-services.js'

/**
 * Factories of the services `S`, typed as js-libp2p types a node's services: each receives
 * the node's components with the core services and every other service, so that
 * `node.services.<name>` has its real type without a cast.
 */
export type ServiceFactories<S> = Pick<ServiceFactoryMap<PeerServices & S>, keyof S>

/**
 * What a capability (capacity market, contracts, …) adds to a peer. libp2p
 * fixes the DHT's record types and gossipsub's topic scoring when the node is
 * built, so a capability hands them in here rather than patching a running node.
 */
export interface PeerExtension<S = object> {
  /** libp2p service factories, created after the core services (so they can use `components.pubsub` and `components.dht`) and in this object's order. */
  services: ServiceFactories<S>
  /** DHT record validators by key namespace (`/<namespace>/...`). */
  dhtValidators?: Record<string, ValidateFn>
  /** DHT record selectors by key namespace. */
  dhtSelectors?: Record<string, SelectFn>
  /** Gossipsub scoring per topic, so that peers forwarding invalid messages lose score. */
  topicScoreParams?: Record<string, Partial<TopicScoreParams>>
  /**
   * The Prometheus registry this peer's libp2p metrics (and through `components.metrics`, its
   * services' metrics) go into; absent, the peer keeps no metrics.
   */
  metrics?: Registry
}
