import { createServer as createHttpServer, type Server as HttpServer } from 'node:http'
import { createServer as createNetServer, type AddressInfo, type Server as NetServer, type Socket } from 'node:net'
import { logger } from '@libp2p/logger'
import type { ChallengeResponder } from './challenges.js'
import { HttpProxy } from './http-proxy.js'
import { DEFAULT_LIMITS, type FrontDoorLimits } from './limits.js'
import { pages, rawPage } from './pages.js'
import { RouteTable } from './routes.js'
import { TlsFront, type CertificateSource } from './tls-front.js'

const log = logger('p2pcloud:gateway')

/** Where a port listens; port 0 takes any free one (tests). */
export interface ListenAddress {
  host: string
  port: number
}

export interface FrontDoorInit {
  /** Plain HTTP: names with `tls: 'none'`, redirects to HTTPS for the others, ACME HTTP-01. Public port 80. */
  http: ListenAddress
  /** TLS by SNI. Public port 443. */
  https: ListenAddress
  /** The HTTPS port clients see, when it is not the one listened on (a port forward); for redirects. */
  publicHttpsPort?: number
  limits?: Partial<FrontDoorLimits>
  /** Certificates of terminated names (AcmeCertificates.secureContext); without, termination refuses every name. */
  certificates?: CertificateSource
  /** Pending HTTP-01 challenges (AcmeCertificates.challenges). */
  challenges?: ChallengeResponder
}

/**
 * The gateway's front door: HTTP by Host on one port, TLS by SNI on the other, to the backends of
 * the names in `routes`. See tls-front.ts and http-proxy.ts for each port, limits.ts for the bounds.
 */
export class FrontDoor {
  readonly routes: RouteTable
  readonly limits: FrontDoorLimits
  private readonly httpServer: HttpServer
  private readonly tlsServer: NetServer
  /** The HTTPS port's raw connections: server.close() waits for them, stop() must not. */
  private readonly tlsSockets = new Set<Socket>()

  constructor (private readonly init: FrontDoorInit) {
    this.limits = { ...DEFAULT_LIMITS, ...init.limits }
    const limits = this.limits
    this.routes = new RouteTable(limits.maxConnectionsPerName)
    const proxy = new HttpProxy({
      routes: this.routes,
      limits,
      challenges: init.challenges,
      httpsPort: () => init.publicHttpsPort ?? this.httpsPort
    })
    this.httpServer = createHttpServer({
      maxHeaderSize: limits.maxHeaderBytes,
      headersTimeout: limits.headerTimeoutMs,
      requestTimeout: limits.requestTimeoutMs,
      keepAliveTimeout: limits.keepAliveTimeoutMs,
      // how often node looks for requests past their header or request timeout
      connectionsCheckingInterval: Math.max(50, Math.min(1000, limits.headerTimeoutMs / 4)),
      requireHostHeader: true
    }, proxy.handleRequest)
    this.httpServer.timeout = limits.idleTimeoutMs
    this.httpServer.maxConnections = limits.maxConnectionsPerPort
    this.httpServer.on('upgrade', proxy.handleUpgrade)
    this.httpServer.on('clientError', answerClientError(limits))
    const tlsFront = new TlsFront({
      routes: this.routes,
      limits,
      certificates: init.certificates ?? (() => undefined),
      terminated: socket => this.httpServer.emit('connection', socket)
    })
    this.tlsServer = createNetServer(socket => {
      this.tlsSockets.add(socket)
      socket.once('close', () => this.tlsSockets.delete(socket))
      tlsFront.handleConnection(socket)
    })
    this.tlsServer.maxConnections = limits.maxConnectionsPerPort
  }

  async start (): Promise<void> {
    await listen(this.httpServer, this.init.http)
    await listen(this.tlsServer, this.init.https)
    log('front door listening: HTTP %s:%d, HTTPS %s:%d', this.init.http.host, this.httpPort, this.init.https.host, this.httpsPort)
  }

  /** Stops listening and closes every connection, proxied ones included. */
  async stop (): Promise<void> {
    for (const name of this.routes.names()) this.routes.delete(name)
    const closed = Promise.all([this.httpServer, this.tlsServer].map(async server => await new Promise<void>(resolve => server.close(() => { resolve() }))))
    this.httpServer.closeAllConnections()
    for (const socket of this.tlsSockets) socket.destroy()
    await closed
  }

  get httpPort (): number {
    return (this.httpServer.address() as AddressInfo).port
  }

  get httpsPort (): number {
    return (this.tlsServer.address() as AddressInfo).port
  }
}

async function listen (server: NetServer, address: ListenAddress): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(address.port, address.host, () => {
      server.off('error', reject)
      resolve()
    })
  })
}

/** Node's parser refused a request: say why in HTTP when we can (431, 408, 400), then close. */
function answerClientError (limits: FrontDoorLimits) {
  return (err: any, socket: Socket): void => {
    if (!socket.writable || err.code === 'ECONNRESET') {
      socket.destroy()
      return
    }
    const page = err.code === 'HPE_HEADER_OVERFLOW'
      ? pages.headersTooLarge(limits.maxHeaderBytes)
      : err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? { status: 408, message: `The request did not arrive within the time this gateway allows (${limits.headerTimeoutMs / 1000} seconds for its headers).` }
        : pages.badRequest()
    socket.end(rawPage(page))
    socket.destroySoon()
  }
}
