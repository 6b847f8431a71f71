import { randomBytes } from 'node:crypto'
import { once } from 'node:events'
import { connect, createServer, type Socket } from 'node:net'
import type { P2PCloudLibp2p } from '@p2pcloud/node'
import { startLoopbackPeer, stopAll } from '../loopback-peers.js'
import { closeServer, listenOnLoopback } from './loopback-tcp.js'
import type { Benchmark, Measurement } from './results.js'
import { median, percentile } from './stats.js'

const ITERATIONS = 30
/** Untimed rounds first, so that JIT compilation and lazy setup are not in the figures. */
const WARM_UP_ITERATIONS = 5
/** The payload libp2p's ping sends, so that both sides echo the same bytes. */
const PING_BYTES = 32
const ECHO_PROTOCOL = '/p2pcloud-bench/echo/1.0.0'

/**
 * Without these, the dialer tags whoever it met as keep-alive and libp2p keeps
 * redialling targets we already stopped, and discovered peers get dialled:
 * background work that would leak into the timings.
 */
const NO_AUTOMATIC_DIALS = { connections: { keepAlivePeers: 0, minConnections: 0 } }

/**
 * Dial a peer we have never met, then ping over the new connection: TCP
 * connect, Noise, Yamux, multistream-select, one echo. Every round gets a new
 * target because a libp2p peer refuses more than 5 inbound connections per
 * second from one host (`inboundConnectionThreshold`), which a loop of
 * loopback dials exceeds.
 */
async function libp2pFirstRoundTrip (dialer: P2PCloudLibp2p): Promise<number> {
  const target = await startLoopbackPeer(NO_AUTOMATIC_DIALS)
  try {
    const start = performance.now()
    await dialer.services.ping.ping(target.getMultiaddrs())
    const elapsed = performance.now() - start
    await dialer.hangUp(target.peerId)
    return elapsed
  } finally {
    await target.stop()
  }
}

/** Echoes every byte back; used for round trips on an established stream. */
async function handleEcho (target: P2PCloudLibp2p): Promise<void> {
  await target.handle(ECHO_PROTOCOL, async (stream) => {
    for await (const chunk of stream) {
      if (!stream.send(chunk)) await stream.onDrain()
    }
    await stream.close()
  }, { maxInboundStreams: 1 })
}

/**
 * Round trips on one open stream, the libp2p counterpart of an echo on an open
 * socket. (Back-to-back `ping()` calls would not do: each opens a new stream and
 * returns before the last one has closed, so the next trips ping's limit of one
 * outbound stream.)
 */
async function libp2pWarmRoundTrips (dialer: P2PCloudLibp2p, target: P2PCloudLibp2p): Promise<number[]> {
  await handleEcho(target)
  const stream = await dialer.dialProtocol(target.getMultiaddrs(), ECHO_PROTOCOL)
  const replies = stream[Symbol.asyncIterator]()
  const samples = await sample(ITERATIONS, async () => {
    const start = performance.now()
    stream.send(randomBytes(PING_BYTES))
    for (let received = 0; received < PING_BYTES;) {
      const reply = await replies.next()
      if (reply.done === true) throw new Error(`echo stream ended after ${received} of ${PING_BYTES} bytes`)
      received += reply.value.byteLength
    }
    return performance.now() - start
  })
  await stream.close()
  return samples
}

/** Send PING_BYTES and wait until they have all come back. */
async function echo (socket: Socket): Promise<void> {
  const done = new Promise<void>((resolve, reject) => {
    let received = 0
    const onData = (chunk: Buffer): void => {
      received += chunk.byteLength
      if (received < PING_BYTES) return
      socket.off('data', onData).off('close', onClose)
      resolve()
    }
    const onClose = (): void => { reject(new Error(`echo server closed after ${received} of ${PING_BYTES} bytes`)) }
    socket.on('data', onData).on('close', onClose)
  })
  socket.write(randomBytes(PING_BYTES))
  await done
}

async function tcpConnect (port: number): Promise<Socket> {
  const socket = connect({ port, host: '127.0.0.1', noDelay: true })
  await once(socket, 'connect')
  return socket
}

async function tcpDisconnect (socket: Socket): Promise<void> {
  const closed = once(socket, 'close')
  socket.end()
  await closed
}

async function tcpFirstRoundTrip (port: number): Promise<number> {
  const start = performance.now()
  const socket = await tcpConnect(port)
  await echo(socket)
  const elapsed = performance.now() - start
  await tcpDisconnect(socket)
  return elapsed
}

async function tcpWarmRoundTrip (socket: Socket): Promise<number> {
  const start = performance.now()
  await echo(socket)
  return performance.now() - start
}

async function sample (count: number, measure: () => Promise<number>): Promise<number[]> {
  for (let i = 0; i < WARM_UP_ITERATIONS; i++) await measure()
  const samples: number[] = []
  for (let i = 0; i < count; i++) samples.push(await measure())
  return samples
}

/**
 * Time from dialling a peer to the first completed round trip on the new
 * connection, against a plain TCP connect plus one echo: the difference is
 * libp2p's connection setup (Noise handshake, Yamux, protocol negotiation).
 * Warm round trips on an open connection go in `extra`.
 */
async function run (): Promise<Measurement> {
  const peers = await Promise.all([startLoopbackPeer(NO_AUTOMATIC_DIALS), startLoopbackPeer(NO_AUTOMATIC_DIALS)])
  const [dialer, target] = peers
  const server = createServer({ noDelay: true }, socket => { socket.pipe(socket) })
  try {
    const port = await listenOnLoopback(server)
    const libp2pCold = await sample(ITERATIONS, async () => libp2pFirstRoundTrip(dialer))
    const tcpCold = await sample(ITERATIONS, async () => tcpFirstRoundTrip(port))

    const libp2pWarm = await libp2pWarmRoundTrips(dialer, target)
    const socket = await tcpConnect(port)
    const tcpWarm = await sample(ITERATIONS, async () => tcpWarmRoundTrip(socket))
    await tcpDisconnect(socket)

    return {
      metric: 'dial + first round trip on a new connection, median',
      value: median(libp2pCold),
      unit: 'ms',
      baseline: 'node:net TCP connect + first 32-byte echo on 127.0.0.1',
      baselineValue: median(tcpCold),
      extra: {
        iterations: ITERATIONS,
        libp2pP99Ms: percentile(libp2pCold, 99),
        tcpP99Ms: percentile(tcpCold, 99),
        libp2pWarmEchoP50Ms: median(libp2pWarm),
        libp2pWarmEchoP99Ms: percentile(libp2pWarm, 99),
        tcpWarmEchoP50Ms: median(tcpWarm),
        tcpWarmEchoP99Ms: percentile(tcpWarm, 99)
      }
    }
  } finally {
    await closeServer(server)
    await stopAll(peers)
  }
}

export const dialLatency: Benchmark = { name: 'dial-latency', run }
