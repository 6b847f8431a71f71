import { CID } from 'multiformats/cid'
import {
  BLOCKS_LIMITS, BLOCKS_PROTOCOL, BlocksErrorCodes, ByteBudget, MAX_CID_BYTES, MAX_CIDS_PER_REQUEST, MAX_EXCHANGED_BLOCK_BYTES, ProtocolError, blocksMessages,
  requestStream,
  type Responder, type StreamOpener, type WireError
} from '@p2pcloud/wire'
import { isFlistCid } from './block.js'
import type { BlockGetter } from './block-store.js'
import type { AbortOptions, PeerId } from '@libp2p/interface'

type BlockRequest = blocksMessages.BlockRequest
type BlockResponse = blocksMessages.BlockResponse

/** A responder answered with frames that break blocks.md §4 (wrong CID, out of order, too many). */
export class BlockProtocolViolationError extends Error {
  override name = 'BlockProtocolViolationError'
  constructor (readonly peer: string, detail: string) {
    super(`${peer} on ${BLOCKS_PROTOCOL}: ${detail}`)
  }
}

const EMPTY = new Uint8Array(0)

/**
 * Blocks a responder reads ahead of the one it sends, once the caller has taken a frame whole and
 * while it keeps up: a stream holds at most 4 × 512 KiB, one that is not read 512 KiB (blocks.md §7).
 */
const READ_AHEAD = 3

/** Most bytes of blocks read for responses this process holds at once, all streams and peers together (blocks.md §7). */
export const BLOCK_RESPONSE_BUDGET_BYTES = 32 * 2 ** 20

/** Most of it one remote peer may hold: an eighth, two streams reading ahead. */
export const BLOCK_RESPONSE_BUDGET_PER_PEER_BYTES = BLOCK_RESPONSE_BUDGET_BYTES / 8

/**
 * Response memory, kept apart from the inbound budget of requests: a peer that asks for blocks
 * and does not read them holds this, never the room another peer's request needs. One per
 * process, as memory is.
 */
const blockResponses = new ByteBudget(BLOCK_RESPONSE_BUDGET_BYTES, BLOCK_RESPONSE_BUDGET_PER_PEER_BYTES)

/** A block read for a response frame, and the budget it holds until sent. */
interface Held { response: BlockResponse, release: () => void }

/** What both sides share: the id, the codecs and the limits. */
const BLOCKS_CALL = { protocol: BLOCKS_PROTOCOL, request: blocksMessages.BlockRequest, response: blocksMessages.BlockResponse, limits: BLOCKS_LIMITS }

function parseWanted (bytes: Uint8Array): CID {
  let cid: CID
  try {
    if (bytes.byteLength > MAX_CID_BYTES) throw new Error(`${bytes.byteLength} bytes, more than ${MAX_CID_BYTES}`)
    cid = CID.decode(bytes)
  } catch (err: any) {
    throw new ProtocolError(BlocksErrorCodes.BAD_REQUEST, `a requested CID does not decode: ${err.message}`)
  }
  if (!isFlistCid(cid)) throw new ProtocolError(BlocksErrorCodes.BAD_REQUEST, `${cid.toString()} is not a flist block CID (CIDv1, raw or protobuf, sha2-256)`)
  return cid
}

/** The request's CIDs, checked (blocks.md §5): 1 to MAX_CIDS_PER_REQUEST distinct flist CIDs. */
function wantedCids (request: BlockRequest): CID[] {
  if (request.cids.length === 0) throw new ProtocolError(BlocksErrorCodes.BAD_REQUEST, 'the request names no CID')
  if (request.cids.length > MAX_CIDS_PER_REQUEST) throw new ProtocolError(BlocksErrorCodes.TOO_LARGE, `the request names ${request.cids.length} CIDs; at most ${MAX_CIDS_PER_REQUEST} per request`)
  const cids = request.cids.map(parseWanted)
  if (new Set(cids.map(String)).size !== cids.length) throw new ProtocolError(BlocksErrorCodes.BAD_REQUEST, 'the request names a CID twice')
  return cids
}

/**
 * The responder of `/p2pcloud/blocks/1.0.0`: serves any block `store` holds to any peer, one
 * frame per requested CID in request order, `missing` for the ones it does not hold.
 */
export function blocksResponder (store: BlockGetter): Responder<BlockRequest, BlockResponse> {
  return {
    ...BLOCKS_CALL,
    respond: async () => { throw new ProtocolError('INTERNAL', 'blocks are always answered as a stream') },
    stream (request, { remotePeer, signal, drained }) {
      const cids = wantedCids(request)
      const peer = remotePeer.toString()
      // each block read holds its bytes of the process's response budget until it is sent
      const frame = async (cid: CID): Promise<Held> => {
        const release = await blockResponses.acquire(peer, MAX_EXCHANGED_BLOCK_BYTES, BLOCKS_LIMITS.timeoutMs, signal)
        try {
          return { release, response: { cid: cid.bytes, data: await store.get(cid, { signal }) as Uint8Array<ArrayBuffer>, missing: false } }
        } catch (err: any) {
          release()
          // a block corrupted on disk is deleted by the store: we no longer hold it either
          if (err.name !== 'BlockNotFoundError' && err.name !== 'BlockHashMismatchError') throw err
          return { release: () => {}, response: { cid: cid.bytes, data: EMPTY, missing: true } }
        }
      }
      return (async function * () {
        // the next blocks are read from disk while this one is being sent, but only for a caller
        // that took the last frame whole: one that does not read holds only the block it is sent
        const pending: Array<Promise<Held>> = []
        let next = 0
        try {
          for (let i = 0; i < cids.length; i++) {
            const ahead = i > 0 && drained() ? READ_AHEAD : 0
            while (next < cids.length && next <= i + ahead) {
              const read = frame(cids[next++])
              read.catch(() => {}) // awaited below, in order
              pending.push(read)
            }
            const { release, response } = await (pending.shift() as Promise<Held>)
            try {
              yield response
            } finally {
              release()
            }
          }
        } finally {
          // a call cut short: what was read ahead is never sent
          for (const read of pending) read.then(held => { held.release() }, () => {})
        }
      })()
    },
    errorResponse: (error: WireError) => ({ error, cid: EMPTY, data: EMPTY, missing: false })
  }
}

/** One answered CID: its bytes as the responder sent them (not yet verified), or undefined when it does not hold it. */
export interface BlockAnswer { cid: CID, bytes?: Uint8Array }

/**
 * Asks `peer` for up to MAX_CIDS_PER_REQUEST blocks and yields each answer as it arrives.
 * The bytes are NOT verified here (the fetcher does it, to know whom to blame). A frame for
 * another CID, out of order, or too few or too many frames is a BlockProtocolViolationError;
 * a refusal is the wire's RemoteError, no answer its NoAnswerError.
 */
export async function * requestBlocks (node: StreamOpener, peer: PeerId, cids: CID[], options: AbortOptions = {}): AsyncGenerator<BlockAnswer> {
  let next = 0
  for await (const frame of requestStream(node, peer, BLOCKS_CALL, { cids: cids.map(cid => cid.bytes) }, options)) {
    const expected = cids[next]
    if (expected == null) throw new BlockProtocolViolationError(peer.toString(), `answered more than the ${cids.length} blocks asked for`)
    if (frame.cid == null || Buffer.compare(frame.cid, expected.bytes) !== 0) throw new BlockProtocolViolationError(peer.toString(), `frame ${next} is not for ${expected.toString()}`)
    next++
    yield frame.missing ? { cid: expected } : { cid: expected, bytes: frame.data }
  }
  if (next < cids.length) throw new BlockProtocolViolationError(peer.toString(), `ended after ${next} of ${cids.length} blocks`)
}
