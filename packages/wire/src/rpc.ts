import { pbStream } from '@libp2p/utils'
import type { AbortOptions, Connection, PeerId, Stream } from '@libp2p/interface'
import type { Registrar } from '@libp2p/interface-internal'
import type { Multiaddr } from '@multiformats/multiaddr'
import type { Uint8ArrayList } from 'uint8arraylist'
import { ErrorCodes, NoAnswerError, RemoteError, wireCode, wireMessage } from './errors.js'
import { TokenBuckets } from './token-buckets.js'

/** Every limit a request/response protocol declares (protocols/README.md §7.1). */
export interface ProtocolLimits {
  maxRequestBytes: number
  maxResponseBytes: number
  maxInboundStreams: number
  maxOutboundStreams: number
  /** Requests per second one peer may make (token bucket refill) … */
  ratePerSecond: number
  /** … and how many it may make at once (bucket size). */
  burst: number
  /** Per message read or write, and for the responder's work. */
  timeoutMs: number
}

/** A protons-generated message namespace: `Message.encode` / `Message.decode`. */
export interface MessageCodec<T> {
  encode(message: T): Uint8Array
  decode(bytes: Uint8Array | Uint8ArrayList): T
}

/** The wire error every response carries in field 1. */
export interface WireError {
  code: string
  message: string
  retryAfterMs: number
}

/** A response type: an optional error plus result fields. */
export interface WithError {
  error?: WireError
}

/** Thrown by a responder to answer with a specific code and message. */
export class ProtocolError extends Error {
  override name = 'ProtocolError'
  constructor (readonly code: string, message: string, readonly retryAfterMs = 0) {
    super(message)
  }
}

export interface RequestContext {
  remotePeer: PeerId
  connection: Connection
  /** Aborted when the responder's time is up: work must stop, the caller was told UNAVAILABLE. */
  signal: AbortSignal
}

export interface Responder<Req, Res> {
  protocol: string
  request: MessageCodec<Req>
  response: MessageCodec<Res>
  limits: ProtocolLimits
  respond(request: Req, context: RequestContext): Promise<Res>
  /**
   * For a streaming call (protocols/README.md §4.2): the frames to send, or
   * undefined when this request is an ordinary one. The stream ends when the
   * iterable does; it must yield at least every `limits.timeoutMs` (a heartbeat).
   */
  stream?(request: Req, context: RequestContext): AsyncIterable<Res> | undefined
  /** Build the response that carries only an error. */
  errorResponse(error: WireError): Res
}

function wireError (code: string, message: string, retryAfterMs = 0): WireError {
  return { code, message: wireMessage(message), retryAfterMs: Math.max(0, Math.ceil(retryAfterMs)) }
}

/**
 * Serve one request per stream: rate-limit the peer, read one bounded frame,
 * answer one frame, half-close. A frame over the limit or a timeout resets
 * the stream; a refused request gets an error response in the responder's words.
 */
export async function handleRequests<Req, Res> (registrar: Pick<Registrar, 'handle'>, responder: Responder<Req, Res>): Promise<void> {
  const { limits } = responder
  const rate = new TokenBuckets(limits.ratePerSecond, limits.burst)
  await registrar.handle(responder.protocol, async (stream: Stream, connection: Connection) => {
    const remotePeer = connection.remotePeer
    try {
      const pb = pbStream(stream, { maxDataLength: limits.maxRequestBytes }).pb(responder.request)
      const request = await pb.read({ signal: AbortSignal.timeout(limits.timeoutMs) })
      let response: Res
      const work = new AbortController()
      // the twin resetting the stream ends a streaming call
      stream.addEventListener('close', () => { work.abort() }, { once: true })
      const out = pb.unwrap().pb(responder.response)
      let frames: AsyncIterable<Res> | undefined
      try {
        const waitMs = rate.take(remotePeer.toString())
        if (waitMs > 0) throw new ProtocolError(ErrorCodes.RATE_LIMITED, `too many requests; retry in ${waitMs} ms`, waitMs)
        const context = { remotePeer, connection, signal: work.signal }
        frames = responder.stream?.(request, context)
        response = frames != null ? undefined as unknown as Res : await withTimeout(responder.respond(request, context), limits.timeoutMs)
      } catch (err: any) {
        work.abort()
        frames = undefined
        response = responder.errorResponse(toWireError(err))
      }
      if (frames != null) {
        try {
          for await (const frame of frames) await out.write(frame, { signal: AbortSignal.timeout(limits.timeoutMs) })
        } catch (err: any) {
          if (work.signal.aborted) throw err
          await out.write(responder.errorResponse(toWireError(err)), { signal: AbortSignal.timeout(limits.timeoutMs) })
        }
      } else {
        await out.write(response, { signal: AbortSignal.timeout(limits.timeoutMs) })
      }
      work.abort()
      await stream.close({ signal: AbortSignal.timeout(limits.timeoutMs) })
    } catch (err: any) {
      stream.abort(err)
    }
  }, { maxInboundStreams: limits.maxInboundStreams, maxOutboundStreams: limits.maxOutboundStreams })
}

function toWireError (err: any): WireError {
  if (err instanceof ProtocolError) return wireError(err.code, err.message, err.retryAfterMs)
  if (err?.name === 'TimeoutError') return wireError(ErrorCodes.UNAVAILABLE, 'the responder took too long to answer')
  return wireError(ErrorCodes.INTERNAL, err?.message ?? String(err))
}

async function withTimeout<T> (work: Promise<T>, timeoutMs: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => { reject(Object.assign(new Error('timed out'), { name: 'TimeoutError' })) }, timeoutMs)
  })
  try {
    return await Promise.race([work, timeout])
  } finally {
    clearTimeout(timer)
  }
}

/** What can open a stream: a libp2p node. */
export interface StreamOpener {
  dialProtocol(peer: PeerId | Multiaddr | Multiaddr[], protocols: string | string[], options?: AbortOptions): Promise<Stream>
}

/**
 * One request, one response. A remote error becomes a RemoteError with the
 * remote's code and message; no answer (EOF, reset, timeout) becomes a
 * NoAnswerError naming the peer and the protocol. Never a silent wait.
 */
export async function request<Req, Res extends WithError> (
  node: StreamOpener,
  peer: PeerId | Multiaddr | Multiaddr[],
  responder: Pick<Responder<Req, Res>, 'protocol' | 'request' | 'response' | 'limits'>,
  message: Req,
  options: AbortOptions & { rateLimitRetries?: number } = {}
): Promise<Res> {
  // RATE_LIMITED says when to come back: a short wait is better than a failed call
  for (let retries = options.rateLimitRetries ?? 3; ; retries--) {
    try {
      return await requestOnce(node, peer, responder, message, options)
    } catch (err: any) {
      if (err.name !== 'RemoteError' || err.code !== ErrorCodes.RATE_LIMITED || retries <= 0 || err.retryAfterMs > MAX_RATE_LIMIT_WAIT_MS) throw err
      await new Promise(resolve => setTimeout(resolve, Math.max(1, err.retryAfterMs)))
    }
  }
}

/**
 * A streaming call: yields every response frame until the responder closes;
 * an error frame ends it with a RemoteError; no frame within `idleMs` (a
 * missed heartbeat), a reset or EOF mid-call ends it with a NoAnswerError.
 * Breaking out of the loop resets the stream (the way to cancel).
 */
export async function * requestStream<Req, Res extends WithError> (
  node: StreamOpener,
  peer: PeerId,
  responder: Pick<Responder<Req, Res>, 'protocol' | 'request' | 'response' | 'limits'>,
  message: Req,
  options: AbortOptions & { idleMs?: number } = {}
): AsyncGenerator<Res> {
  const { limits, protocol } = responder
  const peerName = peer.toString()
  const idleMs = options.idleMs ?? limits.timeoutMs * 3
  const timed = (): AbortSignal => AbortSignal.any([AbortSignal.timeout(idleMs), ...(options.signal != null ? [options.signal] : [])])
  let stream: Stream | undefined
  let done = false
  try {
    stream = await node.dialProtocol(peer, protocol, { signal: timed() })
    const pb = pbStream(stream, { maxDataLength: limits.maxResponseBytes })
    await pb.write(message, responder.request, { signal: timed() })
    await stream.close({ signal: timed() })
    while (true) {
      let frame: Res
      try {
        frame = await pb.read(responder.response, { signal: timed() })
      } catch (err: any) {
        if (err.name === 'UnexpectedEOFError' || /end of (the )?stream|EOF/i.test(err.message ?? '')) {
          done = true
          return
        }
        throw new NoAnswerError(peerName, protocol, err?.message ?? String(err))
      }
      if (frame.error != null) {
        done = true
        throw new RemoteError(wireCode(frame.error.code), wireMessage(frame.error.message), peerName, protocol, Number(frame.error.retryAfterMs))
      }
      yield frame
    }
  } catch (err: any) {
    if (err.name === 'RemoteError' || err.name === 'NoAnswerError') throw err
    throw new NoAnswerError(peerName, protocol, err?.message ?? String(err))
  } finally {
    if (!done) stream?.abort(new Error('the caller stopped reading'))
  }
}

/** Longest `retry_after_ms` a caller waits out by itself. */
const MAX_RATE_LIMIT_WAIT_MS = 2000

async function requestOnce<Req, Res extends WithError> (
  node: StreamOpener,
  peer: PeerId | Multiaddr | Multiaddr[],
  responder: Pick<Responder<Req, Res>, 'protocol' | 'request' | 'response' | 'limits'>,
  message: Req,
  options: AbortOptions
): Promise<Res> {
  const { limits, protocol } = responder
  const peerName = Array.isArray(peer) ? peer.map(String).join(',') : peer.toString()
  const signal = options.signal ?? AbortSignal.timeout(limits.timeoutMs * 2)
  let stream: Stream | undefined
  let response: Res
  try {
    stream = await node.dialProtocol(peer, protocol, { signal })
    const pb = pbStream(stream, { maxDataLength: limits.maxResponseBytes })
    await pb.write(message, responder.request, { signal })
    await stream.close({ signal })
    response = await pb.read(responder.response, { signal })
  } catch (err: any) {
    stream?.abort(err)
    throw new NoAnswerError(peerName, protocol, err?.message ?? String(err))
  }
  if (response.error != null) {
    const { code, message: text, retryAfterMs } = response.error
    throw new RemoteError(wireCode(code), wireMessage(text), peerName, protocol, Number(retryAfterMs))
  }
  return response
}
