import { newApiToken, removeApiInfo, startApiServer, writeApiInfo, type RunningApiServer } from '@p2pcloud/api'
import { startHomePeer, type RunOverrides } from '@p2pcloud/node'
import { Registry } from 'prom-client'
import { daemonConfigSchema } from './config.js'
import { registerDaemonMetrics } from './metrics.js'
import { metricsRoutes, startMetricsServer, type MetricsServer } from './metrics-http.js'
import { daemonRoutes, daemonUpgrades } from './routes/index.js'
import { daemonExtension, type DaemonPeer } from './services.js'
import { uiFarmerRoutes } from './ui-farmer.js'
import { uiPages } from './ui-pages.js'
import { uiRoutes } from './ui-routes.js'
import { UiSessions } from './ui-sessions.js'
import { uiWatchRoutes } from './ui-watch.js'

/** A running peer with its local API published in `<home>/api.json`. */
export interface Daemon {
  peer: DaemonPeer
  api: RunningApiServer
  /** The `metrics.listen` server, when config.json has one. */
  metrics?: MetricsServer
  /** Close the API, remove api.json, stop the peer; safe to call twice. */
  stop(): Promise<void>
}

/** Run the daemon that lives in `home`: its config.json says what it runs; `overrides` are the command line's. */
export async function startDaemon (home: string, overrides: RunOverrides = {}): Promise<Daemon> {
  // a registry per daemon: libp2p's metrics, every protocol's requests, the domains' gauges
  const registry = new Registry()
  const peer = await startHomePeer(home, overrides, async (config, paths) => daemonExtension(config, paths.root, { metrics: registry }), daemonConfigSchema)
  registerDaemonMetrics(registry, peer.libp2p)
  const token = newApiToken()
  let api: RunningApiServer
  let metrics: MetricsServer | undefined
  // the web UI: its files and login beside /v1, its session cookie accepted as the token is
  const sessions = new UiSessions()
  try {
    const routes = { ...daemonRoutes(peer, new Date()), ...metricsRoutes(registry), ...uiRoutes(sessions, () => api.url, peer.libp2p.services.twin), ...await uiWatchRoutes(peer), ...uiFarmerRoutes(peer) }
    api = await startApiServer({ host: peer.config.api.host, port: peer.config.api.port, token, routes, pages: uiPages(sessions), credential: sessions.accepts, upgrades: daemonUpgrades(peer) })
    const listen = peer.config.metrics?.listen
    if (listen != null) {
      metrics = await startMetricsServer(listen, registry).catch(async err => {
        await api.close()
        throw err
      })
    }
  } catch (err) {
    await peer.stop()
    throw err
  }
  try {
    await writeApiInfo(peer.paths.apiInfo, { url: api.url, token })
  } catch (err) {
    await metrics?.close()
    await api.close()
    await peer.stop()
    throw err
  }
  let stopping: Promise<void> | undefined
  return {
    peer,
    api,
    metrics,
    async stop () {
      stopping ??= (async () => {
        await removeApiInfo(peer.paths.apiInfo)
        await metrics?.close()
        await api.close()
        await peer.stop()
      })()
      await stopping
    }
  }
}
