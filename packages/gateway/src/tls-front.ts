import type { Socket } from 'node:net'
import { TLSSocket, type SecureContext } from 'node:tls'
import { logger } from '@libp2p/logger'
import { connectBackend } from './backend.js'
import { canonicalHostname } from './hostname.js'
import type { FrontDoorLimits } from './limits.js'
import type { Route, RouteTable } from './routes.js'
import { readClientHello } from './sni.js'
import { splice } from './splice.js'

const log = logger('p2pcloud:gateway:tls')

/** The certificate and key the front door presents for a terminated name, if it has one yet. */
export type CertificateSource = (hostname: string) => SecureContext | undefined

// RFC 8446 §6: fatal alerts, sent in the clear before any handshake, so that a client fails at once.
const ALERT_DECODE_ERROR = 50
const ALERT_INTERNAL_ERROR = 80
const ALERT_UNRECOGNIZED_NAME = 112

export interface TlsFrontInit {
  routes: RouteTable
  limits: FrontDoorLimits
  certificates: CertificateSource
  /** Takes a terminated connection once its handshake is done (the front door's HTTP server). */
  terminated: (socket: TLSSocket) => void
}

/**
 * The HTTPS port: reads the ClientHello (bounded in bytes and time), routes by its server name,
 * then either pipes the TLS bytes unchanged to the backend (passthrough) or does TLS here with the
 * name's certificate and hands the connection to HTTP (termination). Names it cannot serve get a
 * TLS alert and a close, never a hang.
 */
export class TlsFront {
  constructor (private readonly init: TlsFrontInit) {}

  readonly handleConnection = (socket: Socket): void => {
    const { limits } = this.init
    const deadline = Date.now() + limits.tlsHandshakeTimeoutMs
    let hello = Buffer.alloc(0)
    socket.on('error', () => {})
    const timer = setTimeout(() => { refuse(socket, ALERT_DECODE_ERROR, 'no complete ClientHello in time') }, limits.tlsHandshakeTimeoutMs)
    const onData = (chunk: Buffer): void => {
      hello = Buffer.concat([hello, chunk])
      let progress
      try {
        progress = readClientHello(hello, limits.maxClientHelloBytes)
      } catch (err: any) {
        clearTimeout(timer)
        socket.off('data', onData)
        refuse(socket, ALERT_DECODE_ERROR, err.message)
        return
      }
      if (!progress.complete) return
      clearTimeout(timer)
      socket.off('data', onData)
      socket.pause()
      this.dispatch(socket, hello, progress.serverName, deadline)
    }
    socket.on('data', onData)
    socket.once('close', () => { clearTimeout(timer) })
  }

  private dispatch (socket: Socket, hello: Buffer, serverName: string | undefined, deadline: number): void {
    const name = serverName == null ? undefined : canonicalHostname(serverName)
    const route = name == null ? undefined : this.init.routes.get(name)
    if (name == null || route == null || route.tls === 'none') {
      refuse(socket, ALERT_UNRECOGNIZED_NAME, `no TLS route for server name ${JSON.stringify(serverName?.slice(0, 80))}`)
      return
    }
    if (route.tls === 'passthrough') {
      this.passthrough(socket, hello, name, route).catch(err => {
        log.error('passthrough for %s failed: %e', name, err)
        socket.destroy()
      })
      return
    }
    this.terminate(socket, hello, name, deadline)
  }

  private async passthrough (socket: Socket, hello: Buffer, name: string, route: Route): Promise<void> {
    const { limits, routes } = this.init
    let close = (): void => { socket.destroy() }
    const lease = routes.acquire(name, () => { close() })
    if (lease == null) {
      refuse(socket, ALERT_INTERNAL_ERROR, `${name} is at its limit of connections`)
      return
    }
    const cancel = new AbortController()
    const abort = (): void => { cancel.abort() }
    socket.once('close', abort)
    let backend
    try {
      backend = await connectBackend(route.connect, limits.backendConnectTimeoutMs, cancel.signal)
    } catch (err: any) {
      lease.release()
      refuse(socket, ALERT_INTERNAL_ERROR, `no backend connection for ${name}: ${err.message}`)
      return
    } finally {
      socket.off('close', abort)
    }
    if (socket.destroyed) {
      lease.release()
      backend.destroy()
      return
    }
    backend.write(hello)
    close = splice(socket, backend, limits.idleTimeoutMs, lease.release)
  }

  private terminate (socket: Socket, hello: Buffer, name: string, deadline: number): void {
    const secureContext = this.init.certificates(name)
    if (secureContext == null) {
      refuse(socket, ALERT_UNRECOGNIZED_NAME, `no certificate (yet) for ${name}`)
      return
    }
    // TLSSocket reads what is buffered on the socket first, so the ClientHello goes back there.
    socket.unshift(hello)
    const tls = new TLSSocket(socket, { isServer: true, secureContext, ALPNProtocols: ['http/1.1'] })
    tls.on('error', err => {
      log('TLS with a client of %s failed: %e', name, err)
      tls.destroy()
    })
    const timer = setTimeout(() => { tls.destroy() }, Math.max(0, deadline - Date.now()))
    tls.once('close', () => { clearTimeout(timer) })
    tls.once('secure', () => {
      clearTimeout(timer)
      this.init.terminated(tls)
    })
  }
}

function refuse (socket: Socket, alert: number, why: string): void {
  log('refused a TLS connection from %s: %s', socket.remoteAddress, why)
  socket.end(Buffer.from([21, 3, 3, 0, 2, 2, alert]))
  socket.destroySoon()
}
