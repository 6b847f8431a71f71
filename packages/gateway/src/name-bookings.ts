import { Key, type Datastore } from 'interface-datastore'
import { ErrorCodes, ProtocolError } from '@p2pcloud/wire'

const PREFIX = '/p2pcloud/gateway/names'

/** Who holds a name: a gateway workload of a contract. */
export interface NameHolder {
  contractId: string
  workload: string
  twin: string
}

/** When the contract of a holder ends (its lease end), or undefined when it holds nothing any more. */
export type HeldUntil = (holder: NameHolder) => number | undefined

const same = (a: Pick<NameHolder, 'contractId' | 'workload'>, b: Pick<NameHolder, 'contractId' | 'workload'>): boolean => a.contractId === b.contractId && a.workload === b.workload

/**
 * The names a gateway serves, each held by one workload while its contract lasts. Kept in the
 * farmer's datastore, so that after a restart a name goes back to its holder whatever order the
 * deployments are applied in; changes one at a time, so two bookings never both win.
 */
export class NameBookings {
  private queue: Promise<unknown> = Promise.resolve()

  constructor (private readonly datastore: Datastore, private readonly heldUntil: HeldUntil) {}

  /** Books `host` for `holder`; CONFLICT naming when the other holder's lease ends if another contract holds it. */
  async book (host: string, holder: NameHolder): Promise<void> {
    await this.serial(async () => {
      const current = await this.get(host)
      if (current !== undefined && !same(current, holder)) {
        const until = this.heldUntil(current)
        if (until !== undefined) {
          const whose = current.twin === holder.twin ? `your contract ${current.contractId}` : 'another contract'
          throw new ProtocolError(ErrorCodes.CONFLICT, `${host} is booked on this gateway by ${whose} until its lease ends at ${new Date(until).toISOString()}; choose another name`)
        }
      }
      await this.datastore.put(this.key(host), new TextEncoder().encode(JSON.stringify(holder)))
    })
  }

  /** Gives `host` back if `holder` holds it. */
  async release (host: string, holder: NameHolder): Promise<void> {
    await this.serial(async () => {
      const current = await this.get(host)
      if (current !== undefined && same(current, holder)) await this.datastore.delete(this.key(host))
    })
  }

  /** The host `holder` has booked, if any (a workload removed before this process applied it again). */
  async hostOf (holder: Pick<NameHolder, 'contractId' | 'workload'>): Promise<string | undefined> {
    for await (const { key, value } of this.datastore.query({ prefix: PREFIX + '/' })) {
      if (same(JSON.parse(new TextDecoder().decode(value)), holder)) return key.baseNamespace()
    }
    return undefined
  }

  private async get (host: string): Promise<NameHolder | undefined> {
    const key = this.key(host)
    if (!await this.datastore.has(key)) return undefined
    return JSON.parse(new TextDecoder().decode(await this.datastore.get(key)))
  }

  /** Hostnames are checked (RFC 1123) before they get here: one plain key component each. */
  private key (host: string): Key {
    return new Key(`${PREFIX}/${host}`)
  }

  private async serial<T> (work: () => Promise<T>): Promise<T> {
    const next = this.queue.catch(() => {}).then(work)
    this.queue = next
    return await next
  }
}
