import { CID } from 'multiformats/cid'
import * as raw from 'multiformats/codecs/raw'
import { sha256 } from 'multiformats/hashes/sha2'
import type { PeerExtension } from '@p2pcloud/node'
import { ADVERT_DHT_NAMESPACE } from '@p2pcloud/wire'
import { InvalidAdvertError, verifyAdvert } from './advert.js'

/** `/p2pcloud-adv/<peer id>`: where a farmer's latest advert lives in the DHT. */
export function advertKey (peerId: string): Uint8Array {
  return new TextEncoder().encode(`/${ADVERT_DHT_NAMESPACE}/${peerId}`)
}

/**
 * The DHT record validator: the value must be a valid advert whose signer is
 * the peer named in the key, so nobody can store an advert under another's name.
 */
async function validateAdvertRecord (key: Uint8Array, value: Uint8Array): Promise<void> {
  const { advert } = await verifyAdvert(value)
  const expected = new TextDecoder().decode(key)
  if (expected !== `/${ADVERT_DHT_NAMESPACE}/${advert.peerId}`) {
    throw new InvalidAdvertError('KEY', `advert of ${advert.peerId} stored under ${expected}`)
  }
}

/** The DHT record selector: of several valid adverts for one key, the highest seq wins. */
async function selectAdvertRecord (_key: Uint8Array, records: Uint8Array[]): Promise<number> {
  let best = 0
  let bestSeq = -1
  for (let i = 0; i < records.length; i++) {
    const seq = await verifyAdvert(records[i]).then(v => v.advert.seq, () => -1)
    if (seq > bestSeq) {
      best = i
      bestSeq = seq
    }
  }
  return best
}

export const advertDhtRecords: Pick<PeerExtension, 'dhtValidators' | 'dhtSelectors'> = {
  dhtValidators: { [ADVERT_DHT_NAMESPACE]: validateAdvertRecord },
  dhtSelectors: { [ADVERT_DHT_NAMESPACE]: selectAdvertRecord }
}

/** Index keys farmers provide, so a peer can find them by what it looks for. */
export type IndexKey = { kind: 'farmers' } | { kind: 'country', country: string } | { kind: 'capability', capability: string }

export function indexKeyName (key: IndexKey): string {
  switch (key.kind) {
    case 'farmers': return 'p2pcloud:farmers'
    case 'country': return `p2pcloud:country:${key.country}`
    case 'capability': return `p2pcloud:capability:${key.capability}`
  }
}

/** The CID of an index key: CIDv1, raw codec, sha2-256 of the UTF-8 name. */
export async function indexKeyCid (key: IndexKey): Promise<CID> {
  return CID.createV1(raw.code, await sha256.digest(new TextEncoder().encode(indexKeyName(key))))
}
