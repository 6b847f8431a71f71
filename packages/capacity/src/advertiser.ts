import { logger } from '@libp2p/logger'
import { Key, type Datastore } from 'interface-datastore'
import type { PrivateKey } from '@libp2p/interface'
import type { CapacityAccount } from './account.js'
import { signAdvert, verifyAdvert, type Advert, type VerifiedAdvert } from './advert.js'
import { advertKey, type IndexKey } from './dht-records.js'
import type { Directory } from './directory.js'
import type { AdvertSettings } from './settings.js'

const log = logger('p2pcloud:capacity:advertiser')
const SEQ_KEY = new Key('/p2pcloud/capacity/advert-seq')
const PROVIDE_RETRY_MS = 2000
/** Intervals after the 1st, 2nd and 3rd successful provide, before the regular provideIntervalMs. */
const PROVIDE_BACKOFF_MS = [0, 30_000, 120_000, 600_000]

/** Where adverts go: gossipsub, the DHT record, the DHT provider index. */
export interface AdvertChannels {
  publish(envelope: Uint8Array): Promise<void>
  putRecord(key: Uint8Array, envelope: Uint8Array, options?: { signal?: AbortSignal }): Promise<void>
  provide(key: IndexKey): Promise<void>
  /** Peers in the DHT routing table: providing to nobody is not providing. */
  dhtPeers(): number
}

export interface AdvertiserInit {
  peerId: string
  privateKey: PrivateKey
  farmer: AdvertSettings
  account: CapacityAccount
  directory: Directory
  datastore: Datastore
  channels: AdvertChannels
  addresses: () => string[]
  version: string
  /** Wait this long after a capacity change before re-advertising, so a burst of bookings makes one advert. */
  debounceMs?: number
  /** Re-announce the DHT index keys this often (provider records live 48 h). */
  provideIntervalMs?: number
  now?: () => number
}

/**
 * A farmer's voice: signs an advert with a fresh seq at start, after every
 * change of free capacity (debounced) and before the previous one expires (the
 * heartbeat: an expired advert means the farmer is gone); publishes it on
 * gossipsub, stores it in the DHT and provides the index keys.
 */
export class Advertiser {
  private latest?: VerifiedAdvert
  private seq = 0
  private heartbeat?: ReturnType<typeof setTimeout>
  private debounce?: ReturnType<typeof setTimeout>
  private lastProvided = 0
  private timesProvided = 0
  private provideRetry?: ReturnType<typeof setTimeout>
  private running = false
  private publishing: Promise<void> = Promise.resolve()
  private readonly onChange = (): void => { this.advertiseSoon('capacity changed') }

  constructor (private readonly init: AdvertiserInit) {}

  private get now (): number {
    return (this.init.now ?? Date.now)()
  }

  private get ttlMs (): number {
    return this.init.farmer.advertTtlSeconds * 1000
  }

  async start (): Promise<void> {
    if (await this.init.datastore.has(SEQ_KEY)) {
      this.seq = Number(new TextDecoder().decode(await this.init.datastore.get(SEQ_KEY)))
    }
    this.running = true
    this.init.account.addEventListener('change', this.onChange)
    await this.advertise('start')
  }

  async stop (): Promise<void> {
    this.running = false
    this.init.account.removeEventListener('change', this.onChange)
    clearTimeout(this.debounce)
    clearTimeout(this.heartbeat)
    clearTimeout(this.provideRetry)
    await this.publishing
  }

  /** The current signed advert (what the capacity protocol answers). */
  current (): VerifiedAdvert | undefined {
    return this.latest
  }

  /** Advertise after the debounce delay; calls within it make one advert. */
  advertiseSoon (reason: string): void {
    clearTimeout(this.debounce)
    this.debounce = setTimeout(() => { void this.advertise(reason) }, this.init.debounceMs ?? 500)
  }

  /** Sign and send a new advert; one at a time, each with a higher seq. */
  advertise (reason: string): Promise<void> {
    this.publishing = this.publishing.then(async () => {
      if (!this.running) return
      try {
        await this.signAndSend(reason)
      } catch (err) {
        log.error('could not advertise (%s) - %e', reason, err)
      }
      this.scheduleHeartbeat()
    })
    return this.publishing
  }

  private scheduleHeartbeat (): void {
    clearTimeout(this.heartbeat)
    if (!this.running) return
    // a third of the lifetime: two heartbeats may be lost before the advert expires
    this.heartbeat = setTimeout(() => { void this.advertise('heartbeat') }, Math.max(1000, this.ttlMs / 3))
  }

  private async nextSeq (): Promise<number> {
    // max(last + 1, now): keeps increasing even if the stored seq was lost
    this.seq = Math.max(this.seq + 1, this.now)
    await this.init.datastore.put(SEQ_KEY, new TextEncoder().encode(String(this.seq)))
    return this.seq
  }

  /** Sign the next advert (with a fresh seq), keep it as the current one and admit it to our directory. */
  private async signNext (leaving: boolean): Promise<Uint8Array> {
    const { farmer, account } = this.init
    const issuedAt = this.now
    const advert: Advert = {
      peerId: this.init.peerId,
      farm: farmer.farm,
      country: farmer.country,
      city: farmer.city,
      total: account.total,
      free: account.free(),
      capabilities: farmer.capabilities,
      gatewayDomain: farmer.gatewayDomain,
      price: farmer.price,
      addresses: this.init.addresses().slice(0, 16),
      version: this.init.version,
      seq: await this.nextSeq(),
      issuedAt,
      expiresAt: issuedAt + this.ttlMs,
      ...(leaving ? { leaving: true } : {})
    }
    const envelope = await signAdvert(advert, this.init.privateKey)
    this.latest = await verifyAdvert(envelope, issuedAt)
    await this.init.directory.admit(this.latest, 'self')
    return envelope
  }

  private async signAndSend (reason: string): Promise<void> {
    const envelope = await this.signNext(false)
    log('advert seq %d (%s)', this.latest?.advert.seq, reason)
    await this.init.channels.publish(envelope)
    // the DHT may have no peers yet: its failures must not hold back gossip
    void this.init.channels.putRecord(advertKey(this.init.peerId), envelope)
      .catch(err => { log('DHT put of advert failed - %e', err) })
    void this.provideIndexKeys()
  }

  /**
   * A clean stop: stop advertising, then sign a leaving advert and send it by gossip and into the
   * DHT record, waiting at most `timeoutMs` for the DHT, so that every directory drops this farmer
   * now instead of when its last advert expires. Nothing to say if it never advertised.
   */
  async leave (timeoutMs: number): Promise<void> {
    await this.stop()
    if (this.latest == null) return
    try {
      const envelope = await this.signNext(true)
      log('leaving: advert seq %d', this.latest.advert.seq)
      await this.init.channels.publish(envelope)
      await this.init.channels.putRecord(advertKey(this.init.peerId), envelope, { signal: AbortSignal.timeout(timeoutMs) })
        .catch(err => { log('DHT put of the leaving advert failed - %e', err) })
    } catch (err) {
      log.error('could not say this farmer leaves - %e', err)
    }
  }

  /**
   * One pending provide at a time: provides overlap (each advert starts one), and a timer set by
   * one must replace, not leak beside, the other's; none once stopped.
   */
  private scheduleProvide (ms: number): void {
    clearTimeout(this.provideRetry)
    if (!this.running) return
    this.provideRetry = setTimeout(() => { void this.provideIndexKeys() }, ms)
  }

  private async provideIndexKeys (): Promise<void> {
    clearTimeout(this.provideRetry)
    // early provides reach only the few peers a young routing table knows: repeat them soon, then rarely
    const interval = PROVIDE_BACKOFF_MS[this.timesProvided] ?? this.init.provideIntervalMs ?? 6 * 60 * 60 * 1000
    if (!this.running || this.now - this.lastProvided < interval) {
      if (this.running && this.timesProvided < PROVIDE_BACKOFF_MS.length) {
        this.scheduleProvide(this.lastProvided + interval - this.now)
      }
      return
    }
    if (this.init.channels.dhtPeers() === 0) {
      // just started, the DHT knows nobody yet: try again shortly
      this.scheduleProvide(PROVIDE_RETRY_MS)
      return
    }
    const { farmer } = this.init
    const keys: IndexKey[] = [
      { kind: 'farmers' },
      { kind: 'country', country: farmer.country },
      ...farmer.capabilities.map(capability => ({ kind: 'capability' as const, capability }))
    ]
    try {
      await Promise.all(keys.map(async key => { await this.init.channels.provide(key) }))
      this.lastProvided = this.now
      this.timesProvided++
      const next = PROVIDE_BACKOFF_MS[this.timesProvided]
      if (next != null) this.scheduleProvide(next)
    } catch (err) {
      log('providing index keys failed, retrying - %e', err)
      this.scheduleProvide(PROVIDE_RETRY_MS)
    }
  }
}
