import type { Duplex } from 'node:stream'
import type { PeerId, Stream } from '@libp2p/interface'
import {
  EXEC_HEARTBEAT_MS, EXEC_LIMITS, EXEC_PROTOCOL, NoAnswerError, RemoteError, contractIdToBytes, execMessages, openStream, readFrames, streamDuplex, wireCode, wireMessage, writeFrame, type StreamOpener
} from '@p2pcloud/wire'
import type { WindowSize } from './exec-process.js'

const { OutputStream } = execMessages

/** What the farmer sends: output as it comes, then the exit code. */
export type ExecEvent = { stream: 'stdout' | 'stderr', data: Uint8Array } | { exitCode: number }

export interface ExecRequest {
  contractId: string
  workload: string
  argv: string[]
  /** On a terminal of this size. */
  tty?: WindowSize
}

/** One command running on a farmer (protocols/exec.md), seen from the twin. */
export class ExecSession {
  private readonly duplex: Duplex
  private readonly peer: string

  constructor (private readonly stream: Stream, farmer: PeerId) {
    this.duplex = streamDuplex(stream)
    this.duplex.on('error', () => {})
    this.peer = farmer.toString()
  }

  /** The first frame: what to run where. */
  async start (request: ExecRequest): Promise<void> {
    await writeFrame(this.duplex, execMessages.ExecStart.encode({ contractId: contractIdToBytes(request.contractId), workload: request.workload, argv: request.argv, tty: request.tty != null, size: request.tty }))
  }

  /** Send input: bytes for stdin, the end of stdin, a new terminal size. Waits while the farmer is not taking more. */
  async send (input: Partial<execMessages.ExecInput>): Promise<void> {
    await writeFrame(this.duplex, execMessages.ExecInput.encode({ stdin: new Uint8Array(0), stdinEnd: false, ...input }))
  }

  /** The farmer's output, then the exit code; a refusal is a RemoteError, a stream that ends without an exit a NoAnswerError. */
  async * events (): AsyncGenerator<ExecEvent> {
    const idleMs = EXEC_HEARTBEAT_MS * 3
    let timer: ReturnType<typeof setTimeout> | undefined
    const awake = (): void => {
      clearTimeout(timer)
      timer = setTimeout(() => { this.duplex.destroy(new Error(`no frame from the farmer in ${idleMs / 1000} s`)) }, idleMs)
    }
    try {
      awake()
      for await (const frame of readFrames(this.duplex, EXEC_LIMITS.maxOutputBytes, 'an exec output frame')) {
        awake()
        const output = execMessages.ExecOutput.decode(frame)
        if (output.error != null) throw new RemoteError(wireCode(output.error.code), wireMessage(output.error.message), this.peer, EXEC_PROTOCOL, Number(output.error.retryAfterMs))
        if (output.exited) {
          // the farmer closed its side after the exit code: close ours, no reset
          this.duplex.end()
          yield { exitCode: output.exitCode }
          return
        }
        if (output.data.byteLength > 0) yield { stream: output.stream === OutputStream.STDERR ? 'stderr' : 'stdout', data: output.data }
      }
    } catch (err: any) {
      if (err.name === 'RemoteError') throw err
      throw new NoAnswerError(this.peer, EXEC_PROTOCOL, err?.message ?? String(err))
    } finally {
      clearTimeout(timer)
      if (!this.duplex.writableEnded) this.close()
    }
    throw new NoAnswerError(this.peer, EXEC_PROTOCOL, 'the stream ended before the command\'s exit code')
  }

  /** End the session: the farmer kills the command if it still runs. */
  close (): void {
    if (this.stream.status === 'open') this.stream.abort(new Error('the exec session was closed'))
  }
}

/** The twin's side of `/p2pcloud/exec/1.0.0`. */
export class ExecClient {
  constructor (private readonly node: StreamOpener) {}

  /** Start a command in a container of one of this twin's deployments on `farmer`. */
  async open (farmer: PeerId, request: ExecRequest, options: { signal?: AbortSignal } = {}): Promise<ExecSession> {
    const signal = AbortSignal.any([AbortSignal.timeout(EXEC_LIMITS.timeoutMs), ...(options.signal != null ? [options.signal] : [])])
    let stream: Stream
    try {
      stream = await openStream(this.node, farmer, EXEC_PROTOCOL, signal)
    } catch (err: any) {
      throw new NoAnswerError(farmer.toString(), EXEC_PROTOCOL, err?.message ?? String(err))
    }
    const session = new ExecSession(stream, farmer)
    await session.start(request)
    return session
  }
}
