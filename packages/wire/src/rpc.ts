import { byteStream, pbStream, type ByteStream } from '@libp2p/utils'
import { Uint8ArrayList } from 'uint8arraylist'
import type { AbortOptions, Connection, Metrics, PeerId, Stream, StreamMessageEvent } from '@libp2p/interface'
import type { Registrar } from '@libp2p/interface-internal'
import type { Multiaddr } from '@multiformats/multiaddr'
import { ErrorCodes, NoAnswerError, RemoteError, wireCode, wireMessage } from './errors.js'
import { TokenBuckets } from './token-buckets.js'
import { inboundBudget } from './byte-budget.js'
import { frameOf, readVarint } from './proto-bytes.js'
import { requestMeter } from './rpc-metrics.js'

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

/**
 * What a reader may buffer for frames of up to `maxFrame` bytes: @libp2p/utils' 4 MiB default,
 * or the frame plus a Yamux window of what follows it (a 4 MiB zdb value did not fit before).
 */
function readBufferFor (maxFrame: number): number {
  return Math.max(4 * 2 ** 20, maxFrame + 256 * 1024)
}

/** Why a responder reset a stream after its error response: it would not read the rest of the request. */
class RefusedUnreadError extends Error {
  override name = 'RefusedUnreadError'
}

/**
 * How long a responder keeps a refused request's stream after its answer, for the caller to
 * read it, before it resets the rest of the request away (protocols/README.md §4.2).
 */
const REFUSED_LINGER_MS = 1000

export interface RequestContext {
  remotePeer: PeerId
  connection: Connection
  /** Aborted when the responder's time is up: work must stop, the caller was told UNAVAILABLE. */
  signal: AbortSignal
}

/** A streaming call's context: also whether the caller keeps up with the frames. */
export interface StreamContext extends RequestContext {
  /** Whether all that was sent on this stream so far has left this process. */
  drained: () => boolean
}

export interface Responder<Req, Res> {
  /** The newest id this side speaks. */
  protocol: string
  /** Older ids of the same major it still speaks (protocols/README.md §2.1): registered beside `protocol`, proposed after it. */
  compatible?: readonly string[]
  request: MessageCodec<Req>
  response: MessageCodec<Res>
  limits: ProtocolLimits
  respond(request: Req, context: RequestContext): Promise<Res>
  /**
   * For a streaming call (protocols/README.md §4.2): the frames to send, or
   * undefined when this request is an ordinary one. The stream ends when the
   * iterable does; it must yield at least every `limits.timeoutMs` (a heartbeat).
   */
  stream?(request: Req, context: StreamContext): AsyncIterable<Res> | undefined
  /**
   * Vet a request from its first fields before a large frame is read whole (a zdb SET carries
   * up to 4 MiB): `head` is the request decoded from the whole fields among the frame's first
   * REQUEST_HEAD_BYTES. Throw a ProtocolError to refuse it unread. Called only for frames longer
   * than that; `respond` still gets the whole request and must check it again.
   */
  admit?(head: Req, context: RequestContext): void
  /** Build the response that carries only an error. */
  errorResponse(error: WireError): Res
}

function wireError (code: string, message: string, retryAfterMs = 0): WireError {
  return { code, message: wireMessage(message), retryAfterMs: Math.max(0, Math.ceil(retryAfterMs)) }
}

/**
 * How far into a request frame its head reaches: the fields within these first bytes, and the
 * tag and length of the first field that does not end within them. `admit` decides on it.
 */
export const REQUEST_HEAD_BYTES = 1024

/**
 * Serve one request per stream: read the frame's length and its first REQUEST_HEAD_BYTES,
 * rate-limit the peer and let the responder `admit` the request from its first fields, take the
 * frame's bytes from the process's inbound budget (within the remote peer's share of it), read the rest, answer one frame (or a
 * stream of them), half-close, give the bytes back. A frame over the limit, a request that does
 * not decode or a timeout resets the stream; a refused request gets an error response in the
 * responder's words, and when the rest of its frame is unread, a reset after it. Each answer,
 * error code and reset is counted in `metrics` (the peer's `components.metrics`; rpc-metrics.ts).
 */
export async function handleRequests<Req, Res> (registrar: Pick<Registrar, 'handle'>, responder: Responder<Req, Res>, metrics?: Metrics): Promise<void> {
  const { limits } = responder
  const meter = requestMeter(metrics)
  const rate = new TokenBuckets(limits.ratePerSecond, limits.burst)
  const timed = (): AbortSignal => AbortSignal.timeout(limits.timeoutMs)
  const maxBufferSize = readBufferFor(limits.maxRequestBytes)
  const handler = async (stream: Stream, connection: Connection): Promise<void> => {
    const remotePeer = connection.remotePeer
    const protocol = stream.protocol ?? responder.protocol
    const opened = performance.now()
    const bytes = byteStream(stream, { maxBufferSize })
    // the head, its length prefix and the tag and length of the field it stops at, with room to spare
    const intake = limitIntake(stream, REQUEST_HEAD_BYTES + 64)
    const send = async (response: Res): Promise<void> => { await bytes.write(frameOf(responder.response.encode(response)), { signal: timed() }) }
    const sendError = async (err: unknown): Promise<void> => {
      const error = toWireError(err)
      meter.refused(protocol, error.code)
      await send(responder.errorResponse(error))
    }
    const answered = (): void => { meter.answered(protocol, (performance.now() - opened) / 1000) }
    let release = (): void => {}
    try {
      const length = await readFrameLength(bytes, limits.maxRequestBytes, timed())
      const { head, whole } = await readHead(bytes, length, timed())
      const unread = length - head.byteLength
      const work = new AbortController()
      // the twin resetting the stream ends a streaming call
      stream.addEventListener('close', () => { work.abort() }, { once: true })
      const context = { remotePeer, connection, signal: work.signal, drained: () => !stream.writableNeedsDrain && stream.writeBufferLength === 0 }
      // a head that does not decode is a violation, like a whole frame that does not
      const first = unread > 0 && responder.admit != null ? responder.request.decode(head.subarray(0, whole)) : undefined
      try {
        const waitMs = rate.take(remotePeer.toString())
        if (waitMs > 0) throw new ProtocolError(ErrorCodes.RATE_LIMITED, `too many requests; retry in ${waitMs} ms`, waitMs)
        if (unread > 0) {
          // no more of the frame while it is vetted and waits for room
          if (first != null) responder.admit?.(first, context)
          release = await inboundBudget.acquire(remotePeer.toString(), length, limits.timeoutMs, work.signal)
          intake.allowAll()
        }
      } catch (err: any) {
        work.abort()
        await sendError(err)
        await stream.close({ signal: timed() })
        answered()
        // Yamux has no "close read": paused, the caller can send at most its window more of the
        // rest; it resets the stream once it has read the answer, or is reset a moment later
        if (unread > 0 && !await closedWithin(stream, REFUSED_LINGER_MS)) {
          stream.abort(new RefusedUnreadError(`refused before reading the last ${unread} bytes of the request`))
        }
        return
      }
      if (unread > 0) head.append(await bytes.read({ bytes: unread, signal: timed() }))
      const request = responder.request.decode(head)
      let response: Res
      let frames: AsyncIterable<Res> | undefined
      try {
        frames = responder.stream?.(request, context)
        response = frames != null ? undefined as unknown as Res : await withTimeout(responder.respond(request, context), limits.timeoutMs)
      } catch (err: any) {
        work.abort()
        frames = undefined
        const error = toWireError(err)
        meter.refused(protocol, error.code)
        response = responder.errorResponse(error)
      }
      if (frames != null) {
        try {
          for await (const frame of frames) await send(frame)
        } catch (err: any) {
          if (work.signal.aborted) throw err
          await sendError(err)
        }
      } else {
        await send(response)
      }
      work.abort()
      await stream.close({ signal: timed() })
      answered()
    } catch (err: any) {
      meter.reset(protocol)
      stream.abort(err)
    } finally {
      release()
    }
  }
  // each id has its own stream limits: an old caller's streams count apart from a new one's
  for (const id of protocolIds(responder)) {
    await registrar.handle(id, handler, { maxInboundStreams: limits.maxInboundStreams, maxOutboundStreams: limits.maxOutboundStreams })
  }
}

/** Every id a responder speaks, newest first: what it registers, and what a caller proposes. */
export function protocolIds (responder: Pick<Responder<unknown, unknown>, 'protocol' | 'compatible'>): string[] {
  return [responder.protocol, ...(responder.compatible ?? [])]
}

/** A frame's uvarint length prefix, read byte by byte; over `max` (or more varint bytes than `max` needs) is a violation. */
export async function readFrameLength (bytes: ByteStream<Stream>, max: number, signal: AbortSignal): Promise<number> {
  const prefix = new Uint8Array(Math.ceil(Math.log2(max + 1) / 7) || 1)
  for (let i = 0; i < prefix.length; i++) {
    prefix[i] = (await bytes.read({ bytes: 1, signal })).get(0)
    const length = readVarint(prefix.subarray(0, i + 1), 0)
    if (length == null) continue
    if (length.value > max) throw new Error(`a request frame of ${length.value} bytes, over the limit of ${max}`)
    return length.value
  }
  throw new Error(`a request frame length of more than ${prefix.length} varint bytes, over the limit of ${max}`)
}

/**
 * The head of a request frame of `length` bytes: all of it when it is no longer than
 * REQUEST_HEAD_BYTES; else its fields up to there, read field by field, so that the head of a
 * large field (a zdb value) is known without waiting for any byte of it. `whole`: how many of
 * its bytes are whole fields (the rest is the tag and length of the field it stops at).
 */
async function readHead (bytes: ByteStream<Stream>, length: number, signal: AbortSignal): Promise<{ head: Uint8ArrayList, whole: number }> {
  const head = new Uint8ArrayList()
  const take = async (count: number): Promise<void> => {
    if (head.byteLength + count > length) throw new Error(`a request field runs past the end of its ${length}-byte frame`)
    if (count > 0) head.append(await bytes.read({ bytes: count, signal }))
  }
  if (length <= REQUEST_HEAD_BYTES) {
    await take(length)
    return { head, whole: length }
  }
  const varint = async (): Promise<number> => {
    const start = head.byteLength
    do await take(1)
    while (head.get(head.byteLength - 1) >= 0x80 && head.byteLength - start < 10)
    const value = readVarint(head.subarray(start), 0)
    if (value == null) throw new Error('a request varint of more than 10 bytes')
    return value.value
  }
  while (head.byteLength < REQUEST_HEAD_BYTES) {
    const fieldStart = head.byteLength
    const tag = await varint()
    const wireType = tag % 8
    if (wireType === 0) await varint()
    else if (wireType === 1) await take(8)
    else if (wireType === 5) await take(4)
    else if (wireType === 2) {
      const size = await varint()
      if (head.byteLength + size > REQUEST_HEAD_BYTES) return { head, whole: fieldStart }
      await take(size)
    } else {
      return { head, whole: fieldStart } // a group: no p2pcloud message has one; decoding the whole frame refuses it
    }
  }
  return { head, whole: head.byteLength }
}

/** Whether `stream` closes (both ends, or a reset) within `timeoutMs`. */
async function closedWithin (stream: Stream, timeoutMs: number): Promise<boolean> {
  if (stream.status !== 'open') return true
  return new Promise(resolve => {
    const timer = setTimeout(() => { resolve(false) }, timeoutMs)
    stream.addEventListener('close', () => { clearTimeout(timer); resolve(true) }, { once: true })
  })
}

/**
 * Pauses `stream` as soon as more than `allowed` bytes have come in, until `allowAll`: paused,
 * it sends no window updates, so the remote can send at most one Yamux window more, which
 * waits in the stream. This is what keeps an unread request body out of memory.
 */
function limitIntake (stream: Stream, allowed: number): { allowAll: () => void } {
  let received = 0
  const onMessage = (event: StreamMessageEvent): void => {
    received += event.data.byteLength
    if (received > allowed && stream.readStatus === 'readable') stream.pause()
  }
  stream.addEventListener('message', onMessage)
  return {
    allowAll: () => {
      stream.removeEventListener('message', onMessage)
      if (stream.readStatus === 'paused') stream.resume()
    }
  }
}

function toWireError (err: any): WireError {
  if (err instanceof ProtocolError) return wireError(err.code, err.message, err.retryAfterMs)
  if (err?.name === 'TimeoutError') return wireError(ErrorCodes.UNAVAILABLE, 'the responder took too long to answer')
  if (err?.name === 'BudgetExhaustedError') return wireError(ErrorCodes.UNAVAILABLE, err.message, BUDGET_RETRY_AFTER_MS)
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

/** What can open a stream: a libp2p node (`force`: on a new connection even when one is open). */
export interface StreamOpener {
  dialProtocol(peer: PeerId | Multiaddr | Multiaddr[], protocols: string | string[], options?: AbortOptions & { force?: boolean, runOnLimitedConnection?: boolean, maxOutboundStreams?: number }): Promise<Stream>
}

/**
 * Open a stream. A connection found closing under us (its muxer closed, the connection manager
 * not yet told) is no answer from the peer: try once more on a new connection.
 */
export async function openStream (node: StreamOpener, peer: PeerId | Multiaddr | Multiaddr[], protocol: string | string[], signal: AbortSignal, options: { runOnLimitedConnection?: boolean, maxOutboundStreams?: number } = {}): Promise<Stream> {
  try {
    return await node.dialProtocol(peer, protocol, { ...options, signal })
  } catch (err: any) {
    if (err?.name !== 'ConnectionClosedError' || signal.aborted) throw err
    return node.dialProtocol(peer, protocol, { ...options, signal, force: true })
  }
}

/**
 * One request, one response. A remote error becomes a RemoteError with the
 * remote's code and message; no answer (EOF, reset, timeout) becomes a
 * NoAnswerError naming the peer and the protocol. Never a silent wait.
 */
export async function request<Req, Res extends WithError> (
  node: StreamOpener,
  peer: PeerId | Multiaddr | Multiaddr[],
  responder: Pick<Responder<Req, Res>, 'protocol' | 'compatible' | 'request' | 'response' | 'limits'>,
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
  responder: Pick<Responder<Req, Res>, 'protocol' | 'compatible' | 'request' | 'response' | 'limits'>,
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
    stream = await openStream(node, peer, protocolIds(responder), timed())
    const pb = pbStream(stream, { maxDataLength: limits.maxResponseBytes, maxBufferSize: readBufferFor(limits.maxResponseBytes) })
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

/** When a caller refused for want of inbound budget is told to come back. */
export const BUDGET_RETRY_AFTER_MS = 1000

/** Longest `retry_after_ms` a caller waits out by itself. */
const MAX_RATE_LIMIT_WAIT_MS = 2000

async function requestOnce<Req, Res extends WithError> (
  node: StreamOpener,
  peer: PeerId | Multiaddr | Multiaddr[],
  responder: Pick<Responder<Req, Res>, 'protocol' | 'compatible' | 'request' | 'response' | 'limits'>,
  message: Req,
  options: AbortOptions
): Promise<Res> {
  const { limits, protocol } = responder
  const peerName = Array.isArray(peer) ? peer.map(String).join(',') : peer.toString()
  const signal = options.signal ?? AbortSignal.timeout(limits.timeoutMs * 2)
  let stream: Stream | undefined
  let response: Res
  try {
    stream = await openStream(node, peer, protocolIds(responder), signal)
    const pb = pbStream(stream, { maxDataLength: limits.maxResponseBytes, maxBufferSize: readBufferFor(limits.maxResponseBytes) })
    // read while writing: a responder may refuse a large request from its head (§4.2)
    const answer = pb.read(responder.response, { signal })
    answer.catch(() => {})
    const open = stream
    let sent = false
    const writing = (async () => {
      await pb.write(message, responder.request, { signal })
      // sent whole: an answer that comes before the close is done is no refusal
      sent = true
      await open.close({ signal })
    })()
    writing.catch(() => {})
    try {
      response = await answer
    } catch (err: any) {
      await writing // a failed write says more than the read it cut short
      throw err
    }
    // answered before the request was sent whole: a refusal, and the responder reads no more of it
    if (!sent) open.abort(new Error(`answered before the request was sent whole: ${response.error?.code ?? 'no error'}`))
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
