import { Agent, type ClientRequest, type ClientRequestArgs } from 'node:http'
import type { EventEmitter } from 'node:events'
import type { Duplex } from 'node:stream'
import { logger } from '@libp2p/logger'
import { connectBackend } from './backend.js'
import type { Lease } from './routes.js'

const log = logger('p2pcloud:gateway:pool')

/** The name has as many backend connections open as it may (its route's `maxConnectionsPerName`). */
export class NameAtLimitError extends Error {
  override name = 'NameAtLimitError'
  constructor () {
    super('the name has all its backend connections open')
  }
}

export interface BackendPoolInit {
  /** Opens one connection to the name's backend (the route's connector). */
  connect: (signal: AbortSignal) => Promise<Duplex>
  /** A slot for one more backend connection of the name, or undefined at its limit; `close` is called when the route is removed. */
  acquire: (close: () => void) => Lease | undefined
  connectTimeoutMs: number
  /** How long an idle connection is kept for the next request; 0 keeps none. */
  idleTimeoutMs: number
}

/** What the proxy passes with each request: its client's response, whose closing before any answer cancels a connection being opened for it. */
export interface PooledRequestArgs extends ClientRequestArgs {
  client: EventEmitter
}

// the seconds of a backend's `Keep-Alive: timeout=N`: the pool lets go of a connection a second before the backend may
const KEEP_ALIVE_HINT = /(?:^|[,\s])timeout=(\d{1,6})/
const HINT_MARGIN_MS = 1_000

/**
 * One name's backend connections, kept open between requests (HTTP/1.1 keep-alive, as node's
 * Agent does it: a connection is reused only once its response was read to the end and its
 * request sent in full, and never after `Connection: close`). Each connection, idle or busy, holds
 * one of the name's slots (RouteTable.acquire), so the name's bound counts them all and removing
 * the route closes them all. Never queues: a request that finds no idle connection opens one, or
 * fails with NameAtLimitError. An idle connection is closed after `idleTimeoutMs` (sooner when
 * the backend's Keep-Alive header says it will close first), when the backend ends it, or when
 * the backend sends a byte nobody asked for.
 */
export class BackendPool extends Agent {
  private readonly idle = new WeakMap<Duplex, { timer: NodeJS.Timeout, unexpected: () => void }>()

  constructor (private readonly init: BackendPoolInit) {
    // a pool keyed by nothing: every request of the name shares it; the slots bound it, not the Agent
    super({ keepAlive: init.idleTimeoutMs > 0, maxSockets: Infinity, maxFreeSockets: Infinity, scheduling: 'lifo' })
  }

  override createConnection (options: ClientRequestArgs, callback?: (err: Error | null, stream: Duplex) => void): null {
    const done = callback as (err: Error | null, stream?: Duplex) => void
    let socket: Duplex | undefined
    let removed = false
    const lease = this.init.acquire(() => {
      removed = true
      socket?.destroy()
    })
    if (lease === undefined) {
      done(new NameAtLimitError())
      return null
    }
    // made only when a connection is: most requests find an idle one
    const cancel = new AbortController()
    const abort = (): void => { cancel.abort() }
    const { client } = options as PooledRequestArgs
    client.once('close', abort)
    connectBackend(this.init.connect, this.init.connectTimeoutMs, cancel.signal).then(opened => {
      client.off('close', abort)
      socket = opened
      opened.once('close', lease.release)
      // node's client listens for errors only while a request is out, and once while the
      // connection is idle; a backend (a farmer resetting a tunnel) may error between the two,
      // which with no listener would end the whole gateway process
      opened.on('error', err => { log('backend connection ended: %s', err.message) })
      if (removed) opened.destroy()
      done(null, opened)
    }, err => {
      client.off('close', abort)
      lease.release()
      done(err)
    })
    return null
  }

  override keepSocketAlive (socket: Duplex): boolean {
    const hint = KEEP_ALIVE_HINT.exec(String((socket as any)._httpMessage?.res?.headers['keep-alive'] ?? ''))?.[1]
    const idleMs = Math.min(this.init.idleTimeoutMs, hint === undefined ? Infinity : Number(hint) * 1000 - HINT_MARGIN_MS)
    if (!(idleMs > 0)) return false
    // bytes or an end while no request is out: the connection is no longer in step with HTTP
    const unexpected = (): void => { socket.destroy() }
    socket.once('data', unexpected)
    socket.once('end', unexpected)
    this.idle.set(socket, { timer: setTimeout(unexpected, idleMs).unref(), unexpected })
    return true
  }

  override reuseSocket (socket: Duplex, request: ClientRequest): void {
    const idle = this.idle.get(socket)
    if (idle !== undefined) {
      clearTimeout(idle.timer)
      socket.off('data', idle.unexpected)
      socket.off('end', idle.unexpected)
      this.idle.delete(socket)
    }
    // node's own part (it lifts its guard against bytes on an idle TCP socket) calls ref(), which only a net.Socket has
    if (typeof (socket as any).ref !== 'function') (socket as any).ref = () => socket
    super.reuseSocket(socket, request)
  }
}
