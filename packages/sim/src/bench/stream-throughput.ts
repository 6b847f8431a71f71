import { once } from 'node:events'
import { connect, createServer, type Server } from 'node:net'
import type { Multiaddr } from '@multiformats/multiaddr'
import type { P2PCloudLibp2p } from '@p2pcloud/node'
import { startLoopbackPeer, stopAll } from '../loopback-peers.js'
import { closeServer, listenOnLoopback } from './loopback-tcp.js'
import type { Benchmark, Measurement } from './results.js'
import { median } from './stats.js'

const PROTOCOL = '/p2pcloud-bench/throughput/1.0.0'
const MiB = 1024 * 1024
const TOTAL_BYTES = 256 * MiB
const WARM_UP_BYTES = 32 * MiB
const RUNS = 5
/** Yamux's largest frame payload: bigger writes would only be split again; transfers are whole multiples of it. */
export const CHUNK = new Uint8Array(64 * 1024)

/** The receiver answers a finished transfer with the byte count it saw, so the sender stops the clock only once everything arrived. */
function encodeCount (count: number): Uint8Array {
  const bytes = new Uint8Array(8)
  new DataView(bytes.buffer).setBigUint64(0, BigInt(count))
  return bytes
}

function decodeCount (bytes: Uint8Array): number {
  if (bytes.byteLength !== 8) throw new Error(`expected an 8-byte count, got ${bytes.byteLength} bytes`)
  return Number(new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0))
}

function checkCount (transport: string, expected: number, received: number): void {
  if (received !== expected) throw new Error(`${transport}: receiver counted ${received} bytes, ${expected} were sent`)
}

/** Seconds-to-MB/s, in decimal megabytes as the README quotes them. */
export function megabytesPerSecond (bytes: number, milliseconds: number): number {
  return bytes / 1e6 / (milliseconds / 1000)
}

export async function handleTransfers (receiver: P2PCloudLibp2p): Promise<void> {
  await receiver.handle(PROTOCOL, async (stream) => {
    let received = 0
    for await (const chunk of stream) received += chunk.byteLength
    stream.send(encodeCount(received))
    await stream.close()
  }, { maxInboundStreams: 1 })
}

/** Sends `bytes` on one stream to the peer at `receiver` (which handles transfers); resolves with the ms until it counted them all. */
export async function libp2pTransfer (sender: P2PCloudLibp2p, receiver: Multiaddr[], bytes: number): Promise<number> {
  const stream = await sender.dialProtocol(receiver, PROTOCOL)
  const start = performance.now()
  for (let sent = 0; sent < bytes; sent += CHUNK.byteLength) {
    if (!stream.send(CHUNK)) await stream.onDrain()
  }
  await stream.close()
  const reply: Uint8Array[] = []
  for await (const chunk of stream) reply.push(chunk.subarray())
  const elapsed = performance.now() - start
  checkCount('libp2p', bytes, decodeCount(Buffer.concat(reply)))
  return elapsed
}

function countingServer (): Server {
  return createServer(socket => {
    let received = 0
    socket.on('data', (chunk: Buffer) => { received += chunk.byteLength })
    socket.on('end', () => { socket.end(encodeCount(received)) })
  })
}

async function tcpTransfer (port: number, bytes: number): Promise<number> {
  const socket = connect(port, '127.0.0.1')
  await once(socket, 'connect')
  const reply: Buffer[] = []
  socket.on('data', (chunk: Buffer) => reply.push(chunk))
  const closed = once(socket, 'close')
  const start = performance.now()
  for (let sent = 0; sent < bytes; sent += CHUNK.byteLength) {
    if (!socket.write(CHUNK)) await once(socket, 'drain')
  }
  socket.end()
  await closed
  const elapsed = performance.now() - start
  checkCount('tcp', bytes, decodeCount(Buffer.concat(reply)))
  return elapsed
}

/**
 * Bulk throughput of one libp2p stream (TCP + Noise + Yamux) between two
 * peers in this process, against a plain TCP socket pair moving the same bytes.
 * Runs alternate between the two so that drift in the machine hits both alike.
 */
async function run (): Promise<Measurement> {
  const peers = await Promise.all([startLoopbackPeer(), startLoopbackPeer()])
  const [sender, receiver] = peers
  const server = countingServer()
  try {
    await handleTransfers(receiver)
    const port = await listenOnLoopback(server)
    await libp2pTransfer(sender, receiver.getMultiaddrs(), WARM_UP_BYTES)
    await tcpTransfer(port, WARM_UP_BYTES)
    const libp2pRates: number[] = []
    const tcpRates: number[] = []
    for (let i = 0; i < RUNS; i++) {
      libp2pRates.push(megabytesPerSecond(TOTAL_BYTES, await libp2pTransfer(sender, receiver.getMultiaddrs(), TOTAL_BYTES)))
      tcpRates.push(megabytesPerSecond(TOTAL_BYTES, await tcpTransfer(port, TOTAL_BYTES)))
    }
    return {
      metric: 'bulk throughput of one stream, median of runs',
      value: median(libp2pRates),
      unit: 'MB/s',
      baseline: 'node:net TCP socket pair on 127.0.0.1',
      baselineValue: median(tcpRates),
      extra: {
        bytesPerRun: TOTAL_BYTES,
        runs: RUNS,
        libp2pMinMBps: Math.min(...libp2pRates),
        libp2pMaxMBps: Math.max(...libp2pRates),
        tcpMinMBps: Math.min(...tcpRates),
        tcpMaxMBps: Math.max(...tcpRates)
      }
    }
  } finally {
    await closeServer(server)
    await stopAll(peers)
  }
}

export const streamThroughput: Benchmark = { name: 'stream-throughput', run }
