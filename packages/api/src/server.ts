import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Duplex } from 'node:stream'
import { logger } from '@libp2p/logger'
import { ApiError, methodNotAllowed, notFound, toApiError } from './errors.js'
import { guardOrigin, guardToken, type CredentialCheck } from './http-guard.js'
import { decodePercent } from './paths.js'
import { isStreamed, type Streamed } from './streamed.js'

const log = logger('p2pcloud:api')

export class ApiAddressInUseError extends Error {
  override name = 'ApiAddressInUseError'
}

/** One route's handler: gets the request and the `:name` parts of its path, returns the JSON to send (status 200). */
export type RouteHandler = (req: IncomingMessage, url: URL, params: Record<string, string>) => Promise<unknown>

/** `"GET /v1/id"` or `"DELETE /v1/deployments/:name"` → handler. */
export type Routes = Record<string, RouteHandler>

/**
 * A route whose connection becomes a two-way byte stream (HTTP Upgrade to UPGRADE_PROTOCOL), for
 * what a request and a streamed answer cannot carry (exec's stdin beside its output). It checks
 * the request and prepares (a failure is an ordinary error answer), then gets the socket after the 101.
 */
export type UpgradeHandler = (req: IncomingMessage, url: URL, params: Record<string, string>) => Promise<(socket: Duplex) => void>
export type UpgradeRoutes = Record<string, UpgradeHandler>

/** The protocol name of the API's upgraded connections: length-prefixed frames whose messages the route defines. */
export const UPGRADE_PROTOCOL = 'p2pcloud-frames'

/** The params of `pattern` (e.g. /v1/deployments/:name) in `path`, or undefined when it does not match. */
function matchPath (pattern: string, path: string): Record<string, string> | undefined {
  const want = pattern.split('/')
  const have = path.split('/')
  if (want.length !== have.length) return undefined
  const raw: Record<string, string> = {}
  for (let i = 0; i < want.length; i++) {
    if (want[i].startsWith(':')) {
      if (have[i] === '') return undefined
      raw[want[i].slice(1)] = have[i]
    } else if (want[i] !== have[i]) {
      return undefined
    }
  }
  // decoded only once the route matches: a bad segment is the caller's mistake on this route
  return Object.fromEntries(Object.entries(raw).map(([name, segment]) => [name, decodePercent(segment, 'path segment')]))
}

/** The handler for a method and path, its params, and the methods the path allows. */
function findRoute<H> (routes: Record<string, H>, method: string, path: string): { handler?: H, params: Record<string, string>, allowed: string[] } {
  const allowed: string[] = []
  for (const [key, handler] of Object.entries(routes)) {
    const [routeMethod, pattern] = key.split(' ')
    const params = matchPath(pattern, path)
    if (params == null) continue
    if (routeMethod === method) return { handler, params, allowed }
    allowed.push(routeMethod)
  }
  return { params: {}, allowed }
}

/**
 * Answers a request outside `/v1/` itself (the web UI's files and login) and returns true, or
 * returns false to leave it to the routes. It runs after the Host and Origin checks, before the
 * token's: what it serves is either no secret or guarded by its own credential.
 */
export type PageHandler = (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<boolean>

export interface ApiServerOptions {
  host: string
  port: number
  token: string
  routes: Routes
  pages?: PageHandler
  /** A credential the routes accept as they accept the token (the web UI's session cookie). */
  credential?: CredentialCheck
  upgrades?: UpgradeRoutes
}

export interface RunningApiServer {
  url: string
  close(): Promise<void>
}

function sendJson (res: ServerResponse, status: number, value: unknown): void {
  const body = JSON.stringify(value)
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(body),
    'cache-control': 'no-store'
  })
  res.end(body)
}

async function dispatch (options: ApiServerOptions, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const { routes } = options
  try {
    guardOrigin(req)
    const url = new URL(req.url ?? '/', 'http://localhost')
    if (options.pages != null && !url.pathname.startsWith('/v1/') && await options.pages(req, res, url)) return
    guardToken(req, options.token, options.credential)
    const { handler, params, allowed } = findRoute(routes, req.method ?? 'GET', url.pathname)
    if (handler == null && findRoute(options.upgrades ?? {}, req.method ?? 'GET', url.pathname).handler != null) {
      throw new ApiError(426, 'UpgradeRequired', `${url.pathname} is a two-way stream: send "Connection: Upgrade" and "Upgrade: ${UPGRADE_PROTOCOL}"`)
    }
    if (handler == null) {
      if (allowed.length > 0) {
        res.setHeader('allow', allowed.join(', '))
        throw methodNotAllowed(`${req.method ?? ''} is not allowed on ${url.pathname}; use ${allowed.join(' or ')}`)
      }
      throw notFound(`no such endpoint: ${req.method ?? ''} ${url.pathname}`)
    }
    const answer = await handler(req, url, params)
    if (isStreamed(answer)) await sendStreamed(req, res, answer)
    else sendJson(res, 200, answer)
  } catch (err) {
    const apiError = toApiError(err)
    if (apiError.status >= 500) log.error('%s %s failed - %e', req.method, req.url, err)
    if (res.headersSent) {
      // mid-stream: the status line is gone, so the error is the last line
      if (!res.writableEnded) res.end(JSON.stringify({ error: { name: apiError.name, message: apiError.message } }) + '\n')
    } else {
      sendJson(res, apiError.status, { error: { name: apiError.name, message: apiError.message } })
    }
  }
}

/** Write a streamed answer; stops producing when the client goes away. */
async function sendStreamed (req: IncomingMessage, res: ServerResponse, answer: Streamed): Promise<void> {
  const gone = new AbortController()
  res.once('close', () => { gone.abort() })
  const write = async (chunk: Uint8Array | string): Promise<void> => {
    if (!res.write(chunk)) await new Promise<void>(resolve => { res.once('drain', resolve); gone.signal.addEventListener('abort', () => { resolve() }, { once: true }) })
  }
  if (answer.kind === 'ndjson') {
    res.writeHead(200, { 'content-type': 'application/x-ndjson; charset=utf-8', 'cache-control': 'no-store' })
    res.flushHeaders()
    for await (const line of answer.lines) {
      if (gone.signal.aborted) return
      await write(JSON.stringify(line) + '\n')
    }
  } else {
    let started = false
    try {
      for await (const chunk of answer.chunks) {
        if (gone.signal.aborted) return
        if (!started) {
          res.writeHead(200, { 'content-type': answer.contentType, 'cache-control': 'no-store' })
          started = true
        }
        await write(chunk)
      }
    } catch (err) {
      // raw bytes cannot carry an error line: cut the body short so the client notices
      if (started) { res.destroy(); log.error('%s %s failed mid-stream - %e', req.method, req.url, err); return }
      throw err
    }
    if (!started) res.writeHead(200, { 'content-type': answer.contentType, 'cache-control': 'no-store' })
  }
  res.end()
}

/** An upgrade request: the same checks as any request, then the route's own, then 101 and the socket is the route's. */
async function upgrade (options: ApiServerOptions, req: IncomingMessage, socket: Duplex, head: Buffer, taken: Set<Duplex>): Promise<void> {
  socket.on('error', () => {})
  taken.add(socket)
  socket.once('close', () => { taken.delete(socket) })
  try {
    guardOrigin(req)
    guardToken(req, options.token, options.credential)
    const url = new URL(req.url ?? '/', 'http://localhost')
    const { handler, params } = findRoute(options.upgrades ?? {}, req.method ?? 'GET', url.pathname)
    if (handler == null) throw notFound(`no two-way endpoint: ${req.method ?? ''} ${url.pathname}`)
    if (req.headers.upgrade !== UPGRADE_PROTOCOL) throw new ApiError(400, 'BadRequest', `Upgrade must be "${UPGRADE_PROTOCOL}", not "${req.headers.upgrade ?? ''}"`)
    const take = await handler(req, url, params)
    socket.write(`HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: ${UPGRADE_PROTOCOL}\r\n\r\n`)
    if (head.byteLength > 0) socket.unshift(head)
    take(socket)
  } catch (err) {
    const apiError = toApiError(err)
    if (apiError.status >= 500) log.error('upgrade %s %s failed - %e', req.method, req.url, err)
    const body = JSON.stringify({ error: { name: apiError.name, message: apiError.message } })
    socket.end(`HTTP/1.1 ${apiError.status} ${apiError.name}\r\ncontent-type: application/json; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(body)}\r\ncache-control: no-store\r\nconnection: close\r\n\r\n${body}`)
  }
}

function formatUrl (address: AddressInfo): string {
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address
  return `http://${host}:${address.port}`
}

/** Serve `routes` on host:port (port 0 = any free port) behind the Host, Origin and token checks, and `pages` beside them. */
export async function startApiServer (options: ApiServerOptions): Promise<RunningApiServer> {
  const server: Server = createServer((req, res) => {
    void dispatch(options, req, res)
  })
  // the HTTP server no longer sees an upgraded connection: its close ends them itself
  const upgraded = new Set<Duplex>()
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => { void upgrade(options, req, socket, head, upgraded) })
  server.requestTimeout = 60_000
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: any) => {
      reject(err.code === 'EADDRINUSE'
        ? new ApiAddressInUseError(`cannot serve the API on ${options.host}:${options.port}: the port is in use; choose another with --api HOST:PORT (port 0 = any free port)`)
        : err)
    })
    server.listen(options.port, options.host, () => {
      server.removeAllListeners('error')
      resolve()
    })
  })
  return {
    url: formatUrl(server.address() as AddressInfo),
    async close () {
      server.closeAllConnections()
      for (const socket of upgraded) socket.destroy()
      await new Promise<void>(resolve => server.close(() => { resolve() }))
    }
  }
}
