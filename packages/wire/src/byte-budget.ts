/** The budget could not make room in time: the responder answers UNAVAILABLE (protocols/README.md §7.1). */
export class BudgetExhaustedError extends Error {
  override name = 'BudgetExhaustedError'
}

interface Waiter {
  bytes: number
  grant: () => void
}

/**
 * A semaphore of bytes. Whoever is about to hold `bytes` in memory on behalf of a remote peer
 * acquires them first and releases them when done, so that all peers together never make this
 * process hold more than `capacity`. Waiters are served in arrival order: a large request is
 * not starved by a stream of small ones.
 */
export class ByteBudget {
  private used = 0
  private readonly waiting: Waiter[] = []

  constructor (readonly capacity: number) {}

  /** Bytes held right now. */
  get inUse (): number {
    return this.used
  }

  /**
   * Resolves with the function that gives the bytes back (once; later calls do nothing) when
   * they fit; rejects with BudgetExhaustedError after `timeoutMs`, or with the signal's reason.
   */
  async acquire (bytes: number, timeoutMs: number, signal?: AbortSignal): Promise<() => void> {
    const amount = Math.min(bytes, this.capacity)
    if (this.waiting.length === 0 && this.used + amount <= this.capacity) {
      this.used += amount
      return this.releaser(amount)
    }
    return new Promise((resolve, reject) => {
      const giveUp = (reason: unknown): void => {
        const at = this.waiting.indexOf(waiter)
        if (at < 0) return
        this.waiting.splice(at, 1)
        clearTimeout(timer)
        signal?.removeEventListener('abort', onAbort)
        reject(reason)
        this.grantWaiting() // the waiter gone may have blocked smaller ones behind it
      }
      const onAbort = (): void => { giveUp(signal?.reason) }
      const waiter: Waiter = {
        bytes: amount,
        grant: () => {
          clearTimeout(timer)
          signal?.removeEventListener('abort', onAbort)
          resolve(this.releaser(amount))
        }
      }
      const timer = setTimeout(() => {
        giveUp(new BudgetExhaustedError(`this peer already holds ${mib(this.used)} of requests from other peers, its limit of ${mib(this.capacity)}; ${mib(amount)} more did not fit within ${timeoutMs} ms`))
      }, timeoutMs)
      signal?.addEventListener('abort', onAbort, { once: true })
      this.waiting.push(waiter)
      if (signal?.aborted === true) onAbort()
    })
  }

  private releaser (amount: number): () => void {
    let released = false
    return () => {
      if (released) return
      released = true
      this.used -= amount
      this.grantWaiting()
    }
  }

  private grantWaiting (): void {
    while (this.waiting.length > 0 && this.used + this.waiting[0].bytes <= this.capacity) {
      const waiter = this.waiting.shift() as Waiter
      this.used += waiter.bytes
      waiter.grant()
    }
  }
}

function mib (bytes: number): string {
  return `${(bytes / 2 ** 20).toFixed(1)} MiB`
}

/** Most bytes the requests of all remote peers may hold in this process at once (protocols/README.md §7.1). */
export const INBOUND_BUDGET_BYTES = 64 * 2 ** 20

/**
 * The one budget of this process: request frames being read and handled by every stream
 * protocol, and the blocks a blocks responder reads ahead. One per process, not per node,
 * since memory is.
 */
export const inboundBudget = new ByteBudget(INBOUND_BUDGET_BYTES)
