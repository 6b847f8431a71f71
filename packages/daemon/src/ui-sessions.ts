import { randomBytes } from 'node:crypto'
import type { IncomingMessage } from 'node:http'

/** How long a login link works: long enough to click it, short enough that a leaked one is dead. */
export const LOGIN_CODE_TTL_MS = 60_000
/** How long a browser stays logged in; the daemon's restart ends every session sooner. */
export const SESSION_TTL_MS = 24 * 3_600_000

const secret = (): string => randomBytes(32).toString('base64url')

/**
 * Cookies are not told apart by port, so every daemon on this machine names its own: logging
 * into one does not log out of another.
 */
export function sessionCookieName (req: IncomingMessage): string {
  const port = /:(\d+)$/.exec(req.headers.host ?? '')?.[1] ?? '80'
  return `p2pcloud-session-${port}`
}

function cookieOf (req: IncomingMessage, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=')
    if (eq !== -1 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim()
  }
  return undefined
}

/**
 * The web UI's logins, in memory only: one-time codes that `p2pcloud ui` asks for with the API
 * token, each traded once for a session the browser keeps in an HttpOnly cookie.
 */
export class UiSessions {
  private readonly codes = new Map<string, number>()
  private readonly sessions = new Map<string, number>()

  constructor (private readonly now: () => number = Date.now) {}

  /** A fresh login code, valid once for LOGIN_CODE_TTL_MS. */
  issueCode (): { code: string, expiresAt: number } {
    this.forgetExpired()
    const code = secret()
    const expiresAt = this.now() + LOGIN_CODE_TTL_MS
    this.codes.set(code, expiresAt)
    return { code, expiresAt }
  }

  /** The session a code opens, or undefined when the code is unknown, used or expired. */
  redeem (code: string): string | undefined {
    this.forgetExpired()
    if (!this.codes.delete(code)) return undefined
    const session = secret()
    this.sessions.set(session, this.now() + SESSION_TTL_MS)
    return session
  }

  /** Whether the request carries a live session cookie of this daemon. */
  readonly accepts = (req: IncomingMessage): boolean => {
    const session = cookieOf(req, sessionCookieName(req))
    const until = session == null ? undefined : this.sessions.get(session)
    return until != null && until > this.now()
  }

  private forgetExpired (): void {
    const now = this.now()
    for (const map of [this.codes, this.sessions]) {
      for (const [key, until] of map) if (until <= now) map.delete(key)
    }
  }
}
