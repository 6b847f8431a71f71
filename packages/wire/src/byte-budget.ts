/** The budget could not make room in time: the responder answers UNAVAILABLE (protocols/README.md §7.1). */
export class BudgetExhaustedError extends Error {
  override name = 'BudgetExhaustedError'
}

interface Waiter {
  peer: string
  bytes: number
  grant: () => void
}

/**
 * A semaphore of bytes. Whoever is about to hold `bytes` in memory on behalf of a remote peer
 * acquires them first and releases them when done, so that all peers together never make this
 * process hold more than `capacity`, and no one peer more than `perPeer` of it. Waiters are
 * served in arrival order: a large request is not starved by a stream of small ones; only a
 * waiter held back by its own peer's share lets those behind it pass.
 */
export class ByteBudget {
  private used = 0
  private readonly heldByPeer = new Map<string, number>()
  private readonly waiting: Waiter[] = []

  constructor (readonly capacity: number, readonly perPeer = capacity) {
    if (perPeer > capacity) throw new RangeError(`a peer's share of ${perPeer} bytes is more than the whole budget of ${capacity}`)
  }

  /** Bytes held right now. */
  get inUse (): number {
    return this.used
  }

  /** Bytes `peer` holds right now. */
  heldBy (peer: string): number {
    return this.heldByPeer.get(peer) ?? 0
  }

  /**
   * Resolves with the function that gives the bytes back (once; later calls do nothing) when
   * they fit beside what everyone holds and beside what `peer` (the remote peer's id) holds;
   * rejects with BudgetExhaustedError after `timeoutMs`, or with the signal's reason. More than
   * `perPeer` is taken as `perPeer`.
   */
  async acquire (peer: string, bytes: number, timeoutMs: number, signal?: AbortSignal): Promise<() => void> {
    signal?.throwIfAborted()
    const amount = Math.min(bytes, this.perPeer)
    // those left waiting wait for their own share, or for the shared room: then this waits behind them
    if (this.withinShare(peer, amount) && this.used + amount <= this.capacity && !this.waiting.some(w => this.withinShare(w.peer, w.bytes))) {
      this.take(peer, amount)
      return this.releaser(peer, amount)
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
      const timer = setTimeout(() => { giveUp(this.exhausted(peer, amount, timeoutMs)) }, timeoutMs)
      const waiter: Waiter = {
        peer,
        bytes: amount,
        grant: () => {
          clearTimeout(timer)
          signal?.removeEventListener('abort', onAbort)
          resolve(this.releaser(peer, amount))
        }
      }
      signal?.addEventListener('abort', onAbort, { once: true })
      this.waiting.push(waiter)
    })
  }

  private withinShare (peer: string, amount: number): boolean {
    return this.heldBy(peer) + amount <= this.perPeer
  }

  private take (peer: string, amount: number): void {
    this.used += amount
    this.heldByPeer.set(peer, this.heldBy(peer) + amount)
  }

  private exhausted (peer: string, amount: number, timeoutMs: number): BudgetExhaustedError {
    const wanted = `${mib(amount)} more did not fit within ${timeoutMs} ms`
    if (!this.withinShare(peer, amount)) return new BudgetExhaustedError(`peer ${peer} already holds ${mib(this.heldBy(peer))} here, its limit of ${mib(this.perPeer)} per peer; ${wanted}`)
    return new BudgetExhaustedError(`this peer already holds ${mib(this.used)} for remote peers, its limit of ${mib(this.capacity)}; ${wanted}`)
  }

  private releaser (peer: string, amount: number): () => void {
    let released = false
    return () => {
      if (released) return
      released = true
      this.used -= amount
      const left = this.heldBy(peer) - amount
      if (left > 0) this.heldByPeer.set(peer, left)
      else this.heldByPeer.delete(peer)
      this.grantWaiting()
    }
  }

  private grantWaiting (): void {
    for (let i = 0; i < this.waiting.length;) {
      const waiter = this.waiting[i]
      // waits for its own peer's bytes only: no reason to hold back anyone else
      if (!this.withinShare(waiter.peer, waiter.bytes)) {
        i++
        continue
      }
      // first in line for the shared room: no one behind it overtakes it
      if (this.used + waiter.bytes > this.capacity) return
      this.waiting.splice(i, 1)
      this.take(waiter.peer, waiter.bytes)
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
 * Most of it one remote peer may hold (protocols/README.md §7.1): an eighth, still room for two
 * 4 MiB zdb values at once, so that one peer cannot take the room of all the others.
 */
export const INBOUND_BUDGET_PER_PEER_BYTES = INBOUND_BUDGET_BYTES / 8

/**
 * The one budget of this process for request frames being read and handled by every stream
 * protocol. One per process, not per node, since memory is.
 */
export const inboundBudget = new ByteBudget(INBOUND_BUDGET_BYTES, INBOUND_BUDGET_PER_PEER_BYTES)
