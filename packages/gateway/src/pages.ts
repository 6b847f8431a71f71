import { STATUS_CODES, type ServerResponse } from 'node:http'

/**
 * The gateway's own answers, in plain words and plain text (never HTML: the host they name comes
 * from the client). Each says that the gateway answered, not the backend, and why.
 */
export interface Page {
  status: number
  /** One or two sentences for a person reading the page. */
  message: string
  headers?: Record<string, string>
}

export const pages = {
  badHost: (): Page => ({ status: 400, message: 'The request has no valid Host header; this gateway routes by host name.' }),
  noRoute: (host: string): Page => ({ status: 404, message: `No site named ${host} is served by this gateway. The name may have expired, been removed, or never been booked here.` }),
  misdirected: (host: string, servername: string): Page => ({ status: 421, message: `This TLS connection was made for ${servername}; ${host} needs a connection of its own.` }),
  httpsOnly: (location: string): Page => ({ status: 308, message: `This site is served over HTTPS: ${location}`, headers: { location } }),
  busy: (host: string, retryAfterSeconds: number): Page => ({ status: 503, message: `${host} has as many connections open as this gateway allows it; try again in ${retryAfterSeconds} seconds.`, headers: { 'retry-after': String(retryAfterSeconds) } }),
  gatewayFull: (retryAfterSeconds: number): Page => ({ status: 503, message: `This gateway has as many connections open as it allows; try again in ${retryAfterSeconds} seconds.`, headers: { 'retry-after': String(retryAfterSeconds) } }),
  unreachable: (host: string, reason: string): Page => ({ status: 502, message: `The gateway could not reach the backend of ${host}: ${reason}` }),
  badBackendResponse: (host: string, reason: string): Page => ({ status: 502, message: `The backend of ${host} did not give a valid response: ${reason}` }),
  backendConnectTimeout: (host: string, ms: number): Page => ({ status: 504, message: `The backend of ${host} did not accept a connection within ${ms / 1000} seconds.` }),
  backendResponseTimeout: (host: string, ms: number): Page => ({ status: 504, message: `The backend of ${host} did not answer within ${ms / 1000} seconds.` }),
  headersTooLarge: (maxBytes: number): Page => ({ status: 431, message: `The request's headers are larger than the ${maxBytes} bytes this gateway accepts.` }),
  badRequest: (): Page => ({ status: 400, message: 'The request is not valid HTTP/1.1.' })
}

const body = (page: Page): string => `${page.status} ${STATUS_CODES[page.status] ?? ''}\n\n${page.message}\n\n(answered by the p2pcloud gateway)\n`

/** Sends `page` as the response; the connection stays usable unless `close`. */
export function sendPage (res: ServerResponse, page: Page, close = false): void {
  const text = body(page)
  res.writeHead(page.status, {
    ...page.headers,
    'content-type': 'text/plain; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
    ...(close ? { connection: 'close' } : {})
  })
  res.end(text)
}

/** `page` as the raw bytes of an HTTP/1.1 response that closes the connection, for sockets no parser owns. */
export function rawPage (page: Page): string {
  const text = body(page)
  const headers = Object.entries({
    ...page.headers,
    'content-type': 'text/plain; charset=utf-8',
    'content-length': String(Buffer.byteLength(text)),
    'cache-control': 'no-store',
    connection: 'close'
  }).map(([name, value]) => `${name}: ${value}\r\n`).join('')
  return `HTTP/1.1 ${page.status} ${STATUS_CODES[page.status] ?? ''}\r\n${headers}\r\n${text}`
}
