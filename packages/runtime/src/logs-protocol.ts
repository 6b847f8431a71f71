import type { Startable } from '@libp2p/interface'
import type { KindServiceComponents } from '@p2pcloud/farmer'
import {
  ErrorCodes, LOGS_HEARTBEAT_MS, LOGS_LIMITS, LOGS_MAX_FRAME_DATA, LOGS_PROTOCOL, ProtocolError, contractIdFromBytes, handleRequests, logsMessages,
  type Responder
} from '@p2pcloud/wire'
import type { LogChunk } from './log-store.js'

type Request = logsMessages.LogsRequest
type Response = logsMessages.LogsResponse

export const logsCodecs = {
  protocol: LOGS_PROTOCOL,
  request: logsMessages.LogsRequest,
  response: logsMessages.LogsResponse,
  limits: LOGS_LIMITS
}

function toWire (chunk: LogChunk): logsMessages.LogChunk {
  return { atMs: chunk.at, stream: chunk.stream === 'stdout' ? logsMessages.LogStream.STDOUT : logsMessages.LogStream.STDERR, data: chunk.data as Uint8Array<ArrayBuffer> }
}

/** Split what was kept into frames of at most LOGS_MAX_FRAME_DATA bytes. */
function * frames (chunks: LogChunk[]): Generator<Response> {
  let batch: logsMessages.LogChunk[] = []
  let bytes = 0
  for (const chunk of chunks) {
    for (let at = 0; at < chunk.data.byteLength; at += LOGS_MAX_FRAME_DATA) {
      const part = { ...chunk, data: chunk.data.subarray(at, at + LOGS_MAX_FRAME_DATA) }
      if (bytes + part.data.byteLength > LOGS_MAX_FRAME_DATA) {
        yield { chunks: batch }
        batch = []
        bytes = 0
      }
      batch.push(toWire(part))
      bytes += part.data.byteLength
    }
  }
  if (batch.length > 0) yield { chunks: batch }
}

/** The source's items, and `undefined` whenever nothing came for `ms` (a heartbeat); pulls never overlap. */
async function * withHeartbeat<T> (source: AsyncIterator<T>, ms: number): AsyncGenerator<T | undefined> {
  let pending = source.next()
  while (true) {
    let timer: ReturnType<typeof setTimeout> | undefined
    const beat = new Promise<'beat'>(resolve => { timer = setTimeout(() => { resolve('beat') }, ms) })
    const next = await Promise.race([pending, beat])
    clearTimeout(timer)
    if (next === 'beat') {
      yield undefined
      continue
    }
    if (next.done === true) return
    yield next.value
    pending = source.next()
  }
}

/** Where the logs come from: the container driver, which the container kind (container-kind.ts) hands over. */
export interface ContainerLogs {
  /** The workload type whose output it keeps. */
  readonly type: string
  logs: (contractId: string, name: string, options: { tailBytes?: number, follow?: boolean, signal?: AbortSignal }) => AsyncGenerator<LogChunk>
}

export interface LogsResponderInit {
  farmer: () => KindServiceComponents['farmer']
  containers: () => ContainerLogs | undefined
}

/** `/p2pcloud/logs/1.0.0`, farmer side: a container's output, to its deployment's twin only. */
export function logsResponder (init: LogsResponderInit): Responder<Request, Response> {
  return {
    ...logsCodecs,
    async respond () {
      throw new ProtocolError(ErrorCodes.BAD_REQUEST, 'logs is a streaming call')
    },
    stream (request, { remotePeer, signal }) {
      return (async function * () {
        const provisioner = init.farmer()?.provisioner
        const containers = init.containers()
        if (provisioner == null || containers == null) throw new ProtocolError(ErrorCodes.UNAVAILABLE, 'this farmer is starting; its deployments are not loaded yet', 1000)
        const contractId = contractIdFromBytes(request.contractId)
        const record = provisioner.get(contractId)
        // another twin's deployment answers exactly like one that does not exist
        if (record == null || record.deployment.twin !== remotePeer.toString()) throw new ProtocolError(ErrorCodes.NOT_FOUND, 'no such deployment')
        const workload = record.deployment.workloads.find(w => w.name === request.workload)
        if (workload?.type !== containers.type) throw new ProtocolError(ErrorCodes.NOT_FOUND, `deployment "${record.deployment.name}" has no container named "${request.workload}"`)
        const options = { tailBytes: request.tailBytes > 0 ? request.tailBytes : undefined, follow: request.follow, signal }
        if (!request.follow) {
          const kept: LogChunk[] = []
          for await (const chunk of containers.logs(contractId, workload.name, options)) kept.push(chunk)
          yield * frames(kept)
          return
        }
        for await (const chunk of withHeartbeat(containers.logs(contractId, workload.name, options), LOGS_HEARTBEAT_MS)) {
          if (signal.aborted) return
          yield * (chunk == null ? [{ chunks: [] }] : frames([chunk]))
        }
      })()
    },
    errorResponse: (error) => ({ chunks: [], error })
  }
}

/** Serves the logs protocol on a farmer; add after the farmer extension. */
export class LogsService implements Startable {
  constructor (private readonly components: KindServiceComponents, private readonly containers: () => ContainerLogs | undefined) {}

  async start (): Promise<void> {
    await handleRequests(this.components.registrar, logsResponder({ farmer: () => this.components.farmer, containers: this.containers }), this.components.metrics)
  }

  async stop (): Promise<void> {
    await this.components.registrar.unhandle(LOGS_PROTOCOL)
  }
}
