import { connect } from 'node:net'
import type { Duplex } from 'node:stream'
import { BackendTimeoutError, BackendUnreachableError } from './errors.js'
import type { BackendConnector } from './routes.js'

// What a client may be told about a failed connection: the kind of failure, never the backend's address.
const REASONS: Record<string, string> = {
  ECONNREFUSED: 'the connection was refused (nothing listens on the backend port)',
  ECONNRESET: 'the connection was reset',
  EHOSTUNREACH: 'there is no route to the backend',
  ENETUNREACH: 'there is no route to the backend',
  ETIMEDOUT: 'the connection timed out'
}

/**
 * Opens a connection with `connector` within `timeoutMs`, or gives up at once when `cancel`
 * aborts (the client left). A connection that opens after we gave up is closed.
 */
export async function connectBackend (connector: BackendConnector, timeoutMs: number, cancel: AbortSignal): Promise<Duplex> {
  const timeout = AbortSignal.timeout(timeoutMs)
  const signal = AbortSignal.any([timeout, cancel])
  const opening = connector(signal)
  const aborted = new Promise<never>((_resolve, reject) => {
    const fail = (): void => { reject(timeout.aborted ? new BackendTimeoutError(timeoutMs) : new BackendUnreachableError('the request was cancelled')) }
    if (signal.aborted) fail()
    else signal.addEventListener('abort', fail, { once: true })
  })
  try {
    return await Promise.race([opening, aborted])
  } catch (err: any) {
    opening.then(late => late.destroy(), () => {})
    if (err instanceof BackendTimeoutError || err instanceof BackendUnreachableError) throw err
    throw new BackendUnreachableError(REASONS[err?.code] ?? 'the connection failed', err)
  }
}

/** A connector for a backend reached by TCP from this host (a local port, or an overlay ip:port). */
export function tcpBackend (host: string, port: number): BackendConnector {
  return async signal => await new Promise<Duplex>((resolve, reject) => {
    // the signal bounds the connecting only (net.connect's own `signal` would also end the connection later)
    // no Nagle: the gateway passes on what it has at once, as the client wrote it
    const socket = connect({ host, port, noDelay: true })
    const abort = (): void => {
      socket.destroy()
      reject(signal.reason)
    }
    if (signal.aborted) abort()
    else signal.addEventListener('abort', abort, { once: true })
    socket.once('connect', () => {
      signal.removeEventListener('abort', abort)
      socket.off('error', reject)
      resolve(socket)
    })
    socket.once('error', err => {
      signal.removeEventListener('abort', abort)
      reject(err)
    })
  })
}
