import type { IncomingMessage } from 'node:http'

// RFC 9110 §7.6.1: headers about one connection, not the message; a proxy must not forward them.
// Transfer-Encoding and Content-Length stay: node re-frames the body by them on the other side.
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'proxy-authenticate', 'proxy-authorization', 'te', 'trailer', 'upgrade'])
// Only the gateway knows who the client is; what the client says about it is dropped, not appended to.
const CLIENT_CLAIMS = new Set(['x-forwarded-for', 'x-forwarded-proto', 'x-forwarded-host', 'forwarded'])
// What frames and addresses a message is never dropped because a Connection header names it: a
// body without its framing would reach the backend as the start of another request.
const FRAMING = new Set(['host', 'content-length', 'transfer-encoding'])

/** The header names a message's Connection header lists: hop-by-hop too (RFC 9110 §7.6.1). */
function connectionOptions (message: IncomingMessage): Set<string> {
  const value = message.headers.connection
  return new Set((value ?? '').split(',').map(name => name.trim().toLowerCase()).filter(name => name !== '' && !FRAMING.has(name)))
}

/** `rawHeaders` (name, value, name, value …) without the pairs whose lower-case name `drop` holds. */
function without (rawHeaders: string[], drop: (name: string) => boolean): string[] {
  const kept: string[] = []
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    if (!drop(rawHeaders[i].toLowerCase())) kept.push(rawHeaders[i], rawHeaders[i + 1])
  }
  return kept
}

/**
 * The request's headers for the backend, as the client wrote them (names, case and order kept),
 * less hop-by-hop ones, plus X-Forwarded-For / -Proto / -Host. An upgrade keeps its
 * `Connection: upgrade` and `Upgrade` headers: the backend must see them to switch protocols.
 */
export function forwardedRequestHeaders (req: IncomingMessage, proto: 'http' | 'https', upgrade: boolean): string[] {
  const options = connectionOptions(req)
  const headers = without(req.rawHeaders, name =>
    CLIENT_CLAIMS.has(name) || (upgrade ? false : HOP_BY_HOP.has(name) || options.has(name)))
  headers.push(
    'X-Forwarded-For', req.socket.remoteAddress ?? '',
    'X-Forwarded-Proto', proto,
    'X-Forwarded-Host', req.headers.host ?? '')
  return headers
}

/** The backend response's headers for the client, less hop-by-hop ones. */
export function forwardedResponseHeaders (res: IncomingMessage): string[] {
  const options = connectionOptions(res)
  return without(res.rawHeaders, name => HOP_BY_HOP.has(name) || options.has(name))
}
