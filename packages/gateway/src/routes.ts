import type { Duplex } from 'node:stream'
import { parseHostname } from './hostname.js'

/** How the HTTPS port treats a name: decrypt here, hand the TLS bytes to the backend, or no TLS at all (HTTP only). */
export type TlsMode = 'terminate' | 'passthrough' | 'none'

/**
 * Opens one connection to the backend. A function, so that the overlay path and the mesh path
 * plug in alike; it must give up when `signal` aborts.
 */
export type BackendConnector = (signal: AbortSignal) => Promise<Duplex>

export interface Route {
  tls: TlsMode
  connect: BackendConnector
}

/** A slot taken for one backend connection; `release` gives it back (more than once is harmless). */
export interface Lease {
  release: () => void
}

interface Entry {
  route: Route
  /** What each open connection of the name closes when the route is removed. */
  open: Map<Lease, () => void>
}

/**
 * The front door's names: hostname → route, with the connections each name holds open, so that a
 * name has a bound of its own and removing it cuts what it still carries.
 */
export class RouteTable {
  private readonly entries = new Map<string, Entry>()

  constructor (private readonly maxConnectionsPerName: number) {}

  /** Adds or replaces the route of `hostname` (validated; InvalidHostnameError otherwise). Open connections stay. */
  set (hostname: string, route: Route): void {
    const name = parseHostname(hostname)
    const entry = this.entries.get(name)
    if (entry != null) entry.route = route
    else this.entries.set(name, { route, open: new Map() })
  }

  /** Removes the route: new requests for it get 404 at once, and its open connections are closed. */
  delete (hostname: string): boolean {
    const name = parseHostname(hostname)
    const entry = this.entries.get(name)
    if (entry == null) return false
    this.entries.delete(name)
    for (const close of [...entry.open.values()]) close()
    return true
  }

  get (hostname: string): Route | undefined {
    return this.entries.get(hostname)?.route
  }

  names (): string[] {
    return [...this.entries.keys()]
  }

  /** Connections open now for `hostname`. */
  openConnections (hostname: string): number {
    return this.entries.get(hostname)?.open.size ?? 0
  }

  /**
   * A slot for one more connection to `hostname`'s backend, or undefined when the name has no
   * route or is at its limit. `close` is called if the route is removed while the slot is held.
   */
  acquire (hostname: string, close: () => void): Lease | undefined {
    const entry = this.entries.get(hostname)
    if (entry == null || entry.open.size >= this.maxConnectionsPerName) return undefined
    const lease: Lease = { release: () => { entry.open.delete(lease) } }
    entry.open.set(lease, close)
    return lease
  }
}
