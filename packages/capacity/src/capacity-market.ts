import { logger } from '@libp2p/logger'
import { TopicValidatorResult, type GossipSub, type SubscriptionChangeData } from '@libp2p/gossipsub'
import { serviceDependencies, type CounterGroup, type Metrics, type PeerId, type PrivateKey, type Startable } from '@libp2p/interface'
import type { AddressManager, Registrar } from '@libp2p/interface-internal'
import type { KadDHT, SingleKadDHT } from '@libp2p/kad-dht'
import type { Datastore } from 'interface-datastore'
import { ADVERT_RECORD, CAPACITY_PROTOCOL, CAPACITY_TOPIC, ErrorCodes, ProtocolError, TokenBuckets, handleRequests, type StreamOpener } from '@p2pcloud/wire'
import { CapacityAccount } from './account.js'
import { verifyAdvert, type VerifiedAdvert } from './advert.js'
import { Advertiser } from './advertiser.js'
import { capacityResponder, fetchAdvert } from './capacity-protocol.js'
import { indexKeyCid } from './dht-records.js'
import { lookUpFarmers } from './dht-lookup.js'
import { DEFAULT_FIND_LIMIT, Directory, type Admission, type DirectoryEntry, type DirectoryLimits, type FindFilter } from './directory.js'
import type { Resources } from './resources.js'
import type { AdvertSettings } from './settings.js'

const log = logger('p2pcloud:capacity')

/** Why a gossiped advert was taken or not: an admission of the directory, or a check before it. */
type GossipVerdict = Admission | 'oversized' | 'invalid' | 'relay-over-limit'

/** Verdicts that IGNORE (no score penalty for the relaying peer); the rest but 'accepted' REJECT. */
const IGNORED: ReadonlySet<GossipVerdict> = new Set(['relay-over-limit', 'duplicate', 'full'])

/** How long a stopping farmer waits for the DHT to store its leaving advert (gossip goes first). */
const LEAVING_DHT_TIMEOUT_MS = 2000

/** Gossipsub's target mesh degree: with fewer topic peers, a farmer re-advertises to newcomers. */
const GOSSIP_MESH_DEGREE = 6

/**
 * Farmers new to the directory that one relaying peer may bring us by gossip
 * per minute (a token bucket holding as many). A 10,000-farmer network
 * re-advertises every 200 s (the default TTL / 3), which spread over six mesh
 * peers is 500 new farmers a minute from each, so a newly joined peer still
 * learns them all within one round; one peer flooding fresh keys gets no
 * further than this (protocols/capacity.md §4.2, §7).
 */
export const DEFAULT_NEW_FARMERS_PER_RELAY_PER_MINUTE = 600

export interface CapacityMarketComponents {
  peerId: PeerId
  privateKey: PrivateKey
  registrar: Registrar
  addressManager: AddressManager
  datastore: Datastore
  pubsub: GossipSub
  dht: KadDHT
  /** The node itself can open streams; libp2p passes its connection manager. */
  connectionManager: { openStream: StreamOpener['dialProtocol'] }
  /** Where its protocol's request counts and latencies go (libp2p's metrics, when the peer keeps them). */
  metrics?: Metrics
}

export interface CapacityMarketInit {
  /** Set on farmers: what to advertise, the measured totals and how each was obtained (probeCapacity). */
  farmer?: { config: AdvertSettings, total: Resources, sources?: Record<keyof Resources, string> }
  version: string
  /** How often expired adverts are evicted from the directory. */
  evictIntervalMs?: number
  debounceMs?: number
  /** A farmer with at most this many peers on the capacity topic re-advertises to each newcomer (default 6, gossipsub's mesh degree; 0 = never). */
  readvertiseBelowTopicPeers?: number
  /** Most farmers the directory holds (default DEFAULT_MAX_FARMERS, 10,000). */
  maxFarmers?: DirectoryLimits['maxFarmers']
  /** New farmers accepted by gossip per relaying peer per minute (default DEFAULT_NEW_FARMERS_PER_RELAY_PER_MINUTE). */
  newFarmersPerRelayPerMinute?: number
}

export interface FindOptions {
  signal?: AbortSignal
  /** Do not look in the DHT, only in adverts already gossiped to us. */
  localOnly?: boolean
  /** Longest a DHT lookup may take (default 10 s). */
  dhtTimeoutMs?: number
}

/**
 * The capacity market on one peer: every peer keeps the directory and
 * validates gossiped adverts; a farmer also keeps its capacity account,
 * advertises and answers capacity requests.
 */
export class CapacityMarket implements Startable {
  readonly directory: Directory
  readonly account?: CapacityAccount
  private advertiser?: Advertiser
  private evictTimer?: ReturnType<typeof setInterval>
  private readonly node: StreamOpener
  /** Tokens of new farmer identities, per peer that relayed them to us. */
  private readonly newFarmersByRelay: TokenBuckets
  /** Gossiped adverts by verdict, when the peer keeps metrics. */
  private readonly gossipVerdicts?: CounterGroup

  readonly [serviceDependencies] = ['@libp2p/kad-dht', '@libp2p/pubsub']

  constructor (private readonly components: CapacityMarketComponents, private readonly init: CapacityMarketInit) {
    this.directory = new Directory(components.datastore, Date.now, { maxFarmers: init.maxFarmers })
    const perMinute = init.newFarmersPerRelayPerMinute ?? DEFAULT_NEW_FARMERS_PER_RELAY_PER_MINUTE
    this.newFarmersByRelay = new TokenBuckets(perMinute / 60, perMinute)
    this.gossipVerdicts = components.metrics?.registerCounterGroup('p2pcloud_capacity_gossip_adverts_total', { label: 'verdict', help: 'gossiped adverts validated, by verdict (accepted; the rest ignored or rejected)' })
    this.node = { dialProtocol: async (peer, protocols, options) => components.connectionManager.openStream(peer, protocols, options) }
    if (init.farmer != null) {
      this.account = new CapacityAccount(init.farmer.total, components.datastore)
    }
  }

  get isFarmer (): boolean {
    return this.account != null
  }

  /** A farmer's totals and, per unit, how it got them: what `start` says it offers. */
  get offered (): { total: Resources, sources?: Record<keyof Resources, string> } | undefined {
    const farmer = this.init.farmer
    return farmer != null ? { total: farmer.total, sources: farmer.sources } : undefined
  }

  async start (): Promise<void> {
    const components = this.components
    const { pubsub, registrar } = components
    await this.directory.load()
    await handleRequests(registrar, capacityResponder(this.isFarmer, () => this.advertiser?.current()?.envelope), components.metrics)
    this.evictTimer = setInterval(() => {
      this.directory.evictExpired().then(gone => { if (gone.length > 0) log('evicted expired adverts of %s', gone.join(', ')) }, () => {})
    }, this.init.evictIntervalMs ?? 1000)
    if (this.account != null && this.init.farmer != null) {
      await this.account.load()
      this.advertiser = new Advertiser({
        peerId: components.peerId.toString(),
        privateKey: components.privateKey,
        farmer: this.init.farmer.config,
        account: this.account,
        directory: this.directory,
        datastore: components.datastore,
        version: this.init.version,
        debounceMs: this.init.debounceMs,
        addresses: () => components.addressManager.getAddresses().map(ma => ma.decapsulateCode(421).toString()),
        channels: {
          publish: async envelope => { await pubsub.publish(CAPACITY_TOPIC, envelope) },
          putRecord: async (key, envelope, options) => { for await (const _ of components.dht.put(key, envelope, options)) { /* drain */ } },
          provide: async key => { for await (const _ of components.dht.provide(await indexKeyCid(key))) { /* drain */ } },
          dhtPeers: () => (components.dht as SingleKadDHT).routingTable?.size ?? 0
        }
      })
    }
  }

  /** After libp2p started: gossipsub runs (services start together) and the first advert carries our addresses. */
  async afterStart (): Promise<void> {
    const { pubsub } = this.components
    pubsub.topicValidators.set(CAPACITY_TOPIC, async (relay, message) => this.validateGossip(relay, message.data))
    pubsub.subscribe(CAPACITY_TOPIC)
    pubsub.addEventListener('subscription-change', this.onSubscriptionChange)
    await this.advertiser?.start()
  }

  /**
   * Gossip does not replay: an advert published before we had topic peers
   * reached nobody. While this farmer has fewer topic peers than a gossip
   * mesh wants, each newcomer to the topic gets it to advertise again (debounced).
   */
  private readonly onSubscriptionChange = (event: CustomEvent<SubscriptionChangeData>): void => {
    const joined = event.detail.subscriptions.some(s => s.topic === CAPACITY_TOPIC && s.subscribe)
    if (joined && this.components.pubsub.getSubscribers(CAPACITY_TOPIC).length <= (this.init.readvertiseBelowTopicPeers ?? GOSSIP_MESH_DEGREE)) {
      this.advertiser?.advertiseSoon('new peer on the capacity topic')
    }
  }

  /** Before libp2p stops gossipsub, which is stopped alongside us: a farmer says it leaves while it still can. */
  async beforeStop (): Promise<void> {
    clearInterval(this.evictTimer)
    this.components.pubsub.removeEventListener('subscription-change', this.onSubscriptionChange)
    await this.advertiser?.leave(LEAVING_DHT_TIMEOUT_MS)
    this.components.pubsub.unsubscribe(CAPACITY_TOPIC)
    this.components.pubsub.topicValidators.delete(CAPACITY_TOPIC)
  }

  async stop (): Promise<void> {
    await this.components.registrar.unhandle(CAPACITY_PROTOCOL)
  }

  /**
   * Gossip validation: every check of protocols/capacity.md; REJECT lowers the
   * relaying peer's score. A farmer new to us costs the relaying peer a token;
   * without one the advert is IGNOREd (an honest relay may be passing on a
   * flood it could not tell apart, so it is not penalised).
   */
  private async validateGossip (relay: PeerId, data: Uint8Array): Promise<TopicValidatorResult> {
    const verdict = await this.judgeGossip(relay, data)
    this.gossipVerdicts?.increment({ [verdict]: true })
    if (verdict === 'accepted') return TopicValidatorResult.Accept
    return IGNORED.has(verdict) ? TopicValidatorResult.Ignore : TopicValidatorResult.Reject
  }

  private async judgeGossip (relay: PeerId, data: Uint8Array): Promise<GossipVerdict> {
    if (data.byteLength > ADVERT_RECORD.maxBytes) return 'oversized'
    let verified: VerifiedAdvert
    try {
      verified = await verifyAdvert(data)
    } catch (err: any) {
      log('rejecting gossiped advert - %s', err.message)
      return 'invalid'
    }
    const { peerId, seq } = verified.advert
    if (this.directory.get(peerId) == null && this.newFarmersByRelay.take(relay.toString()) > 0) {
      log('ignoring advert of new farmer %s: %p relayed over %d new farmers this minute', peerId, relay, this.newFarmersByRelay.burst)
      return 'relay-over-limit'
    }
    const admission = await this.directory.admit(verified, 'gossip')
    if (admission !== 'accepted' && !IGNORED.has(admission)) log('rejecting %s advert seq %d of %s', admission, seq, peerId)
    return admission
  }

  /** This farmer's current advert, or undefined on a peer that is not a farmer. */
  ownAdvert (): VerifiedAdvert | undefined {
    return this.advertiser?.current()
  }

  /** Re-advertise now (e.g. after a change the account does not see). */
  async readvertise (reason: string): Promise<void> {
    await this.advertiser?.advertise(reason)
  }

  /**
   * Ask a farmer directly for its live advert; the answer also updates the
   * directory. Should the farmer answer with an older advert than one we hold,
   * the newer one is its word.
   */
  async fetchAdvert (peerId: PeerId, options: { signal?: AbortSignal } = {}): Promise<VerifiedAdvert> {
    const verified = await fetchAdvert(this.node, peerId, peerId.toString(), options)
    const admission = await this.directory.admit(verified, 'direct')
    if (verified.advert.leaving === true) throw new ProtocolError(ErrorCodes.UNAVAILABLE, `farmer ${peerId.toString()} is leaving: it stopped`)
    // it answered even when we held this advert already
    await this.directory.markAnswered(peerId.toString())
    return admission === 'accepted' ? verified : this.directory.get(peerId.toString()) ?? verified
  }

  /**
   * Farmers matching `filter`: from the directory, and when it holds fewer
   * than asked for, from the DHT's index of providers as well.
   */
  async find (filter: FindFilter, options: FindOptions = {}): Promise<DirectoryEntry[]> {
    const limit = filter.limit ?? DEFAULT_FIND_LIMIT
    if (options.localOnly !== true && this.directory.query(filter).length < limit) {
      const signal = AbortSignal.any([AbortSignal.timeout(options.dhtTimeoutMs ?? 10_000), ...(options.signal != null ? [options.signal] : [])])
      await lookUpFarmers({
        dht: this.components.dht,
        node: this.node,
        directory: this.directory,
        selfId: this.components.peerId.toString()
      }, filter, limit, signal)
    }
    return this.directory.query(filter)
  }
}

/** The libp2p service factory (the js-libp2p service idiom): `services: { capacity: capacityMarket(init) }`. */
export function capacityMarket (init: CapacityMarketInit): (components: CapacityMarketComponents) => CapacityMarket {
  return (components) => new CapacityMarket(components, init)
}
