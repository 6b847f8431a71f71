import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { logger } from '@libp2p/logger'
import { methodNotAllowed, notFound, toApiError } from './errors.js'
import { guardRequest } from './http-guard.js'

const log = logger('p2pcloud:api')

export class ApiAddressInUseError extends Error {
  override name = 'ApiAddressInUseError'
}

/** One route's handler: gets the request, returns the JSON to send (status 200). */
export type RouteHandler = (req: IncomingMessage, url: URL) => Promise<unknown>

/** `"GET /v1/id"` → handler. */
export type Routes = Record<string, RouteHandler>

export interface ApiServerOptions {
  host: string
  port: number
  token: string
  routes: Routes
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

async function dispatch (routes: Routes, token: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
  try {
    guardRequest(req, token)
    const url = new URL(req.url ?? '/', 'http://localhost')
    const handler = routes[`${req.method ?? 'GET'} ${url.pathname}`]
    if (handler == null) {
      const allowed = Object.keys(routes).filter(key => key.endsWith(` ${url.pathname}`)).map(key => key.split(' ')[0])
      if (allowed.length > 0) {
        res.setHeader('allow', allowed.join(', '))
        throw methodNotAllowed(`${req.method ?? ''} is not allowed on ${url.pathname}; use ${allowed.join(' or ')}`)
      }
      throw notFound(`no such endpoint: ${req.method ?? ''} ${url.pathname}`)
    }
    sendJson(res, 200, await handler(req, url))
  } catch (err) {
    const apiError = toApiError(err)
    if (apiError.status >= 500) log.error('%s %s failed - %e', req.method, req.url, err)
    sendJson(res, apiError.status, { error: { name: apiError.name, message: apiError.message } })
  }
}

function formatUrl (address: AddressInfo): string {
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address
  return `http://${host}:${address.port}`
}

/** Serve `routes` on host:port (port 0 = any free port) behind the Host and token checks. */
export async function startApiServer (options: ApiServerOptions): Promise<RunningApiServer> {
  const server: Server = createServer((req, res) => {
    void dispatch(options.routes, options.token, req, res)
  })
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
      await new Promise<void>(resolve => server.close(() => { resolve() }))
    }
  }
}
