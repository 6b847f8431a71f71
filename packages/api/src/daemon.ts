import { startHomePeer, type HomePeer, type RunOverrides } from '@p2pcloud/node'
import { newApiToken, removeApiInfo, writeApiInfo } from './api-info.js'
import { v1Routes } from './routes.js'
import { startApiServer, type RunningApiServer } from './server.js'

/** A running peer with its local API published in `<home>/api.json`. */
export interface Daemon {
  peer: HomePeer
  api: RunningApiServer
  /** Close the API, remove api.json, stop the peer; safe to call twice. */
  stop(): Promise<void>
}

export async function startDaemon (home: string, overrides: RunOverrides = {}): Promise<Daemon> {
  const peer = await startHomePeer(home, overrides)
  const token = newApiToken()
  let api: RunningApiServer
  try {
    api = await startApiServer({ host: peer.config.api.host, port: peer.config.api.port, token, routes: v1Routes(peer, new Date()) })
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
