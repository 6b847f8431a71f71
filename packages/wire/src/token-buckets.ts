/**
 * One token bucket per key (a remote peer id): refills at `ratePerSecond`, holds
 * at most `burst` tokens (protocols/README.md §7.1). Idle full buckets are
 * dropped, so memory stays bounded by the peers that are actually busy.
 */
export class TokenBuckets {
  private readonly buckets = new Map<string, { tokens: number, at: number }>()

  constructor (private readonly ratePerSecond: number, readonly burst: number, private readonly now: () => number = Date.now) {}

  /** Take one token: 0 when granted, else how many ms until one is available. */
  take (key: string): number {
    const now = this.now()
    const bucket = this.buckets.get(key) ?? { tokens: this.burst, at: now }
    bucket.tokens = Math.min(this.burst, bucket.tokens + (now - bucket.at) * this.ratePerSecond / 1000)
    bucket.at = now
    this.buckets.set(key, bucket)
    this.prune(now)
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1
      return 0
    }
    return Math.ceil((1 - bucket.tokens) * 1000 / this.ratePerSecond)
  }

  private prune (now: number): void {
    if (this.buckets.size < 1024) return
    const fullAfterMs = this.burst * 1000 / this.ratePerSecond
    for (const [key, bucket] of this.buckets) {
      if (now - bucket.at >= fullAfterMs) this.buckets.delete(key)
    }
  }
}
