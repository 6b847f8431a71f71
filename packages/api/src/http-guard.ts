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

/** Another credential the API accepts in place of the bearer token (the web UI's session cookie). */
export type CredentialCheck = (req: IncomingMessage) => boolean

/**
 * Refuse requests a web page could have made through DNS rebinding (a foreign
 * Host header), and requests a page of another origin made from a browser on
 * this machine: its `Origin`, or `Sec-Fetch-Site` on a GET that carries no
 * Origin (an `<img>` or `<script>` of a foreign page).
 */
export function guardOrigin (req: IncomingMessage): void {
  const host = req.headers.host
  if (host == null || !LOCAL_HOSTNAMES.has(hostnameOf(host))) {
    throw forbidden(`Host "${host ?? ''}" is not allowed; the API answers only to localhost, 127.0.0.1 and [::1]`)
  }
  const origin = req.headers.origin
  if (origin != null && origin !== `http://${host}`) {
    throw forbidden(`Origin "${origin}" is not allowed; the API answers only to pages it serves itself (http://${host})`)
  }
  const site = req.headers['sec-fetch-site']
  if (site === 'cross-site' || site === 'same-site') {
    throw forbidden(`a ${site} request is not allowed; the API answers only to pages it serves itself (http://${host})`)
  }
}

/** Refuse requests without the daemon's bearer token, unless `alsoAccepted` vouches for them. */
export function guardToken (req: IncomingMessage, token: string, alsoAccepted?: CredentialCheck): void {
  const header = req.headers.authorization
  if (header == null || !header.startsWith('Bearer ')) {
    if (alsoAccepted?.(req) === true) return
    throw unauthorized('missing "Authorization: Bearer <token>" header; the token is in <home>/api.json')
  }
  const given = Buffer.from(header.slice('Bearer '.length).trim())
  const expected = Buffer.from(token)
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw unauthorized('wrong API token; the token is in <home>/api.json')
  }
}
