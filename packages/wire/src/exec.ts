/** Names and limits of the exec protocol (protocols/exec.md). */
export const EXEC_PROTOCOL = '/p2pcloud/exec/1.0.0'

/** Input or output bytes one frame carries at most. */
export const EXEC_MAX_DATA = 32 * 1024

/** How often a farmer sends an empty frame when it has sent nothing else: a twin takes 3 missed beats for a lost farmer. */
export const EXEC_HEARTBEAT_MS = 15_000

export const EXEC_LIMITS = {
  /** The ExecStart frame: the command line and the terminal's size. */
  maxStartBytes: 16 * 1024,
  /** An ExecInput frame: up to EXEC_MAX_DATA bytes of stdin, or a resize. */
  maxInputBytes: EXEC_MAX_DATA + 64,
  /** An ExecOutput frame: up to EXEC_MAX_DATA bytes of output, or an error of at most 1 KiB. */
  maxOutputBytes: EXEC_MAX_DATA + 2048,
  /** Words of a command line. */
  maxArgs: 256,
  /** Rows or columns of a terminal. */
  maxWindow: 4096,
  maxInboundStreams: 8,
  maxOutboundStreams: 8,
  /** Commands one twin may have running on a farmer at once … */
  sessionsPerTwin: 8,
  /** … and in one container. */
  sessionsPerContainer: 4,
  /** Sessions one peer may open per second, and at once: each starts a process. */
  ratePerSecond: 2,
  burst: 8,
  /** For the ExecStart frame and for the command to start; a running session has no timeout. */
  timeoutMs: 10_000
} as const
