import { logger } from '@libp2p/logger'
import type { PoolStore } from './pool-store.js'

const log = logger('p2pcloud:twin:pools')

/** How often the pools' leases are looked at (default): a namespace is renewed once half its lease has gone by. */
export const POOL_RENEW_CHECK_MS = 60_000

/** Renewing a deployment's contract for `leaseMs` from now; its farmer's new lease end. */
export type Renew = (deployment: string, leaseMs: number) => Promise<{ contract?: { leaseEnd: string } }>

/**
 * Keeps the pools' namespaces reserved: every check, a member past half its lease is renewed for
 * the pool's lease from now, and its new lease end kept. A farmer that does not answer is tried
 * at the next check (until its lease is over, the pool reads without it).
 */
export class PoolLeases {
  private timer?: ReturnType<typeof setInterval>
  private running?: Promise<void>

  constructor (private readonly store: PoolStore, private readonly renew: Renew) {}

  start (checkMs = POOL_RENEW_CHECK_MS): void {
    this.timer = setInterval(() => {
      this.running ??= this.renewDue()
        .catch(err => { log.error('could not look at the pools\' leases: %e', err) })
        .finally(() => { this.running = undefined })
    }, checkMs)
    this.timer.unref()
  }

  async stop (): Promise<void> {
    clearInterval(this.timer)
    await this.running
  }

  async renewDue (now = Date.now()): Promise<void> {
    for (const pool of await this.store.list()) {
      const due = pool.members.filter(m => (m.leaseEnd ?? pool.createdAt + pool.leaseMs) - now <= pool.leaseMs / 2)
      for (const member of due) {
        try {
          const renewed = await this.renew(member.deployment, pool.leaseMs)
          const leaseEnd = renewed.contract != null ? Date.parse(renewed.contract.leaseEnd) : now + pool.leaseMs
          await this.store.update(pool.name, current => {
            for (const m of current.members) if (m.deployment === member.deployment) m.leaseEnd = leaseEnd
          })
          log('renewed %s of pool %s until %s', member.deployment, pool.name, new Date(leaseEnd).toISOString())
        } catch (err) {
          log.error('could not renew %s of pool %s (its lease ends %s): %e', member.deployment, pool.name, new Date(member.leaseEnd ?? 0).toISOString(), err)
        }
      }
    }
  }
}
