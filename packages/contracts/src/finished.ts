import { Key, type Datastore } from 'interface-datastore'

const DAY = 86_400_000
/** Where the ledger keeps its contracts (live: open, or over less than a quote's validity ago) and their usage receipts. */
export const LIVE_PREFIX = '/p2pcloud/contracts'
export const RECEIPTS_PREFIX = '/p2pcloud/receipts'
/** Contracts that are over, per twin in the order they finished: `<twin>/<finished at>/<id>` → the stored Contract. */
const BY_TWIN = '/p2pcloud/contracts-finished'
/** The same, in the order they finished across twins, for the time retention: `<finished at>/<twin>/<id>` → nothing. */
const BY_TIME = '/p2pcloud/contracts-finished-at'

/** How long a farmer keeps a contract that is over, and how many per twin, unless it says otherwise (contract.md §4.6). */
export const DEFAULT_KEEP_FINISHED_MS = 30 * DAY
export const DEFAULT_MAX_FINISHED_PER_TWIN = 500
/** Records dropped by age at most per call of `expire`, so one lease sweep stays short. */
const EXPIRE_BATCH = 200

export interface Retention {
  keepMs: number
  maxPerTwin: number
}

interface Finished { twin: string, at: number, id: string }

const at = (ms: number): string => String(ms).padStart(15, '0')
const byTwin = (f: Finished): Key => new Key(`${BY_TWIN}/${f.twin}/${at(f.at)}/${f.id}`)
const byTime = (f: Finished): Key => new Key(`${BY_TIME}/${at(f.at)}/${f.twin}/${f.id}`)

/**
 * Contracts that are over, out of the farmer's live ledger: on disk in the same datastore, read
 * only when a twin asks for one, never at start, and dropped with their receipts once past the
 * retention. Every operation reads at most one twin's records (at most `maxPerTwin`).
 */
export class FinishedContracts {
  constructor (private readonly datastore: Datastore, private readonly retention: Retention) {}

  /** Move a contract from `liveKey` here, in one batch, then drop the twin's oldest past its limit. */
  async add (finished: Finished, contract: Uint8Array, liveKey: Key): Promise<void> {
    const batch = this.datastore.batch()
    batch.delete(liveKey)
    batch.put(byTwin(finished), contract)
    batch.put(byTime(finished), new Uint8Array())
    await batch.commit()
    const kept = await this.of(finished.twin)
    for (const old of kept.slice(0, Math.max(0, kept.length - this.retention.maxPerTwin))) await this.drop(old)
  }

  /** The stored Contract of `twin`'s finished contract `id`, if still kept. */
  async get (id: string, twin: string): Promise<Uint8Array | undefined> {
    const found = (await this.of(twin)).find(f => f.id === id)
    return found == null ? undefined : this.datastore.get(byTwin(found))
  }

  /** Every finished contract of `twin` still kept (at most `maxPerTwin`). */
  async list (twin: string): Promise<Uint8Array[]> {
    const contracts: Uint8Array[] = []
    for await (const { value } of this.datastore.query({ prefix: `${BY_TWIN}/${twin}/` })) contracts.push(value)
    return contracts
  }

  /** Drop the contracts that finished more than `keepMs` before `now`, oldest first; returns how many. */
  async expire (now: number): Promise<number> {
    const old: Finished[] = []
    for await (const key of this.datastore.queryKeys({ prefix: `${BY_TIME}/`, limit: EXPIRE_BATCH })) {
      const [time, twin, id] = key.toString().slice(BY_TIME.length + 1).split('/')
      if (Number(time) > now - this.retention.keepMs) break
      old.push({ twin, at: Number(time), id })
    }
    for (const finished of old) await this.drop(finished)
    return old.length
  }

  /** `twin`'s finished contracts, oldest first, from the keys alone. */
  private async of (twin: string): Promise<Finished[]> {
    const found: Finished[] = []
    for await (const key of this.datastore.queryKeys({ prefix: `${BY_TWIN}/${twin}/` })) {
      const [time, id] = key.toString().slice(BY_TWIN.length + twin.length + 2).split('/')
      found.push({ twin, at: Number(time), id })
    }
    return found.sort((a, b) => a.at - b.at)
  }

  /** Forget a finished contract and its receipts, in one batch. */
  private async drop (finished: Finished): Promise<void> {
    const batch = this.datastore.batch()
    batch.delete(byTwin(finished))
    batch.delete(byTime(finished))
    for await (const key of this.datastore.queryKeys({ prefix: `${RECEIPTS_PREFIX}/${finished.id}/` })) batch.delete(key)
    await batch.commit()
  }
}
