import { timingSafeEqual } from 'node:crypto'
import type { IncomingMessage } from 'node:http'
import { forbidden, unauthorized } from './errors.js'

const LOCAL_HOSTNAMES = new Set(['localhost', '127.0.0.1', '[::1]'])

/** The hostname part of a Host header: `[::1]:5000` → `[::1]`, `localhost:80` → `localhost`. */
function hostnameOf (host: string): string {
  if (host.startsWith('[')) {
    const end = host.indexOf(']')
    return end === -1 ? host : host.slice(0, end + 1)
  }
  const colon = host.indexOf(':')
  return (colon === -1 ? host : host.slice(0, colon)).toLowerCase()
}

/**
 * Refuse requests a web page could have made through DNS rebinding (a foreign
 * Host header), then requests without the daemon's bearer token.
 */
export function guardRequest (req: IncomingMessage, token: string): void {
  const host = req.headers.host
  if (host == null || !LOCAL_HOSTNAMES.has(hostnameOf(host))) {
    throw forbidden(`Host "${host ?? ''}" is not allowed; the API answers only to localhost, 127.0.0.1 and [::1]`)
  }
  const header = req.headers.authorization
  if (header == null || !header.startsWith('Bearer ')) {
    throw unauthorized('missing "Authorization: Bearer <token>" header; the token is in <home>/api.json')
  }
  const given = Buffer.from(header.slice('Bearer '.length).trim())
  const expected = Buffer.from(token)
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw unauthorized('wrong API token; the token is in <home>/api.json')
  }
}
