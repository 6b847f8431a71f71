import type { ProtocolLimits } from './rpc.js'

/** Names and limits of the logs protocol (protocols/logs.proto). */
export const LOGS_PROTOCOL = '/p2pcloud/logs/1.0.0'

/** Output bytes one response frame carries at most. */
export const LOGS_MAX_FRAME_DATA = 64 * 1024

/** How often a followed stream with no new output sends an empty frame, so the twin knows the farmer is there. */
export const LOGS_HEARTBEAT_MS = 5000

export const LOGS_LIMITS: ProtocolLimits = {
  maxRequestBytes: 256,
  maxResponseBytes: LOGS_MAX_FRAME_DATA + 4096,
  maxInboundStreams: 16,
  maxOutboundStreams: 16,
  ratePerSecond: 2,
  burst: 8,
  timeoutMs: 10_000
}
