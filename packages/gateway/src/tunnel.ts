import { logger } from '@libp2p/logger'
import { lpStream } from '@libp2p/utils'
import type { PeerId } from '@libp2p/interface'
import {
  GATEWAY_TUNNEL_LIMITS, GATEWAY_TUNNEL_PROTOCOL, MAX_TUNNEL_ACCEPT_BYTES, RemoteError, gatewayTunnelMessages, openStream, streamDuplex, type StreamOpener
} from '@p2pcloud/wire'
import type { Duplex } from 'node:stream'
import { BackendUnreachableError } from './errors.js'
import type { BackendConnector } from './routes.js'

const log = logger('p2pcloud:gateway:tunnel')

/** What shows the backend's farmer that its twin sent this gateway a name for that backend (gateway-tunnel.md §5.1). */
export interface TunnelProof {
  /** The twin-signed deployment this gateway runs, byte for byte as the twin sent it. */
  deploymentEnvelope: Uint8Array
  /** The twin-signed proposal of that deployment's contract with this gateway. */
  proposalEnvelope: Uint8Array
  /** The gateway-name or gateway-fqdn workload of that deployment whose backend the tunnel reaches. */
  workload: string
}

export interface TunnelConnectorInit {
  /** Opens libp2p streams (a libp2p node). */
  node: StreamOpener
  /** The backend deployment's farmer. */
  farmer: PeerId
  proof: TunnelProof
}

/** The backend's farmer refused the tunnel; `code` is its error code. */
export class TunnelRefusedError extends RemoteError {
  override name = 'TunnelRefusedError'
}

/**
 * The mesh path to a backend (`/p2pcloud/gateway-tunnel/1.0.0`): each connection is a stream to
 * the backend's farmer, opened with the proof, which connects to the container and carries its
 * bytes. For a FrontDoor route: `{ tls, connect: tunnelConnector({ node, farmer, proof }) }`.
 * A refusal becomes a BackendUnreachableError that says only the code (the client sees it).
 */
export function tunnelConnector ({ node, farmer, proof }: TunnelConnectorInit): BackendConnector {
  const open = gatewayTunnelMessages.TunnelOpen.encode({
    deploymentEnvelope: proof.deploymentEnvelope as Uint8Array<ArrayBuffer>,
    proposalEnvelope: proof.proposalEnvelope as Uint8Array<ArrayBuffer>,
    workload: proof.workload
  })
  return async (signal: AbortSignal): Promise<Duplex> => {
    // a farmer behind NAT may be reachable only through a circuit relay until DCUtR upgrades the connection
    const stream = await openStream(node, farmer, GATEWAY_TUNNEL_PROTOCOL, signal, { runOnLimitedConnection: true, maxOutboundStreams: GATEWAY_TUNNEL_LIMITS.maxOutboundStreams })
    try {
      const frames = lpStream(stream, { maxDataLength: MAX_TUNNEL_ACCEPT_BYTES })
      await frames.write(open, { signal })
      const accept = gatewayTunnelMessages.TunnelAccept.decode(await frames.read({ signal }))
      if (accept.error != null) {
        const refused = new TunnelRefusedError(accept.error.code, accept.error.message, farmer.toString(), GATEWAY_TUNNEL_PROTOCOL, accept.error.retryAfterMs)
        log('tunnel to %p refused - %s', farmer, refused.message)
        throw new BackendUnreachableError(`the backend's farmer refused the tunnel (${refused.code})`, refused)
      }
      return streamDuplex(frames.unwrap())
    } catch (err: any) {
      stream.abort(err)
      throw err
    }
  }
}
