import { resourcesFromWire } from '@p2pcloud/capacity'
import { CONTRACT_LIMITS, CONTRACT_PROTOCOL, ErrorCodes, ProtocolError, contractIdFromBytes, contractMessages, type Responder } from '@p2pcloud/wire'
import { contractToWire, type Ledger } from './ledger.js'

type Request = contractMessages.Request
type Response = contractMessages.Response

export const contractCodecs = {
  protocol: CONTRACT_PROTOCOL,
  request: contractMessages.Request,
  response: contractMessages.Response,
  limits: CONTRACT_LIMITS
}

/** Which one call a request makes; more or fewer than one is a bad request. */
function callOf (request: Request): string {
  const calls = [
    request.quote != null && 'quote',
    request.proposalEnvelope.byteLength > 0 && 'propose',
    request.renew != null && 'renew',
    request.cancel != null && 'cancel',
    request.get != null && 'get',
    request.list != null && 'list',
    request.receipts != null && 'receipts'
  ].filter((call): call is string => call !== false)
  if (calls.length !== 1) throw new ProtocolError(ErrorCodes.BAD_REQUEST, `a request makes exactly one call; this one makes ${calls.length > 0 ? calls.join(' and ') : 'none'}`)
  return calls[0]
}

/** A response with every field it does not set empty. */
function answer (fields: Partial<Response>): Response {
  return { quoteEnvelope: new Uint8Array(), contracts: [], receiptEnvelopes: [], ...fields }
}

/** `/p2pcloud/contract/1.0.0`, farmer side. `ledger` is undefined on a peer that is not a farmer. */
export function contractResponder (isFarmer: boolean, ledger: () => Ledger | undefined): Responder<Request, Response> {
  return {
    ...contractCodecs,
    async respond (request, { remotePeer }) {
      const call = callOf(request)
      const book = ledger()
      if (!isFarmer) throw new ProtocolError(ErrorCodes.NOT_FOUND, 'this peer is not a farmer; it takes no contracts')
      if (book == null) throw new ProtocolError(ErrorCodes.UNAVAILABLE, 'this farmer is starting; its ledger is not open yet', 1000)
      const twin = remotePeer.toString()
      switch (call) {
        case 'quote':
          return answer({ quoteEnvelope: await book.quote(twin, resourcesFromWire(request.quote?.resources), request.quote?.leaseMs ?? 0) as Uint8Array<ArrayBuffer> })
        case 'propose':
          return answer({ contract: contractToWire(await book.propose(request.proposalEnvelope, twin)) })
        case 'renew':
          return answer({ contract: contractToWire(await book.renew(contractIdFromBytes(request.renew?.contractId), request.renew?.leaseMs ?? 0, twin)) })
        case 'cancel':
          return answer({ contract: contractToWire(await book.cancel(contractIdFromBytes(request.cancel?.contractId), twin)) })
        case 'get':
          return answer({ contract: contractToWire(await book.get(contractIdFromBytes(request.get?.contractId), twin)) })
        case 'receipts':
          return answer({ receiptEnvelopes: (await book.receipts(contractIdFromBytes(request.receipts?.contractId), twin, request.receipts?.afterSeq ?? 0)) as Array<Uint8Array<ArrayBuffer>> })
        default:
          return answer({ contracts: (await book.list(twin)).map(contractToWire) })
      }
    },
    errorResponse: (error) => answer({ error })
  }
}
