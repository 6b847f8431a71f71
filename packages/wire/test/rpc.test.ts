import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { noise } from '@chainsafe/libp2p-noise'
import { tcp } from '@libp2p/tcp'
import { yamux } from '@libp2p/yamux'
import { createLibp2p, type Libp2p } from 'libp2p'
import type { PeerId, Stream } from '@libp2p/interface'
import { pbStream } from '@libp2p/utils'
import type { Registrar } from '@libp2p/interface-internal'
import {
  ErrorCodes, MAX_ERROR_MESSAGE_BYTES, NoAnswerError, ProtocolError, RemoteError, capacityMessages, handleRequests, request,
  type MessageCodec, type ProtocolLimits, type RequestContext, type Responder
} from '../src/index.js'

type Req = capacityMessages.CapacityRequest
type Res = capacityMessages.CapacityResponse

const LIMITS: ProtocolLimits = {
  maxRequestBytes: 64,
  maxResponseBytes: 16 * 1024,
  maxInboundStreams: 16,
  maxOutboundStreams: 16,
  ratePerSecond: 100,
  burst: 100,
  timeoutMs: 5_000
}

async function createPeer (): Promise<Libp2p> {
  return createLibp2p({
    addresses: { listen: ['/ip4/127.0.0.1/tcp/0'] },
    transports: [tcp()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()]
  })
}

/**
 * handleRequests takes the internal Registrar; a libp2p node exposes the same
 * `handle`/`unhandle` (for one protocol) on its public API, which is all
 * handleRequests uses.
 */
function registrarOf (node: Libp2p): Registrar {
  const registrar: Pick<Registrar, 'handle' | 'unhandle'> = {
    handle: async (protocol, handler, options) => { await node.handle(protocol, handler, options) },
    unhandle: async (protocol, options) => { await node.unhandle(protocol, options) }
  }
  return registrar as Registrar
}

let protocolCounter = 0
function freshProtocol (name: string): string {
  return `/p2pcloud/test-${name}-${++protocolCounter}/1.0.0`
}

function responderFor (protocol: string, respond: (request: Req, context: RequestContext) => Promise<Res>, limits: Partial<ProtocolLimits> = {}): Responder<Req, Res> {
  return {
    protocol,
    request: capacityMessages.CapacityRequest,
    response: capacityMessages.CapacityResponse,
    limits: { ...LIMITS, ...limits },
    respond,
    errorResponse: (error) => ({ error, advertEnvelope: new Uint8Array() })
  }
}

function callerSide (protocol: string, limits: Partial<ProtocolLimits> = {}): Pick<Responder<Req, Res>, 'protocol' | 'request' | 'response' | 'limits'> {
  return { protocol, request: capacityMessages.CapacityRequest, response: capacityMessages.CapacityResponse, limits: { ...LIMITS, ...limits } }
}

function bytes (length: number, fill = 7): Uint8Array<ArrayBuffer> {
  return new Uint8Array(length).fill(fill)
}

function assertBytes (actual: Uint8Array | undefined, expected: Uint8Array): void {
  assert.ok(actual != null)
  assert.deepEqual(Uint8Array.from(actual), Uint8Array.from(expected))
}

/** A codec that sends the given bytes as they are, to play a misbehaving initiator. */
function rawCodec (payload: Uint8Array): MessageCodec<Record<string, never>> {
  return { encode: () => payload, decode: () => ({}) }
}

function isNoAnswer (peer: PeerId, protocol: string, reason?: RegExp): (err: unknown) => boolean {
  return (err: unknown) => {
    assert.ok(err instanceof NoAnswerError, `expected a NoAnswerError, got ${String(err)}`)
    assert.equal(err.name, 'NoAnswerError')
    assert.equal(err.peer, peer.toString())
    assert.equal(err.protocol, protocol)
    assert.ok(err.message.includes(peer.toString()), err.message)
    assert.ok(err.message.includes(protocol), err.message)
    if (reason != null) assert.match(err.message, reason)
    return true
  }
}

function isRemote (code: string, message?: string | RegExp): (err: unknown) => boolean {
  return (err: unknown) => {
    assert.ok(err instanceof RemoteError, `expected a RemoteError, got ${String(err)}`)
    assert.equal(err.name, 'RemoteError')
    assert.equal(err.code, code)
    if (typeof message === 'string') assert.equal(err.remoteMessage, message)
    else if (message != null) assert.match(err.remoteMessage, message)
    return true
  }
}

describe('request/response over real libp2p streams', () => {
  let server: Libp2p
  let client: Libp2p
  let other: Libp2p
  /** Releases responders that were told to hang, so no timer outlives the tests. */
  const gates: Array<() => void> = []

  function hang (): Promise<void> {
    return new Promise<void>(resolve => { gates.push(resolve) })
  }

  before(async () => {
    [server, client, other] = await Promise.all([createPeer(), createPeer(), createPeer()])
    await client.dial(server.getMultiaddrs())
    await other.dial(server.getMultiaddrs())
  })

  after(async () => {
    for (const release of gates) release()
    await Promise.all([server, client, other].map(async node => node?.stop()))
  })

  it('a normal call returns the response, and the responder sees the caller as the remote peer', async () => {
    const protocol = freshProtocol('ok')
    const seen: string[] = []
    await handleRequests(registrarOf(server), responderFor(protocol, async (_request, context) => {
      seen.push(context.remotePeer.toString())
      assert.ok(context.connection.remotePeer.equals(context.remotePeer))
      return { advertEnvelope: bytes(1000) }
    }))
    const response = await request(client, server.peerId, callerSide(protocol), {})
    assert.equal(response.error, undefined)
    assertBytes(response.advertEnvelope, bytes(1000))
    assert.deepEqual(seen, [client.peerId.toString()])
    // one stream per call: a second call works the same
    const again = await request(client, server.peerId, callerSide(protocol), {})
    assertBytes(again.advertEnvelope, bytes(1000))
  })

  it('an answer that comes before the caller\'s close is done does not reset the stream: the request was sent whole', async () => {
    const protocol = freshProtocol('slow-close')
    await handleRequests(registrarOf(server), responderFor(protocol, async () => ({ advertEnvelope: bytes(10) })))
    let stream: Stream | undefined
    let closed: Promise<void> | undefined
    // a caller whose close is slow (its FIN waits behind other traffic): it ends only after the answer is in
    const slowClosing = {
      dialProtocol: async (...args: Parameters<Libp2p['dialProtocol']>) => {
        const opened = await client.dialProtocol(...args)
        const answered = new Promise(resolve => { opened.addEventListener('message', resolve, { once: true }) })
        const close = opened.close.bind(opened)
        opened.close = async options => {
          closed = answered.then(async () => { await new Promise(resolve => setTimeout(resolve, 50)) }).then(async () => { await close(options) })
          await closed
        }
        stream = opened
        return opened
      }
    }
    const response = await request(slowClosing, server.peerId, callerSide(protocol), {})
    assertBytes(response.advertEnvelope, bytes(10))
    await closed
    assert.equal(stream?.status, 'closed')
  })

  it('a connection found closing under the call (libp2p\'s ConnectionClosedError) is tried once more on a new connection', async () => {
    const protocol = freshProtocol('stale')
    await handleRequests(registrarOf(server), responderFor(protocol, async () => ({ advertEnvelope: bytes(10) })))
    const forced: boolean[] = []
    // what libp2p's connection.newStream throws when the muxer closed before the connection manager dropped it
    const staleFirst = {
      dialProtocol: async (...[peer, protocols, options]: Parameters<Libp2p['dialProtocol']>) => {
        forced.push((options as { force?: boolean } | undefined)?.force === true)
        if (forced.length === 1) throw Object.assign(new Error('The connection muxer is "closed" and not "open"'), { name: 'ConnectionClosedError' })
        return client.dialProtocol(peer, protocols, options)
      }
    }
    const before = client.getConnections(server.peerId).length
    const response = await request(staleFirst, server.peerId, callerSide(protocol), {})
    assertBytes(response.advertEnvelope, bytes(10))
    assert.deepEqual(forced, [false, true])
    assert.equal(client.getConnections(server.peerId).length, before + 1, 'a new connection')
    // any other failure is no answer at once
    const failing = { dialProtocol: async () => { throw new Error('refused') } }
    await assert.rejects(request(failing, server.peerId, callerSide(protocol), {}), { name: 'NoAnswerError' })
  })

  it('a call can be addressed by multiaddrs', async () => {
    const protocol = freshProtocol('addr')
    await handleRequests(registrarOf(server), responderFor(protocol, async () => ({ advertEnvelope: bytes(3) })))
    const response = await request(client, server.getMultiaddrs(), callerSide(protocol), {})
    assertBytes(response.advertEnvelope, bytes(3))
  })

  it('a ProtocolError from the responder arrives as a RemoteError with its code and message', async () => {
    const protocol = freshProtocol('notfound')
    await handleRequests(registrarOf(server), responderFor(protocol, async () => {
      throw new ProtocolError('NOT_FOUND', 'no such deployment: web-1')
    }))
    await assert.rejects(request(client, server.peerId, callerSide(protocol), {}), (err: unknown) => {
      isRemote('NOT_FOUND', 'no such deployment: web-1')(err)
      const remote = err as RemoteError
      assert.equal(remote.peer, server.peerId.toString())
      assert.equal(remote.protocol, protocol)
      assert.equal(remote.retryAfterMs, 0)
      assert.equal(remote.message, `${server.peerId.toString()} on ${protocol}: NOT_FOUND: no such deployment: web-1`)
      return true
    })
  })

  it('a ProtocolError with retryAfterMs carries it to the caller', async () => {
    const protocol = freshProtocol('unavailable')
    await handleRequests(registrarOf(server), responderFor(protocol, async () => {
      throw new ProtocolError(ErrorCodes.UNAVAILABLE, 'starting up', 1234.2)
    }))
    await assert.rejects(request(client, server.peerId, callerSide(protocol), {}), (err: unknown) => {
      isRemote('UNAVAILABLE', 'starting up')(err)
      assert.equal((err as RemoteError).retryAfterMs, 1235)
      return true
    })
  })

  it('any other responder failure arrives as INTERNAL with its message, cleaned and bounded', async () => {
    const protocol = freshProtocol('internal')
    await handleRequests(registrarOf(server), responderFor(protocol, async () => {
      throw new Error('disk\u001b[2J full\n' + 'z'.repeat(3000))
    }))
    await assert.rejects(request(client, server.peerId, callerSide(protocol), {}), (err: unknown) => {
      isRemote('INTERNAL', /^disk \[2J full z+\.\.\.$/)(err)
      assert.ok(new TextEncoder().encode((err as RemoteError).remoteMessage).byteLength <= MAX_ERROR_MESSAGE_BYTES)
      return true
    })
  })

  it('more than `burst` quick calls from one peer get RATE_LIMITED with retryAfterMs > 0; another peer is not affected', async () => {
    const protocol = freshProtocol('rate')
    const burst = 3
    let served = 0
    // refill of 0.1/s: the bucket cannot refill during the test
    await handleRequests(registrarOf(server), responderFor(protocol, async () => {
      served++
      return { advertEnvelope: bytes(1) }
    }, { burst, ratePerSecond: 0.1 }))
    for (let i = 0; i < burst; i++) {
      await request(client, server.peerId, callerSide(protocol), {})
    }
    for (let i = 0; i < 2; i++) {
      await assert.rejects(request(client, server.peerId, callerSide(protocol), {}), (err: unknown) => {
        isRemote('RATE_LIMITED', /too many requests; retry in \d+ ms/)(err)
        const { retryAfterMs } = err as RemoteError
        assert.ok(retryAfterMs > 0, `retryAfterMs ${retryAfterMs}`)
        assert.ok(retryAfterMs <= 30_000, `retryAfterMs ${retryAfterMs}`)
        return true
      })
    }
    assert.equal(served, burst)
    // the bucket is per remote peer
    const response = await request(other, server.peerId, callerSide(protocol), {})
    assertBytes(response.advertEnvelope, bytes(1))
    assert.equal(served, burst + 1)
  })

  it('concurrent calls over the burst: exactly `burst` are served, the rest are RATE_LIMITED', async () => {
    const protocol = freshProtocol('rate-concurrent')
    const burst = 4
    let served = 0
    await handleRequests(registrarOf(server), responderFor(protocol, async () => {
      served++
      return { advertEnvelope: bytes(1) }
    }, { burst, ratePerSecond: 0.1 }))
    const results = await Promise.allSettled(Array.from({ length: 10 }, async () => request(client, server.peerId, callerSide(protocol), {})))
    const ok = results.filter(r => r.status === 'fulfilled')
    const limited = results.filter(r => r.status === 'rejected' && r.reason instanceof RemoteError && r.reason.code === 'RATE_LIMITED')
    assert.equal(ok.length, burst)
    assert.equal(limited.length, 10 - burst)
    assert.equal(served, burst)
  })

  it('a response frame over maxResponseBytes: the caller resets and gets NoAnswerError, never a hang', async () => {
    const protocol = freshProtocol('big-response')
    await handleRequests(registrarOf(server), responderFor(protocol, async () => ({ advertEnvelope: bytes(4096) })))
    await assert.rejects(
      request(client, server.peerId, callerSide(protocol, { maxResponseBytes: 1024 }), {}),
      isNoAnswer(server.peerId, protocol, /too long/)
    )
    // the same response within the caller's limit is fine (4096 bytes + 3 bytes of field header)
    const response = await request(client, server.peerId, callerSide(protocol, { maxResponseBytes: 4099 }), {})
    assert.equal(response.advertEnvelope.byteLength, 4096)
    await assert.rejects(
      request(client, server.peerId, callerSide(protocol, { maxResponseBytes: 4098 }), {}),
      isNoAnswer(server.peerId, protocol)
    )
  })

  it('a request frame over maxRequestBytes: the responder resets without calling respond; the caller gets NoAnswerError', async () => {
    const protocol = freshProtocol('big-request')
    let called = 0
    await handleRequests(registrarOf(server), responderFor(protocol, async () => {
      called++
      return { advertEnvelope: bytes(1) }
    }, { maxRequestBytes: 64 }))
    await assert.rejects(
      request(client, server.peerId, { ...callerSide(protocol), request: rawCodec(bytes(65, 0)) }, {}),
      isNoAnswer(server.peerId, protocol)
    )
    // 64 bytes of a valid (if unknown-field) message is within the limit
    const unknownField = new Uint8Array([0x12, 62, ...bytes(62, 1)]) // field 2, length-delimited, 62 bytes
    const response = await request(client, server.peerId, { ...callerSide(protocol), request: rawCodec(unknownField) }, {})
    assertBytes(response.advertEnvelope, bytes(1))
    assert.equal(called, 1)
  })

  it('an undecodable request: the responder resets; the caller gets NoAnswerError', async () => {
    const protocol = freshProtocol('garbage')
    let called = 0
    await handleRequests(registrarOf(server), responderFor(protocol, async () => {
      called++
      return { advertEnvelope: bytes(1) }
    }))
    await assert.rejects(
      request(client, server.peerId, { ...callerSide(protocol), request: rawCodec(new Uint8Array([0x0f, 0x0f, 0x0f])) }, {}),
      isNoAnswer(server.peerId, protocol)
    )
    assert.equal(called, 0)
  })

  it('a responder slower than its timeoutMs: the caller gets UNAVAILABLE (or NoAnswerError) in bounded time', async () => {
    const protocol = freshProtocol('slow')
    await handleRequests(registrarOf(server), responderFor(protocol, async () => {
      await hang()
      return { advertEnvelope: bytes(1) }
    }, { timeoutMs: 300 }))
    const started = Date.now()
    await assert.rejects(request(client, server.peerId, callerSide(protocol, { timeoutMs: 300 }), {}), (err: unknown) => {
      if (err instanceof RemoteError) {
        assert.equal(err.code, 'UNAVAILABLE')
        assert.match(err.remoteMessage, /too long/)
      } else {
        isNoAnswer(server.peerId, protocol)(err)
      }
      return true
    })
    // generous: a hang would be stopped only by the test runner's 180 s timeout
    assert.ok(Date.now() - started < 10_000, `took ${Date.now() - started} ms`)
  })

  it('a caller whose own timeout ends first gets NoAnswerError, not a silent wait', async () => {
    const protocol = freshProtocol('slower')
    await handleRequests(registrarOf(server), responderFor(protocol, async () => {
      await hang()
      return { advertEnvelope: bytes(1) }
    }, { timeoutMs: 60_000 }))
    const started = Date.now()
    await assert.rejects(request(client, server.peerId, callerSide(protocol, { timeoutMs: 100 }), {}), isNoAnswer(server.peerId, protocol))
    assert.ok(Date.now() - started < 10_000, `took ${Date.now() - started} ms`)
  })

  it('an abort signal given by the caller ends the call with NoAnswerError', async () => {
    const protocol = freshProtocol('abort')
    await handleRequests(registrarOf(server), responderFor(protocol, async () => {
      await hang()
      return { advertEnvelope: bytes(1) }
    }, { timeoutMs: 60_000 }))
    const controller = new AbortController()
    const call = request(client, server.peerId, callerSide(protocol, { timeoutMs: 60_000 }), {}, { signal: controller.signal })
    setTimeout(() => { controller.abort() }, 50)
    await assert.rejects(call, isNoAnswer(server.peerId, protocol))
  })

  it('a responder that closes without answering gives NoAnswerError (EOF)', async () => {
    const protocol = freshProtocol('eof')
    await server.handle(protocol, async (stream) => {
      await stream.close()
    })
    await assert.rejects(request(client, server.peerId, callerSide(protocol), {}), isNoAnswer(server.peerId, protocol, /EOF/i))
  })

  it('a responder that resets the stream gives NoAnswerError', async () => {
    const protocol = freshProtocol('reset')
    await server.handle(protocol, async (stream) => {
      stream.abort(new Error('go away'))
    })
    await assert.rejects(request(client, server.peerId, callerSide(protocol), {}), isNoAnswer(server.peerId, protocol))
  })

  /** A hand-written responder (another implementation, or a hostile one) that answers with this error. */
  async function answerWithError (protocol: string, error: capacityMessages.Error): Promise<void> {
    await server.handle(protocol, async (stream: Stream) => {
      const pb = pbStream(stream)
      await pb.read(capacityMessages.CapacityRequest)
      await pb.write({ error, advertEnvelope: new Uint8Array() }, capacityMessages.CapacityResponse)
      await stream.close()
    })
  }

  it('an error code the caller does not know still fails the call, with the remote message as is', async () => {
    const protocol = freshProtocol('unknown-code')
    await answerWithError(protocol, { code: 'NO_CAPACITY', message: 'only 2 of 4 cores free', retryAfterMs: 0 })
    await assert.rejects(request(client, server.peerId, callerSide(protocol), {}), isRemote('NO_CAPACITY', 'only 2 of 4 cores free'))
  })

  it('control characters sent by a hostile responder never reach the caller\'s error (README §6.1: the client escapes them)', async () => {
    const protocol = freshProtocol('hostile')
    await answerWithError(protocol, { code: 'NO_CAPACITY\u001b[2J', message: '\u001b]0;pwned\u0007\u001b[2Jonly 2 free\r\n' + 'x'.repeat(1100), retryAfterMs: 0 })
    await assert.rejects(request(client, server.peerId, callerSide(protocol), {}), (err: unknown) => {
      assert.ok(err instanceof RemoteError, String(err))
      // eslint-disable-next-line no-control-regex
      const control = /[\u0000-\u001f\u007f]/
      assert.doesNotMatch(err.message, control)
      assert.doesNotMatch(err.remoteMessage, control)
      assert.doesNotMatch(err.code, control)
      assert.ok(new TextEncoder().encode(err.remoteMessage).byteLength <= MAX_ERROR_MESSAGE_BYTES)
      return true
    })
  })

  it('dialing a peer that does not speak the protocol gives NoAnswerError naming the protocol', async () => {
    const protocol = freshProtocol('unknown')
    await assert.rejects(request(client, server.peerId, callerSide(protocol), {}), isNoAnswer(server.peerId, protocol))
  })

  it('a peer that cannot be reached gives NoAnswerError naming the address and the protocol', async () => {
    const protocol = freshProtocol('unreachable')
    const gone = await createPeer()
    const addrs = gone.getMultiaddrs()
    await gone.stop()
    await assert.rejects(request(client, addrs, callerSide(protocol, { timeoutMs: 2_000 }), {}), (err: unknown) => {
      assert.ok(err instanceof NoAnswerError, String(err))
      assert.equal(err.protocol, protocol)
      assert.equal(err.peer, addrs.map(String).join(','))
      return true
    })
  })
})
