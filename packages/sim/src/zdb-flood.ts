import { readFile, writeFile } from 'node:fs/promises'
import { noise } from '@chainsafe/libp2p-noise'
import { tcp } from '@libp2p/tcp'
import { pbStream } from '@libp2p/utils'
import { yamux } from '@libp2p/yamux'
import type { PrivateKey } from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'
import { ZDB_LIMITS, ZDB_PROTOCOL, contractIdToBytes, varintBytes, zdbMessages } from '@p2pcloud/wire'
import { createLibp2p, type Libp2p } from 'libp2p'

/** The namespace the hostile peers write to, which none of them may use. */
export interface ZdbTarget {
  contractId: string
  namespace: string
}

export interface ZdbFloodOptions {
  /** Peer identities, each on a connection of its own. */
  identities: number
  /** Streams each identity keeps open at once (the farmer allows 16 per connection). */
  streams: number
  /** Requests each stream slot sends, one after the other. */
  rounds: number
  valueBytes: number
  /** false: send only each SET's head, as if the value were still to come. */
  sendValue?: boolean
}

/** How the farmer answered each request: its error code, `OK`, or `NO_ANSWER` (reset, EOF, timeout). */
export type ZdbFloodAnswers = Record<string, number>

/** A bare peer (TCP + Noise + Yamux only), under `privateKey` when given: a second connection of that identity. */
export async function barePeer (privateKey?: PrivateKey): Promise<Libp2p> {
  return createLibp2p({ privateKey, transports: [tcp()], connectionEncrypters: [noise()], streamMuxers: [yamux()] })
}

/** Field 5 (value), length-delimited: the tag byte of a ZdbRequest's value. */
const VALUE_TAG = 0x2a

/**
 * A zdb SET's frame up to its value: the frame length, the fields before the value and the
 * value's tag and length, as any protobuf encoder writes them (fields in number order). The
 * value's bytes follow; sending them from one shared buffer lets one process play many peers.
 */
export function zdbSetHead (target: ZdbTarget, valueBytes: number): Uint8Array {
  const fields = zdbMessages.ZdbRequest.encode({ contractId: contractIdToBytes(target.contractId), namespace: target.namespace, op: zdbMessages.Op.SET, key: new TextEncoder().encode('k'), value: new Uint8Array(0), limit: 0 })
  const valueLength = varintBytes(valueBytes)
  const parts = [varintBytes(fields.byteLength + 1 + valueLength.byteLength + valueBytes), fields, Uint8Array.of(VALUE_TAG), valueLength]
  return Buffer.concat(parts)
}

/** One SET on a stream of its own: the head, then `value` unless it is undefined; the farmer's answer. */
export async function sendZdbSet (node: Libp2p, farmer: Multiaddr, head: Uint8Array, value: Uint8Array | undefined, timeoutMs = ZDB_LIMITS.timeoutMs * 3): Promise<string> {
  const signal = AbortSignal.timeout(timeoutMs)
  try {
    const stream = await node.dialProtocol(farmer, ZDB_PROTOCOL, { signal })
    const pb = pbStream(stream, { maxDataLength: ZDB_LIMITS.maxResponseBytes })
    // the response is read while the value is still being written, as a farmer may answer early
    const answer = pb.read(zdbMessages.ZdbResponse, { signal })
    answer.catch(() => {})
    // raw bytes on the stream itself (pb only reads); a refusal may reset the stream mid-value
    let sent = false
    const writing = (async () => {
      if (!stream.send(head)) await stream.onDrain({ signal })
      if (value == null) return
      if (!stream.send(value)) await stream.onDrain({ signal })
      await stream.close({ signal })
      sent = true
    })()
    writing.catch(() => {})
    const response = await answer
    // answered before the value was sent whole, as wire's request() does: stop sending it
    if (!sent) stream.abort(new Error('answered before the request was sent whole'))
    // the stream counts against the farmer's 16 per connection until both ends are closed
    if (stream.status === 'open') await new Promise(resolve => { stream.addEventListener('close', resolve, { once: true }) })
    return response.error?.code ?? 'OK'
  } catch {
    return 'NO_ANSWER'
  }
}

/**
 * `identities` fresh peers (TCP + Noise + Yamux only) connect to `farmer`; each keeps `streams`
 * SETs of `valueBytes` to `target` in flight, `rounds` times over. Resolves with the count of
 * each answer once every request is answered or given up.
 */
export async function floodZdb (farmer: Multiaddr, target: ZdbTarget, options: ZdbFloodOptions): Promise<ZdbFloodAnswers> {
  const head = zdbSetHead(target, options.valueBytes)
  const value = new Uint8Array(options.valueBytes).fill(7)
  const nodes: Libp2p[] = []
  const answers: ZdbFloodAnswers = {}
  try {
    for (let i = 0; i < options.identities; i++) nodes.push(await barePeer())
    // one small request first: a burst of streams on a connection the farmer has not finished
    // setting up is refused by its muxer (MaxEarlyStreamsError), which is not what is measured
    await Promise.all(nodes.map(async node => sendZdbSet(node, farmer, zdbSetHead(target, 1), Uint8Array.of(0))))
    await Promise.all(nodes.flatMap(node => Array.from({ length: options.streams }, async () => {
      for (let round = 0; round < options.rounds; round++) {
        const code = await sendZdbSet(node, farmer, head, options.sendValue === false ? undefined : value)
        answers[code] = (answers[code] ?? 0) + 1
      }
    })))
    return answers
  } finally {
    await Promise.all(nodes.map(async node => node.stop()))
  }
}

/** Resident memory of process `pid` now and at its peak (Linux /proc), in bytes. */
export async function residentMemory (pid: number): Promise<{ rss: number, peak: number }> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8')
  const kib = (field: string): number => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN) * 1024
  return { rss: kib('VmRSS'), peak: kib('VmHWM') }
}

/** Start measuring process `pid`'s peak resident memory afresh (clear_refs 5: reset the peak to the current RSS). */
export async function resetPeakMemory (pid: number): Promise<void> {
  await writeFile(`/proc/${pid}/clear_refs`, '5')
}
