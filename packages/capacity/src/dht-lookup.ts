import { logger } from '@libp2p/logger'
import { Queue } from '@libp2p/utils'
import type { PeerInfo } from '@libp2p/interface'
import type { KadDHT } from '@libp2p/kad-dht'
import { verifyAdvert, type VerifiedAdvert } from './advert.js'
import { fetchAdvert } from './capacity-protocol.js'
import { advertKey, indexKeyCid, type IndexKey } from './dht-records.js'
import type { Directory, FindFilter } from './directory.js'
import type { StreamOpener } from '@p2pcloud/wire'

const log = logger('p2pcloud:capacity:dht-lookup')

export interface DhtLookupInit {
  dht: KadDHT
  node: StreamOpener
  directory: Directory
  selfId: string
  /** Most providers to contact in one lookup. */
  maxProviders?: number
  /** Farmers contacted at once. */
  concurrency?: number
}

/** The most specific index key the filter allows: country, else capability, else all farmers. */
export function indexKeyFor (filter: FindFilter): IndexKey {
  if (filter.country != null) return { kind: 'country', country: filter.country }
  if (filter.capability != null) return { kind: 'capability', capability: filter.capability }
  return { kind: 'farmers' }
}

/** A provider's advert: asked of the farmer itself (`answered`), else read from the DHT record. */
async function advertOf (init: DhtLookupInit, provider: PeerInfo, signal: AbortSignal): Promise<{ verified: VerifiedAdvert, answered: boolean }> {
  const id = provider.id.toString()
  try {
    const target = provider.multiaddrs.length > 0 ? provider.multiaddrs.map(ma => ma.encapsulate(`/p2p/${id}`)) : provider.id
    return { verified: await fetchAdvert(init.node, target, id, { signal }), answered: true }
  } catch (err) {
    log('asking %s for its advert failed, reading the DHT record - %e', id, err)
  }
  for await (const event of init.dht.get(advertKey(id), { signal })) {
    if (event.name === 'VALUE') return { verified: await verifyAdvert(event.value), answered: false }
  }
  throw new Error(`no advert found for provider ${id}`)
}

/**
 * Look up the farmers that provide the filter's index key and admit their
 * verified adverts to the directory, until `enough` match the filter or the
 * lookup ends. How a peer that joined after the gossip still finds farmers.
 */
export async function lookUpFarmers (init: DhtLookupInit, filter: FindFilter, enough: number, signal: AbortSignal): Promise<void> {
  const cid = await indexKeyCid(indexKeyFor(filter))
  const done = new AbortController()
  const lookup = AbortSignal.any([signal, done.signal])
  const queue = new Queue<void>({ concurrency: init.concurrency ?? 8 })
  const seen = new Set<string>([init.selfId])
  const maxProviders = init.maxProviders ?? 100
  const consider = (provider: PeerInfo): void => {
    const id = provider.id.toString()
    if (seen.has(id) || seen.size > maxProviders || init.directory.get(id) != null) return
    seen.add(id)
    void queue.add(async () => {
      const { verified, answered } = await advertOf(init, provider, lookup)
      // the DHT only named the provider when the farmer itself answered the capacity request
      await init.directory.admit(verified, answered ? 'direct' : 'dht')
      if (init.directory.query({ ...filter, limit: enough }).length >= enough) done.abort()
    }).catch(err => { log('provider %s: %e', id, err) })
  }
  try {
    for await (const event of init.dht.findProviders(cid, { signal: lookup })) {
      if (event.name === 'PROVIDER') event.providers.forEach(consider)
    }
  } catch (err: any) {
    if (!done.signal.aborted) log('provider lookup ended - %e', err)
  }
  if (!done.signal.aborted) await queue.onIdle({ signal }).catch(() => {})
  queue.abort()
}
