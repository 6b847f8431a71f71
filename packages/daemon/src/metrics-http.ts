import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { logger } from '@libp2p/logger'
import { rawBytes, type Routes } from '@p2pcloud/api'
import { ConfigError } from '@p2pcloud/node'
import type { Registry } from 'prom-client'
import { parseListenAddress } from './config.js'

const log = logger('p2pcloud:metrics')

async function * scrape (registry: Registry): AsyncIterable<Uint8Array> {
  yield Buffer.from(await registry.metrics())
}

/** `GET /metrics` on the local API: Prometheus text, behind the API's token like every route (Prometheus sends it as `authorization: Bearer …`). */
export function metricsRoutes (registry: Registry): Routes {
  return {
    'GET /metrics': async () => rawBytes(scrape(registry), registry.contentType)
  }
}

/** A `metrics.listen` server: only `GET /metrics`, with no token, for a farmer's own Prometheus. */
export interface MetricsServer {
  url: string
  close(): Promise<void>
}

/** Serve `registry` on config.json's `metrics.listen` ("HOST:PORT"). */
export async function startMetricsServer (listenAt: string, registry: Registry): Promise<MetricsServer> {
  const listen = parseListenAddress(listenAt)
  if (listen == null) throw new ConfigError(`metrics.listen "${listenAt}" is not HOST:PORT (e.g. "0.0.0.0:9464")`)
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0]
    if (path !== '/metrics' || (req.method !== 'GET' && req.method !== 'HEAD')) {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('only GET /metrics is served here\n')
      return
    }
    registry.metrics().then(text => {
      res.writeHead(200, { 'content-type': registry.contentType, 'cache-control': 'no-store' }).end(req.method === 'HEAD' ? undefined : text)
    }, err => {
      log.error('a scrape failed - %e', err)
      res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' }).end(`the metrics could not be gathered: ${err.message}\n`)
    })
  })
  server.requestTimeout = 30_000
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: any) => {
      reject(new ConfigError(`cannot serve metrics on ${listen.host}:${listen.port} (config.json metrics.listen): ${err.code === 'EADDRINUSE' ? 'the port is in use' : err.message}`))
    })
    server.listen(listen.port, listen.host, () => { server.removeAllListeners('error'); resolve() })
  })
  const address = server.address() as AddressInfo
  return {
    url: `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}/metrics`,
    async close () {
      server.closeAllConnections()
      await new Promise<void>(resolve => server.close(() => { resolve() }))
    }
  }
}
