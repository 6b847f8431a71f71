import { TypedEventEmitter } from 'main-event'
import { Key, type Datastore } from 'interface-datastore'
import { addResources, emptyResources, shortfall, subtractResources, type Resources } from './resources.js'

const RESERVED_KEY = new Key('/p2pcloud/capacity/reserved')

export class InsufficientCapacityError extends Error {
  override name = 'InsufficientCapacityError'
  constructor (readonly free: Resources, readonly wanted: Resources, readonly units: string[]) {
    super(`not enough free ${units.join(', ')}: wanted ${units.map(u => `${u}=${wanted[u as keyof Resources]}`).join(', ')}, free ${units.map(u => `${u}=${free[u as keyof Resources]}`).join(', ')}`)
  }
}

/** A datastore record written atomically with a booking. */
export interface AccountRecord {
  key: Key
  value: Uint8Array
}

export interface CapacityAccountEvents {
  change: CustomEvent<Resources>
}

/**
 * The one source of a farmer's free capacity: total minus what is reserved.
 * The reservation ledger (contracts) books and releases through it; the
 * advertiser listens to `change`. Reservations are on disk before `reserve` returns.
 */
export class CapacityAccount extends TypedEventEmitter<CapacityAccountEvents> {
  private reservedNow: Resources = emptyResources()
  // one booking at a time: check-then-write must not interleave
  private queue: Promise<unknown> = Promise.resolve()

  constructor (readonly total: Resources, private readonly datastore: Datastore) {
    super()
  }

  async load (): Promise<void> {
    if (await this.datastore.has(RESERVED_KEY)) {
      this.reservedNow = JSON.parse(new TextDecoder().decode(await this.datastore.get(RESERVED_KEY)))
    }
  }

  reserved (): Resources {
    return { ...this.reservedNow }
  }

  free (): Resources {
    return subtractResources(this.total, this.reservedNow)
  }

  /**
   * Book `amount`, or throw InsufficientCapacityError naming the units that do
   * not fit. `records` are written in the same atomic batch (the contract that
   * books it), so a crash never leaves one without the other.
   */
  async reserve (amount: Resources, records: AccountRecord[] = []): Promise<void> {
    await this.serialise(async () => {
      const missing = shortfall(this.free(), amount)
      if (missing.length > 0) throw new InsufficientCapacityError(this.free(), amount, missing)
      await this.store(addResources(this.reservedNow, amount), records)
    })
  }

  /** Give `amount` back, with `records` in the same atomic batch. */
  async release (amount: Resources, records: AccountRecord[] = []): Promise<void> {
    await this.serialise(async () => {
      await this.store(subtractResources(this.reservedNow, amount), records)
    })
  }

  /** Write `records` in turn with every other booking, without changing what is reserved. */
  async record (records: AccountRecord[]): Promise<void> {
    await this.serialise(async () => {
      await this.store(this.reservedNow, records)
    })
  }

  private async serialise (work: () => Promise<void>): Promise<void> {
    const next = this.queue.then(work)
    this.queue = next.catch(() => {})
    await next
  }

  private async store (reserved: Resources, records: AccountRecord[]): Promise<void> {
    const batch = this.datastore.batch()
    batch.put(RESERVED_KEY, new TextEncoder().encode(JSON.stringify(reserved)))
    for (const { key, value } of records) batch.put(key, value)
    await batch.commit()
    const changed = JSON.stringify(reserved) !== JSON.stringify(this.reservedNow)
    this.reservedNow = reserved
    if (changed) this.safeDispatchEvent('change', { detail: this.free() })
  }
}
