import type { Stream } from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'
import { varintBytes } from '@p2pcloud/wire'
import type { Libp2p } from 'libp2p'

/**
 * How a hostile caller sends one frame: `whole` (its length prefix and bytes, then a close),
 * `truncated` (a prefix announcing more than follows, then a close), `oversized` (a prefix of
 * 64 MiB and 1 MiB of it), `slow` (the prefix, then a byte every 100 ms, never finished).
 */
export type HostileShape = 'whole' | 'truncated' | 'oversized' | 'slow'
export const HOSTILE_SHAPES: readonly HostileShape[] = ['whole', 'truncated', 'oversized', 'slow']

/** How the peer met it: bytes came back, the stream ended or was reset, or nothing within the wait. */
export type HostileOutcome = 'answered' | 'closed' | 'reset' | 'refused' | 'silent'

const OVERSIZED_ANNOUNCED = 64 * 2 ** 20
const OVERSIZED_SENT = 2 ** 20
const SLOW_BYTES = 20
const SLOW_EVERY_MS = 100

async function write (stream: Stream, bytes: Uint8Array, signal: AbortSignal): Promise<void> {
  if (!stream.send(bytes)) await stream.onDrain({ signal })
}

/** The bytes of `shape` for `payload`, sent on `stream`. */
async function sendShape (stream: Stream, shape: HostileShape, payload: Uint8Array, signal: AbortSignal): Promise<void> {
  if (shape === 'whole') {
    await write(stream, Buffer.concat([varintBytes(payload.byteLength), payload]), signal)
    await stream.close({ signal })
  } else if (shape === 'truncated') {
    await write(stream, Buffer.concat([varintBytes(payload.byteLength + 1 + (payload[0] ?? 0)), payload]), signal)
    await stream.close({ signal })
  } else if (shape === 'oversized') {
    await write(stream, varintBytes(OVERSIZED_ANNOUNCED), signal)
    const chunk = new Uint8Array(64 * 1024).fill(payload[0] ?? 0)
    for (let sent = 0; sent < OVERSIZED_SENT && stream.status === 'open'; sent += chunk.byteLength) await write(stream, chunk, signal)
  } else {
    await write(stream, varintBytes(payload.byteLength + SLOW_BYTES), signal)
    for (let i = 0; i < SLOW_BYTES && stream.status === 'open'; i++) {
      await new Promise(resolve => setTimeout(resolve, SLOW_EVERY_MS))
      await write(stream, Uint8Array.of(payload[i] ?? i), signal)
    }
  }
}

/**
 * Open `protocol` on `peer` and send `payload` in `shape`, reading whatever comes back until the
 * stream ends or `waitMs` passes (then it is reset from this side): how the peer met it.
 */
export async function sendHostileFrame (node: Libp2p, peer: Multiaddr, protocol: string, shape: HostileShape, payload: Uint8Array, waitMs = 5000): Promise<HostileOutcome> {
  const signal = AbortSignal.timeout(waitMs)
  let stream: Stream
  try {
    stream = await node.dialProtocol(peer, protocol, { signal })
  } catch {
    return 'refused'
  }
  let answered = false
  const ended = new Promise<HostileOutcome>(resolve => {
    stream.addEventListener('message', () => { answered = true })
    stream.addEventListener('close', event => { resolve(answered ? 'answered' : (event as any).error != null ? 'reset' : 'closed') }, { once: true })
    signal.addEventListener('abort', () => { resolve(answered ? 'answered' : 'silent') }, { once: true })
  })
  await sendShape(stream, shape, payload, signal).catch(() => {})
  const outcome = await ended
  if (stream.status === 'open') stream.abort(new Error('the hostile caller is done'))
  return outcome
}
