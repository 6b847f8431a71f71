// ws ships no types (and @types/ws is not installed); this declares only what the tests use.
declare module 'ws' {
  import type { EventEmitter } from 'node:events'
  import type { Server } from 'node:http'
  import type { SecureContextOptions } from 'node:tls'

  export class WebSocket extends EventEmitter {
    constructor (address: string, options?: { headers?: Record<string, string>, ca?: SecureContextOptions['ca'], servername?: string, lookup?: unknown, createConnection?: unknown })
    send (data: string | Buffer): void
    close (): void
    terminate (): void
  }

  export class WebSocketServer extends EventEmitter {
    constructor (options: { server: Server })
    readonly clients: Set<WebSocket>
    close (): void
  }
}
