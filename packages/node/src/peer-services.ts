import type { GossipSub } from '@libp2p/gossipsub'
import type { ServiceMap } from '@libp2p/interface'
import type { KadDHT } from '@libp2p/kad-dht'
import type { Ping } from '@libp2p/ping'

/** The services every p2pcloud peer runs; later capabilities add theirs beside them. */
export interface PeerServices extends ServiceMap {
  identify: unknown
  identifyPush: unknown
  ping: Ping
  dht: KadDHT
  pubsub: GossipSub
}
