import type { PeerId } from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'
import {
  CAPACITY_LIMITS, CAPACITY_PROTOCOL, ErrorCodes, ProtocolError, capacityMessages, request,
  type Responder, type StreamOpener
} from '@p2pcloud/wire'
import { verifyAdvert, type VerifiedAdvert } from './advert.js'

type Request = capacityMessages.CapacityRequest
type Response = capacityMessages.CapacityResponse

const codecs = {
  protocol: CAPACITY_PROTOCOL,
  request: capacityMessages.CapacityRequest,
  response: capacityMessages.CapacityResponse,
  limits: CAPACITY_LIMITS
}

/** `/p2pcloud/capacity/1.0.0`, farmer side: answer with the current signed advert. */
export function capacityResponder (isFarmer: boolean, currentAdvert: () => Uint8Array | undefined): Responder<Request, Response> {
  return {
    ...codecs,
    async respond () {
      if (!isFarmer) {
        throw new ProtocolError(ErrorCodes.NOT_FOUND, 'this peer is not a farmer; it has no capacity to advertise')
      }
      const envelope = currentAdvert()
      if (envelope == null) {
        throw new ProtocolError(ErrorCodes.UNAVAILABLE, 'this farmer is starting and has not signed its first advert yet', 1000)
      }
      return { advertEnvelope: envelope as Uint8Array<ArrayBuffer> }
    },
    errorResponse: (error) => ({ error, advertEnvelope: new Uint8Array() })
  }
}

/**
 * Ask a farmer for its current advert, in its own words (live free capacity,
 * for a check before reserving). The answer is verified like any advert, and
 * must come from the farmer we asked.
 */
export async function fetchAdvert (node: StreamOpener, farmer: PeerId | Multiaddr[], expected: string, options: { signal?: AbortSignal } = {}): Promise<VerifiedAdvert> {
  const response = await request(node, farmer, codecs, {}, options)
  const verified = await verifyAdvert(response.advertEnvelope ?? new Uint8Array())
  if (verified.advert.peerId !== expected) {
    throw new ProtocolError(ErrorCodes.UNAUTHORIZED, `asked ${expected} for its advert but got ${verified.advert.peerId}'s`)
  }
  return verified
}
