import { request, type IncomingMessage, type ServerResponse } from 'node:http'
import type { Duplex } from 'node:stream'
import type { TLSSocket } from 'node:tls'
import { logger } from '@libp2p/logger'
import { connectBackend } from './backend.js'
import { CHALLENGE_PATH_PREFIX, type ChallengeResponder } from './challenges.js'
import { BackendPool, NameAtLimitError, type PooledRequestArgs } from './backend-pool.js'
import { BackendTimeoutError, BackendUnreachableError } from './errors.js'
import { forwardedRequestHeaders, forwardedResponseHeaders } from './forwarded-headers.js'
import { canonicalHostname, hostOfHeader } from './hostname.js'
import type { FrontDoorLimits } from './limits.js'
import { pages, rawPage, sendPage, type Page } from './pages.js'
import type { Route, RouteTable } from './routes.js'
import { splice } from './splice.js'

const log = logger('p2pcloud:gateway:http')

export interface HttpProxyInit {
  routes: RouteTable
  limits: FrontDoorLimits
  challenges?: ChallengeResponder
  /** The port clients use for HTTPS, for redirects of names that are not served over plain HTTP. */
  httpsPort: () => number
}

interface Admitted {
  host: string
  route: Route
  proto: 'http' | 'https'
}

const isPage = (value: Admitted | Page): value is Page => 'status' in value

/**
 * HTTP/1.1 by Host: each request (on plain HTTP, or on TLS the front door terminated) goes to its
 * name's backend on a kept-alive connection of the name's pool (backend-pool.ts), bodies streamed
 * both ways; an Upgrade (WebSocket) is sent on a connection of its own and then spliced as raw
 * bytes, the backend's 101 included.
 */
export class HttpProxy {
  private readonly pools = new WeakMap<Route, Map<string, BackendPool>>()

  constructor (private readonly init: HttpProxyInit) {}

  readonly handleRequest = (req: IncomingMessage, res: ServerResponse): void => {
    if (!isEncrypted(req) && this.init.challenges != null && req.url?.startsWith(CHALLENGE_PATH_PREFIX) === true) {
      this.answerChallenge(req.url.slice(CHALLENGE_PATH_PREFIX.length), res)
      return
    }
    const admitted = this.admit(req)
    if (isPage(admitted)) {
      sendPage(res, admitted)
      return
    }
    try {
      this.proxy(req, res, admitted)
    } catch (err: any) {
      log.error('proxying a request for %s failed: %e', admitted.host, err)
      res.destroy()
    }
  }

  readonly handleUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    socket.on('error', () => {})
    const admitted = this.admit(req)
    if (isPage(admitted)) {
      socket.end(rawPage(admitted))
      return
    }
    this.upgrade(req, socket, head, admitted).catch(err => {
      log.error('an upgrade for %s failed: %e', admitted.host, err)
      socket.destroy()
    })
  }

  /** The route a request may take, or the page that refuses it. */
  private admit (req: IncomingMessage): Admitted | Page {
    const host = hostOfHeader(req.headers.host)
    if (host == null) return pages.badHost()
    if (req.url?.startsWith('/') !== true) return pages.badRequest()
    const encrypted = isEncrypted(req)
    if (encrypted) {
      // A terminated connection serves the name its certificate is for, not any name the client asks.
      const servername = String((req.socket as TLSSocket).servername)
      if (canonicalHostname(servername) !== host) return pages.misdirected(host, servername)
    }
    const route = this.init.routes.get(host)
    if (route == null) return pages.noRoute(host)
    if (!encrypted && route.tls !== 'none') {
      const port = this.init.httpsPort()
      return pages.httpsOnly(`https://${host}${port === 443 ? '' : `:${port}`}${req.url}`)
    }
    if (encrypted && route.tls !== 'terminate') return pages.noRoute(host)
    return { host, route, proto: encrypted ? 'https' : 'http' }
  }

  private answerChallenge (token: string, res: ServerResponse): void {
    const keyAuthorization = this.init.challenges?.keyAuthorization(token)
    if (keyAuthorization == null) {
      sendPage(res, { status: 404, message: 'No ACME challenge is pending with this token.' })
      return
    }
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': Buffer.byteLength(keyAuthorization) })
    res.end(keyAuthorization)
  }

  /** The backend connection for one request or upgrade, or the page that says why there is none. */
  private async open (admitted: Admitted, client: Duplex): Promise<{ backend: Duplex } | { page: Page }> {
    const cancel = new AbortController()
    const abort = (): void => { cancel.abort() }
    client.once('close', abort)
    try {
      return { backend: await connectBackend(admitted.route.connect, this.init.limits.backendConnectTimeoutMs, cancel.signal) }
    } catch (err: any) {
      log('no backend connection for %s: %e', admitted.host, err)
      return {
        page: err instanceof BackendTimeoutError
          ? pages.backendConnectTimeout(admitted.host, err.timeoutMs)
          : pages.unreachable(admitted.host, err.message)
      }
    } finally {
      client.off('close', abort)
    }
  }

  /** The backend connections of `admitted`'s name on its route (a replaced route gets a pool of its own; the old one's idle connections time out). */
  private poolOf ({ host, route }: Admitted): BackendPool {
    let byName = this.pools.get(route)
    if (byName === undefined) {
      byName = new Map()
      this.pools.set(route, byName)
    }
    let pool = byName.get(host)
    if (pool === undefined) {
      const { limits, routes } = this.init
      pool = new BackendPool({
        connect: route.connect,
        acquire: close => routes.acquire(host, close),
        connectTimeoutMs: limits.backendConnectTimeoutMs,
        idleTimeoutMs: limits.backendIdleTimeoutMs
      })
      byName.set(host, pool)
    }
    return pool
  }

  /** Sends the request on one of the name's backend connections and streams the response back; `retried` once a stale kept-alive connection failed it. */
  private proxy (req: IncomingMessage, res: ServerResponse, admitted: Admitted, retried = false): void {
    const { host, proto, route } = admitted
    const { limits, routes } = this.init
    const args: PooledRequestArgs = {
      method: req.method,
      path: req.url,
      headers: forwardedRequestHeaders(req, proto, false),
      setHost: false,
      agent: this.poolOf(admitted),
      client: res
    }
    const outgoing = request(args)
    let tooSlow: NodeJS.Timeout | undefined
    let answered = false
    const clientGone = (): void => {
      clearTimeout(tooSlow)
      outgoing.destroy()
    }
    // a client that left before the whole answer, or before its whole request, ends the backend's
    // connection; an answer sent before the upload ended leaves the upload to finish, so the connection stays in step
    const answerCut = (): void => { if (!res.writableFinished) clientGone() }
    const requestCut = (): void => { if (!req.complete) clientGone() }
    res.once('close', answerCut)
    req.once('close', requestCut)
    // the backend's time to answer counts from the end of the request body: an upload may be long
    outgoing.once('finish', () => {
      if (answered) return
      tooSlow = setTimeout(() => {
        if (!res.headersSent) sendPage(res, pages.backendResponseTimeout(host, limits.backendResponseTimeoutMs), true)
        outgoing.destroy()
      }, limits.backendResponseTimeoutMs)
    })
    outgoing.once('response', response => {
      answered = true
      clearTimeout(tooSlow)
      res.writeHead(response.statusCode ?? 502, response.statusMessage, forwardedResponseHeaders(response))
      // pipe, not pipeline: pipeline's per-request abort machinery was a measurable share of a request's cost;
      // the client leaving destroys `outgoing` and so `response` (answerCut), a response cut short cuts the client's
      response.pipe(res)
      response.once('close', () => { if (!response.complete) res.destroy() })
    })
    outgoing.on('error', err => {
      clearTimeout(tooSlow)
      if (res.writableEnded || res.destroyed) return // our own 504 page is on its way, or the client left
      // a removed route closes what it carries
      if (res.headersSent || routes.get(host) !== route) {
        res.destroy()
        return
      }
      // a kept-alive connection the backend closed just as the request went out: once more, when nothing of it was consumed
      if (outgoing.reusedSocket && !answered && !retried && replayable(req)) {
        res.off('close', answerCut)
        req.off('close', requestCut)
        this.proxy(req, res, admitted, true)
        return
      }
      log('no answer from the backend of %s: %e', host, err)
      sendPage(res, failurePage(err, host, limits), !isConnectFailure(err))
    })
    if (replayable(req)) outgoing.end()
    else req.pipe(outgoing)
    // the backend's connection ended before the client's upload did (it answered early and closed, or
    // broke): the client's connection ends too once our answer is out, as the backend's did; left
    // open, its next request would wait behind an upload nobody reads
    outgoing.once('close', () => { if (!req.complete) req.socket.destroySoon() })
  }

  private async upgrade (req: IncomingMessage, socket: Duplex, head: Buffer, admitted: Admitted): Promise<void> {
    const { host, proto } = admitted
    const { limits, routes } = this.init
    let close = (): void => { socket.destroy() }
    const lease = routes.acquire(host, () => { close() })
    if (lease == null) {
      socket.end(rawPage(pages.busy(host, limits.retryAfterSeconds)))
      return
    }
    const opened = await this.open(admitted, socket)
    if ('page' in opened || socket.destroyed) {
      lease.release()
      if ('page' in opened) socket.end(rawPage(opened.page))
      else opened.backend.destroy()
      return
    }
    const { backend } = opened
    backend.write(requestHead(req, forwardedRequestHeaders(req, proto, true)))
    if (head.length > 0) backend.write(head)
    close = splice(socket, backend, limits.idleTimeoutMs, lease.release)
  }
}

const IDEMPOTENT = new Set(['GET', 'HEAD', 'OPTIONS', 'TRACE'])

/** A request with no body and no effect of its own: it may be sent again if its connection failed before any answer. */
function replayable (req: IncomingMessage): boolean {
  return IDEMPOTENT.has(req.method ?? '') && req.headers['transfer-encoding'] === undefined && (req.headers['content-length'] ?? '0') === '0'
}

const isConnectFailure = (err: Error): boolean => err instanceof NameAtLimitError || err instanceof BackendTimeoutError || err instanceof BackendUnreachableError

/** What the client is told when its request got no answer from the backend. */
function failurePage (err: Error, host: string, limits: FrontDoorLimits): Page {
  if (err instanceof NameAtLimitError) return pages.busy(host, limits.retryAfterSeconds)
  if (err instanceof BackendTimeoutError) return pages.backendConnectTimeout(host, err.timeoutMs)
  if (err instanceof BackendUnreachableError) return pages.unreachable(host, err.message)
  return pages.badBackendResponse(host, 'the connection broke or the answer was not HTTP/1.1')
}

function isEncrypted (req: IncomingMessage): boolean {
  return (req.socket as TLSSocket).encrypted === true
}

/** The request line and headers, as the backend of an upgrade reads them (node's parser let no CR or LF into them). */
function requestHead (req: IncomingMessage, headers: string[]): string {
  let head = `${req.method} ${req.url} HTTP/1.1\r\n`
  for (let i = 0; i + 1 < headers.length; i += 2) head += `${headers[i]}: ${headers[i + 1]}\r\n`
  return head + '\r\n'
}
