import type { PeerId } from '@libp2p/interface'
import { LOGS_HEARTBEAT_MS, contractIdToBytes, requestStream, type StreamOpener } from '@p2pcloud/wire'
import type { LogChunk } from './log-store.js'
import { logsCodecs } from './logs-protocol.js'

/** The twin's side of `/p2pcloud/logs/1.0.0`. */
export class LogsClient {
  constructor (private readonly node: StreamOpener) {}

  /** A container's output; with `follow`, until `signal` aborts or the farmer ends it. A missed heartbeat ends it with a NoAnswerError. */
  async * logs (farmer: PeerId, contractId: string, workload: string, options: { follow?: boolean, tailBytes?: number, signal?: AbortSignal } = {}): AsyncGenerator<LogChunk> {
    const request = { contractId: contractIdToBytes(contractId), workload, follow: options.follow === true, tailBytes: options.tailBytes ?? 0 }
    for await (const frame of requestStream(this.node, farmer, logsCodecs, request, { signal: options.signal, idleMs: LOGS_HEARTBEAT_MS * 3 })) {
      for (const chunk of frame.chunks ?? []) yield { at: chunk.atMs, stream: chunk.stream === 'STDERR' ? 'stderr' : 'stdout', data: chunk.data }
    }
  }
}
