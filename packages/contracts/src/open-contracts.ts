/** The contract fields the counts look at. */
interface Counted {
  state: string
  proposal: { twin: string }
}

/** Whether a contract holds capacity: active, or expired and in its grace. */
function isOpen (record: Counted | undefined): boolean {
  return record?.state === 'active' || record?.state === 'expired'
}

/**
 * Open contracts, and bookings past the limits not yet written, per twin and in all. Kept in step
 * with every change of the ledger, so that a proposal is checked against the limits without a
 * scan of every contract.
 */
export class OpenContracts {
  private readonly perTwin = new Map<string, number>()
  private all = 0

  /** Open contracts and bookings in progress of `twin`. */
  of (twin: string): number {
    return this.perTwin.get(twin) ?? 0
  }

  /** Open contracts and bookings in progress of every twin. */
  get total (): number {
    return this.all
  }

  /** A contract went from `before` to `after`; undefined for one added or removed. */
  change (before: Counted | undefined, after: Counted | undefined): void {
    if (isOpen(before)) this.add((before as Counted).proposal.twin, -1)
    if (isOpen(after)) this.add((after as Counted).proposal.twin, 1)
  }

  /** `twin` is booking a contract: counted until the returned function is called (once). */
  booking (twin: string): () => void {
    this.add(twin, 1)
    let done = false
    return () => {
      if (done) return
      done = true
      this.add(twin, -1)
    }
  }

  private add (twin: string, delta: number): void {
    const count = this.of(twin) + delta
    if (count > 0) this.perTwin.set(twin, count)
    else this.perTwin.delete(twin)
    this.all += delta
  }
}
