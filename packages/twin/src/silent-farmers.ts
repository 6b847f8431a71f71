/** How many silent farmers are remembered; the oldest silence is forgotten first. */
export const MAX_SILENT_REMEMBERED = 1024

/**
 * When each farmer of this twin's deployments stopped answering: from the first call it did not
 * answer until the next it does. Kept in memory (a restarted daemon counts from its first try).
 */
export class SilentFarmers {
  private readonly since = new Map<string, number>()

  constructor (private readonly max = MAX_SILENT_REMEMBERED, private readonly now: () => number = Date.now) {}

  answered (farmer: string): void {
    this.since.delete(farmer)
  }

  /** The farmer did not answer now: when its silence began. */
  silent (farmer: string): number {
    const known = this.since.get(farmer)
    if (known != null) return known
    const now = this.now()
    this.since.set(farmer, now)
    // a Map keeps insertion order: the first key is the oldest silence
    while (this.since.size > this.max) this.since.delete(this.since.keys().next().value as string)
    return now
  }
}
