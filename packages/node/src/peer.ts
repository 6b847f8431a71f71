import { noise } from '@chainsafe/libp2p-noise'
import { autoNAT } from '@libp2p/autonat'
import { bootstrap } from '@libp2p/bootstrap'
import { circuitRelayServer, circuitRelayTransport } from '@libp2p/circuit-relay-v2'
import { dcutr } from '@libp2p/dcutr'
import { gossipsub } from '@libp2p/gossipsub'
import { createTopicScoreParams } from '@libp2p/gossipsub/score'
import { identify, identifyPush } from '@libp2p/identify'
import { kadDHT, passthroughMapper, removePrivateAddressesMapper, removePublicAddressesMapper } from '@libp2p/kad-dht'
import { mdns } from '@libp2p/mdns'
import { ping } from '@libp2p/ping'
import { prometheusMetrics } from '@libp2p/prometheus-metrics'
import { tcp } from '@libp2p/tcp'
import { yamux } from '@libp2p/yamux'
import { createLibp2p, type Libp2p } from 'libp2p'
import type { Datastore } from 'interface-datastore'
import type { PeerDiscovery, PrivateKey } from '@libp2p/interface'
import type { PeerConfig } from './config.js'
import { AGENT_NAME, DHT_PROTOCOL, MDNS_SERVICE_TAG } from './protocol-ids.js'
import { DiscoveryDialer } from './discovery-dialer.js'
import type { PeerExtension } from './extensions.js'
import type { PeerServices } from './peer-services.js'
import { keepKnownPeers } from './known-peers.js'
import { VERSION } from './version.js'
import { joinedWrites } from './joined-writes.js'

/** A peer with the core services and the services `S` of its extension. */
export type P2PCloudLibp2p<S = object> = Libp2p<PeerServices & S>

export interface CreatePeerOptions<S = object> {
  config: PeerConfig
  privateKey: PrivateKey
  /** Where the peer store and DHT records live; omit for a throw-away in-memory peer. */
  datastore?: Datastore
  /** What the capabilities add: services, DHT record types and topic scoring. */
  extension?: PeerExtension<S>
  /** Start listening at once (default true). */
  start?: boolean
}

const dhtAddressMappers = {
  all: passthroughMapper,
  public: removePrivateAddressesMapper,
  private: removePublicAddressesMapper
}

/**
 * Assemble a libp2p v3 node as protocols/README.md §1 specifies it: TCP + Noise + Yamux,
 * identify, ping, a Kademlia DHT on p2pcloud's own protocol id (so it never
 * mixes with IPFS's), gossipsub, AutoNAT, circuit relay v2 (client always,
 * server opt-in), DCUtR, mDNS (opt-out) and the bootstrap list.
 */
export async function createPeer<S = object> (options: CreatePeerOptions<S>): Promise<P2PCloudLibp2p<S>> {
  const { config, extension } = options
  const topicScores = Object.fromEntries(Object.entries(extension?.topicScoreParams ?? {})
    .map(([topic, params]) => [topic, createTopicScoreParams(params)]))
  const dialer = new DiscoveryDialer(config.connections.minConnections, config.connections.dialTimeoutMs)
  const peerDiscovery: Array<(components: any) => PeerDiscovery> = []
  if (config.bootstrap.length > 0) {
    peerDiscovery.push(bootstrap({ list: config.bootstrap }))
  }
  if (config.mdns.enabled) {
    peerDiscovery.push(dialer.watch(mdns({ serviceTag: MDNS_SERVICE_TAG, interval: config.mdns.intervalMs })))
  }

  const services: Record<string, (components: any) => unknown> = {
    identify: identify(),
    identifyPush: identifyPush(),
    // libp2p's connection monitor pings every connection on this protocol and aborts the connection
    // when a ping fails; on a busy connection one ping can outlast the interval, and with the default
    // limit of 1 outbound stream the next ping fails and takes the connection (and its calls) down
    ping: ping({ maxOutboundStreams: 4, maxInboundStreams: 8 }),
    dht: kadDHT({
      protocol: DHT_PROTOCOL,
      clientMode: config.dht.clientMode,
      peerInfoMapper: dhtAddressMappers[config.dht.addresses],
      logPrefix: 'p2pcloud:dht',
      datastorePrefix: '/p2pcloud-dht',
      metricsPrefix: 'p2pcloud_dht',
      validators: extension?.dhtValidators,
      selectors: extension?.dhtSelectors
    }),
    // gossipsub only: floodsub would offer a second, unscored way into every topic
    pubsub: gossipsub({
      emitSelf: false,
      allowPublishToZeroTopicPeers: true,
      fallbackToFloodsub: false,
      scoreParams: {
        topics: topicScores,
        IPColocationFactorThreshold: config.gossip.ipColocationThreshold,
        IPColocationFactorWhitelist: new Set(config.gossip.ipColocationWhitelist)
      }
    }),
    dcutr: dcutr()
  }
  if (config.autonat.enabled) {
    services.autonat = autoNAT()
  }
  if (config.relay.server) {
    services.relay = circuitRelayServer({ reservations: { maxReservations: config.relay.maxReservations } })
  }
  // after the core services: extension services find them in their components
  Object.assign(services, extension?.services)

  const node = await createLibp2p<PeerServices & S>({
    privateKey: options.privateKey,
    // identify announces this as our agent version
    nodeInfo: { name: AGENT_NAME, version: VERSION, userAgent: `${AGENT_NAME}/${VERSION} node/${process.versions.node}` },
    datastore: options.datastore,
    start: false,
    addresses: {
      listen: config.listen,
      announce: config.announce
    },
    transports: [tcp(), circuitRelayTransport()],
    connectionEncrypters: [joinedWrites(noise())],
    streamMuxers: [yamux()],
    connectionManager: {
      maxConnections: config.connections.maxConnections,
      maxIncomingPendingConnections: config.connections.maxIncomingPendingConnections,
      inboundConnectionThreshold: config.connections.inboundConnectionsPerHostPerSecond,
      dialTimeout: config.connections.dialTimeoutMs
    },
    peerDiscovery,
    // @libp2p/prometheus-metrics keeps one process-wide table of metric names: one peer per process reports correctly
    metrics: extension?.metrics != null ? prometheusMetrics({ registry: extension.metrics }) : undefined,
    services: services as any
  })
  keepKnownPeers(node, config.connections.keepAlivePeers)
  dialer.attach(node)
  if (options.start !== false) {
    await node.start()
  }
  return node
}
