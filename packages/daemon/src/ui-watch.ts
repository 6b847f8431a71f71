import { peerIdFromString } from '@libp2p/peer-id'
import { clientGone, ndjson, type Routes } from '@p2pcloud/api'
import { DeploymentClient } from '@p2pcloud/farmer'
import { readIdentityFile } from '@p2pcloud/node'
import { DeploymentNotFoundError } from '@p2pcloud/twin'
import type { DaemonPeer } from './services.js'

/**
 * `GET /v1/ui/deployments/:name/watch`: the farmer's watch of a deployment (deployment protocol),
 * streamed to the page as NDJSON: one `{contractId, name, version, workloads}` line per change,
 * and the farmer's heartbeat repeating it; the stream ends when the farmer deleted it. The page
 * sees a state the moment the farmer reports it, with no polling.
 */
export async function uiWatchRoutes (peer: DaemonPeer): Promise<Routes> {
  // a watch is authorised by the twin's peer id (the connection's), but the client also signs deploys and wants the key
  const client = new DeploymentClient(peer.libp2p, await readIdentityFile(peer.paths.identityKey))
  const twin = peer.libp2p.services.twin
  return {
    'GET /v1/ui/deployments/:name/watch': async (req, _url, params) => {
      const record = (await twin.list()).find(r => r.name === params.name)
      if (record == null) throw new DeploymentNotFoundError(`no deployment named "${params.name}"; see p2pcloud ls`)
      return ndjson(client.watch(peerIdFromString(record.farmer), record.contractId, clientGone(req)))
    }
  }
}
