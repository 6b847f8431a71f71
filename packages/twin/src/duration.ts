/** Durations as people write them in specs and flags: `90s`, `30m`, `24h`, `7d`. */
const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }

export class InvalidDurationError extends Error {
  override name = 'InvalidDurationError'
  readonly kind = 'invalid'
}

/** Milliseconds in a duration such as `24h`: a whole number and one unit of s, m, h or d. */
export function parseDuration (text: string): number {
  const match = /^\s*(\d+)\s*([smhd])\s*$/.exec(text)
  if (match == null) {
    // a bare number is the likeliest mistake; say which unit is missing rather than just "no"
    const hint = /^\s*\d+(\.\d+)?\s*$/.test(text) ? ' (a unit is needed)' : ''
    throw new InvalidDurationError(`"${text}" is not a duration${hint}; write e.g. 90s, 30m, 24h or 7d`)
  }
  const ms = Number(match[1]) * UNIT_MS[match[2]]
  if (!Number.isSafeInteger(ms)) throw new InvalidDurationError(`duration "${text}" is too long`)
  return ms
}

/** The inverse, in the largest unit that divides evenly: 86400000 → "1d", 5400000 → "90m". */
export function formatDuration (ms: number): string {
  for (const unit of ['d', 'h', 'm', 's']) {
    if (ms >= UNIT_MS[unit] && ms % UNIT_MS[unit] === 0) return `${ms / UNIT_MS[unit]}${unit}`
  }
  return `${ms}ms`
}

/** "1h 50m", "3d 2h", "45s": the largest two units of a span, for people. */
export function roughDuration (ms: number): string {
  const units: Array<[string, number]> = [['d', 86_400_000], ['h', 3_600_000], ['m', 60_000], ['s', 1000]]
  const parts: string[] = []
  let rest = Math.max(0, ms)
  for (const [unit, size] of units) {
    if (rest >= size || (parts.length === 0 && unit === 's')) parts.push(`${Math.floor(rest / size)}${unit}`)
    rest %= size
    if (parts.length === 2) break
  }
  return parts.join(' ')
}
