/** How a command prints: for people by default, exact JSON with --json. */
export interface OutputOptions {
  json?: boolean
}

/**
 * Keys whose numbers are Unix ms in the daemon's answers (the API keeps ms: the web UI computes
 * with them). --json prints them as ISO 8601, as `contracts` and `find` get them already, so that
 * every command's times read alike; a key ending in `Ms` loses that ending.
 */
const TIME_KEYS = new Set([
  'at', 'createdAt', 'changedAt', 'stateChangedAt', 'signedAt', 'acceptedAt', 'expiresAt', 'since',
  'leaseStart', 'leaseEnd', 'periodStart', 'periodEnd', 'dropAfter', 'pinnedAtMs',
  'latestHandshake', 'nextDirectRetryAt', 'attemptStartedAt'
])
/** Date's own range: beyond it there is no ISO form, and the number stays as it is. */
const MAX_DATE_MS = 8.64e15

/** `value` with every time of TIME_KEYS as an ISO 8601 string, at any depth; strings stay as they are. */
export function isoTimes (value: unknown): unknown {
  if (Array.isArray(value)) return value.map(isoTimes)
  if (value == null || typeof value !== 'object') return value
  return Object.fromEntries(Object.entries(value).map(([key, v]) =>
    TIME_KEYS.has(key) && typeof v === 'number' && Math.abs(v) <= MAX_DATE_MS
      ? [key.replace(/Ms$/, ''), new Date(v).toISOString()]
      : [key, isoTimes(v)]))
}

export function printJson (value: unknown): void {
  process.stdout.write(JSON.stringify(isoTimes(value), null, 2) + '\n')
}

/** Print `value` as JSON when asked, else the lines `human` makes of it. */
export function print<T> (options: OutputOptions, value: T, human: (value: T) => string[]): void {
  if (options.json === true) {
    printJson(value)
  } else {
    process.stdout.write(human(value).join('\n') + '\n')
  }
}

/** One clear line on stderr naming the problem; the stack only when debugging. */
export function printError (err: any): void {
  const message = typeof err?.message === 'string' ? err.message : String(err)
  process.stderr.write(`error: ${message}\n`)
  if (process.env.P2PCLOUD_DEBUG != null && err?.stack != null) {
    process.stderr.write(`${err.stack}\n`)
  }
}
