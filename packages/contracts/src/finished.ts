import { Key, type Datastore } from 'interface-datastore'

/** A day in milliseconds. */
export const DAY = 86_400_000
/** Where the ledger keeps its contracts (live: open, or over less than a quote's validity ago) and their usage receipts. */
export const LIVE_PREFIX = '/p2pcloud/contracts'
export const RECEIPTS_PREFIX = '/p2pcloud/receipts'
/** Contracts that are over: `<id>` → the stored Contract, as it was in the live ledger. */
const RECORDS = '/p2pcloud/contracts-finished'
/** Key-only indexes of them: per twin and across twins, in the order they finished. */
const BY_TWIN = '/p2pcloud/contracts-finished-by-twin'
const BY_TIME = '/p2pcloud/contracts-finished-at'
/** Per twin: how many it has kept, so a move never counts them. */
const COUNT = '/p2pcloud/contracts-finished-count'

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
const record = (id: string): Key => new Key(`${RECORDS}/${id}`)
const byTwin = (f: Finished): Key => new Key(`${BY_TWIN}/${f.twin}/${at(f.at)}/${f.id}`)
const byTime = (f: Finished): Key => new Key(`${BY_TIME}/${at(f.at)}/${f.twin}/${f.id}`)
const count = (twin: string): Key => new Key(`${COUNT}/${twin}`)

/**
 * Contracts that are over, out of the farmer's live ledger: on disk in the same datastore, read
 * only when a twin asks for one, never at start, and dropped with their receipts once past the
 * retention. A move or a lookup touches a handful of keys; a list reads one twin's (at most
 * `maxPerTwin`). Writes come from the ledger's sweep, one at a time.
 */
export class FinishedContracts {
  constructor (private readonly datastore: Datastore, private readonly retention: Retention) {}

  /** Move a contract from `liveKey` here, in one batch, then drop the twin's oldest past its limit. */
  async add (finished: Finished, contract: Uint8Array, liveKey: Key): Promise<void> {
    const kept = await this.countOf(finished.twin) + 1
    const batch = this.datastore.batch()
    batch.delete(liveKey)
    batch.put(record(finished.id), contract)
    batch.put(byTwin(finished), new Uint8Array())
    batch.put(byTime(finished), new Uint8Array())
    batch.put(count(finished.twin), new TextEncoder().encode(String(kept)))
    await batch.commit()
    if (kept <= this.retention.maxPerTwin) return
    const oldest: Finished[] = []
    for await (const key of this.datastore.queryKeys({ prefix: `${BY_TWIN}/${finished.twin}/`, limit: kept - this.retention.maxPerTwin })) {
      const [time, id] = key.toString().slice(BY_TWIN.length + finished.twin.length + 2).split('/')
      oldest.push({ twin: finished.twin, at: Number(time), id })
    }
    for (const old of oldest) await this.drop(old)
  }

  /** The stored Contract of the finished contract `id`, if still kept (whoever's twin it is). */
  async get (id: string): Promise<Uint8Array | undefined> {
    return await this.datastore.has(record(id)) ? this.datastore.get(record(id)) : undefined
  }

  /** Every finished contract of `twin` still kept (at most `maxPerTwin`). */
  async list (twin: string): Promise<Uint8Array[]> {
    const contracts: Uint8Array[] = []
    for await (const key of this.datastore.queryKeys({ prefix: `${BY_TWIN}/${twin}/` })) {
      const stored = await this.get(key.baseNamespace())
      if (stored != null) contracts.push(stored)
    }
    return contracts
  }

  /** Drop the contracts that finished more than `keepMs` before `now`, oldest first, a batch at a time. */
  async expire (now: number): Promise<void> {
    const old: Finished[] = []
    for await (const key of this.datastore.queryKeys({ prefix: `${BY_TIME}/`, limit: EXPIRE_BATCH })) {
      const [time, twin, id] = key.toString().slice(BY_TIME.length + 1).split('/')
      if (Number(time) > now - this.retention.keepMs) break
      old.push({ twin, at: Number(time), id })
    }
    for (const finished of old) await this.drop(finished)
  }

  private async countOf (twin: string): Promise<number> {
    return await this.datastore.has(count(twin)) ? Number(new TextDecoder().decode(await this.datastore.get(count(twin)))) : 0
  }

  /** Forget a finished contract and its receipts, in one batch. */
  private async drop (finished: Finished): Promise<void> {
    const left = await this.countOf(finished.twin) - 1
    const batch = this.datastore.batch()
    batch.delete(record(finished.id))
    batch.delete(byTwin(finished))
    batch.delete(byTime(finished))
    if (left > 0) batch.put(count(finished.twin), new TextEncoder().encode(String(left)))
    else batch.delete(count(finished.twin))
    for await (const key of this.datastore.queryKeys({ prefix: `${RECEIPTS_PREFIX}/${finished.id}/` })) batch.delete(key)
    await batch.commit()
  }
}
