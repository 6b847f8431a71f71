import { startHomePeer, type ConfigSchema, type ExtensionsFor, type HomePeer, type PeerConfig, type RunOverrides } from '@p2pcloud/node'
import { newApiToken, removeApiInfo, writeApiInfo } from './api-info.js'
import { v1Routes } from './routes.js'
import { startApiServer, type Routes, type RunningApiServer } from './server.js'

/** A running peer with its local API published in `<home>/api.json`. */
export interface Daemon<C extends PeerConfig = PeerConfig> {
  peer: HomePeer<C>
  api: RunningApiServer
  /** Close the API, remove api.json, stop the peer; safe to call twice. */
  stop(): Promise<void>
}

/** The capabilities a daemon runs beside the core peer, the config.json sections they own (in `configSchema`) and the API routes they add. */
export interface DaemonCapabilities<C extends PeerConfig = PeerConfig> {
  /** The whole config.json: the core peer's fields and the capabilities' sections (default: the core peer's alone). */
  configSchema?: ConfigSchema<C>
  extensionsFor?: ExtensionsFor<C>
  routes?: (peer: HomePeer<C>) => Routes
}

export async function startDaemon<C extends PeerConfig = PeerConfig> (home: string, overrides: RunOverrides = {}, capabilities: DaemonCapabilities<C> = {}): Promise<Daemon<C>> {
  const peer = await startHomePeer(home, overrides, capabilities.extensionsFor, capabilities.configSchema)
  const token = newApiToken()
  let api: RunningApiServer
  try {
    api = await startApiServer({ host: peer.config.api.host, port: peer.config.api.port, token, routes: { ...v1Routes(peer, new Date()), ...capabilities.routes?.(peer) } })
  } catch (err) {
    await peer.stop()
    throw err
  }
  try {
    await writeApiInfo(peer.paths.apiInfo, { url: api.url, token })
  } catch (err) {
    await api.close()
    await peer.stop()
    throw err
  }
  let stopping: Promise<void> | undefined
  return {
    peer,
    api,
    async stop () {
      stopping ??= (async () => {
        await removeApiInfo(peer.paths.apiInfo)
        await api.close()
        await peer.stop()
      })()
      await stopping
    }
  }
}
