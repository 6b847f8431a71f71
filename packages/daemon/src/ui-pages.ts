import type { PageHandler } from '@p2pcloud/api'
import { ApiError, notFound } from '@p2pcloud/api'
import { SESSION_TTL_MS, sessionCookieName, type UiSessions } from './ui-sessions.js'
import { sendUiFile, UI_DIST } from './ui-static.js'

/**
 * What the daemon serves outside /v1 for the web UI: its files (no secret in them; the data
 * comes from /v1, behind the token or a session) and `GET /ui/login?code=…`, which trades a
 * one-time code from `p2pcloud ui` for a session cookie.
 */
export function uiPages (sessions: UiSessions, root = UI_DIST): PageHandler {
  return async (req, res, url) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return false
    if (url.pathname === '/ui/login') {
      const session = sessions.redeem(url.searchParams.get('code') ?? '')
      if (session == null) {
        throw new ApiError(401, 'LoginLinkInvalid', 'this login link was used already or has expired (a link works once, for a minute); run "p2pcloud ui" for a new one')
      }
      res.writeHead(303, {
        location: '/',
        'set-cookie': `${sessionCookieName(req)}=${session}; HttpOnly; SameSite=Strict; Path=/; Max-Age=${SESSION_TTL_MS / 1000}`,
        'cache-control': 'no-store',
        'referrer-policy': 'no-referrer'
      })
      res.end()
      return true
    }
    if (await sendUiFile(req, res, url.pathname, root)) return true
    if (url.pathname === '/') throw notFound(`the web UI is not built (no ${root}index.html); run "npm run build"`)
    return false
  }
}
