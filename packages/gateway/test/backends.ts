import { createHash } from 'node:crypto'
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import { createServer as createHttpsServer } from 'node:https'
import type { AddressInfo } from 'node:net'
import { WebSocketServer } from 'ws'
import type { Cleanup } from '@p2pcloud/test-utils'
import { selfSignedCertificate } from './test-certificates.js'

export interface Backend {
  port: number
  /** Requests that reached the backend, by path. */
  seen: string[]
}

/** Bytes of a deterministic pattern, so that a streamed body can be checked without keeping a copy. */
export function patternBytes (count: number): Buffer {
  const bytes = Buffer.alloc(count)
  for (let i = 0; i < count; i++) bytes[i] = (i * 7 + (i >> 10)) & 0xff
  return bytes
}

export const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex')

/**
 * What a workload serves in these tests:
 *   GET /headers      the request's headers as JSON (what the gateway forwarded)
 *   POST /digest      the SHA-256 and length of the streamed request body
 *   GET /bytes?n=N    N bytes of patternBytes, streamed in 64 KiB chunks
 *   GET /never        no answer at all (for 504)
 *   anything else     `hello from <label>`
 * and echoes every WebSocket message.
 */
function serve (label: string) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    const url = new URL(req.url ?? '/', 'http://backend')
    if (url.pathname === '/headers') {
      res.setHeader('content-type', 'application/json')
      res.end(JSON.stringify({ headers: req.headers, rawHeaders: req.rawHeaders, method: req.method, url: req.url }))
    } else if (url.pathname === '/digest') {
      const hash = createHash('sha256')
      let length = 0
      req.on('data', (chunk: Buffer) => { hash.update(chunk); length += chunk.length })
      req.on('end', () => res.end(JSON.stringify({ sha256: hash.digest('hex'), length })))
    } else if (url.pathname === '/bytes') {
      const all = patternBytes(Number(url.searchParams.get('n')))
      let offset = 0
      const more = (): void => {
        while (offset < all.length) {
          const chunk = all.subarray(offset, offset + 65_536)
          offset += chunk.length
          if (!res.write(chunk)) {
            res.once('drain', more)
            return
          }
        }
        res.end()
      }
      more()
    } else if (url.pathname !== '/never') {
      res.end(`hello from ${label}`)
    }
  }
}

async function started (server: Server, t: Cleanup): Promise<Backend> {
  const seen: string[] = []
  server.prependListener('request', (req: IncomingMessage) => seen.push(req.url ?? ''))
  const sockets = new WebSocketServer({ server })
  sockets.on('connection', (socket: any) => socket.on('message', (data: Buffer) => socket.send(`echo: ${data.toString()}`)))
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  t.after(async () => {
    for (const client of sockets.clients) client.terminate()
    sockets.close()
    server.closeAllConnections()
    await new Promise(resolve => server.close(resolve))
  })
  return { port: (server.address() as AddressInfo).port, seen }
}

/** A plain HTTP workload on loopback. */
export async function startHttpBackend (label: string, t: Cleanup): Promise<Backend> {
  const server = createHttpServer(serve(label))
  return await started(server, t)
}

/** A workload that does its own TLS with a self-signed certificate for `hostname` (for passthrough). */
export async function startTlsBackend (hostname: string, t: Cleanup): Promise<Backend & { cert: string }> {
  const { key, cert } = selfSignedCertificate(hostname)
  const server = createHttpsServer({ key, cert }, serve(`tls backend ${hostname}`))
  return { ...await started(server, t), cert }
}

/** A port on loopback where nothing listens (a workload that is down). */
export async function deadPort (): Promise<number> {
  const server = createHttpServer()
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  await new Promise(resolve => server.close(resolve))
  return port
}
