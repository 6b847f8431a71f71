import type { Duplex, Readable } from 'node:stream'
import type { Connection, PeerId, Startable, Stream } from '@libp2p/interface'
import { logger } from '@libp2p/logger'
import type { KindServiceComponents } from '@p2pcloud/farmer'
import {
  EXEC_HEARTBEAT_MS, EXEC_LIMITS, EXEC_MAX_DATA, EXEC_PROTOCOL, ErrorCodes, ProtocolError, TokenBuckets, contractIdFromBytes, execMessages, readFrames, streamDuplex, wireMessage, writeBytes, writeFrame
} from '@p2pcloud/wire'
import type { ExecOptions, ExecProcess, WindowSize } from './exec-process.js'

const log = logger('p2pcloud:runtime:exec')
const { OutputStream } = execMessages

/** How long pipes may stay open and quiet after the command exited (a background process holds them) before they are given up. */
const EXIT_GRACE_MS = 500
const DEFAULT_WINDOW: WindowSize = { rows: 24, cols: 80 }

/** Where commands run: the container driver, which the container kind hands over. */
export interface ContainerExec {
  /** The workload type whose processes it runs commands in. */
  readonly type: string
  startExec: (contractId: string, name: string, options: ExecOptions) => Promise<ExecProcess>
}

/** Running sessions by key, at most `max` each. */
class SessionCounts {
  private readonly counts = new Map<string, number>()
  constructor (private readonly max: number) {}

  take (key: string): boolean {
    const count = this.counts.get(key) ?? 0
    if (count >= this.max) return false
    this.counts.set(key, count + 1)
    return true
  }

  give (key: string): void {
    const count = (this.counts.get(key) ?? 1) - 1
    if (count <= 0) this.counts.delete(key)
    else this.counts.set(key, count)
  }
}

function windowOf (size: execMessages.WindowSize | undefined): WindowSize {
  if (size == null || (size.rows === 0 && size.cols === 0)) return DEFAULT_WINDOW
  const ok = (n: number): boolean => n >= 1 && n <= EXEC_LIMITS.maxWindow
  if (!ok(size.rows) || !ok(size.cols)) throw new ProtocolError(ErrorCodes.BAD_REQUEST, `a terminal of ${size.rows}x${size.cols}; rows and columns are 1 to ${EXEC_LIMITS.maxWindow}`)
  return { rows: size.rows, cols: size.cols }
}

function checkArgv (argv: string[]): void {
  if (argv.length === 0 || argv[0] === '') throw new ProtocolError(ErrorCodes.BAD_REQUEST, 'no command to run')
  if (argv.length > EXEC_LIMITS.maxArgs) throw new ProtocolError(ErrorCodes.BAD_REQUEST, `a command of ${argv.length} words, over the limit of ${EXEC_LIMITS.maxArgs}`)
  if (argv.some(word => word.includes('\0'))) throw new ProtocolError(ErrorCodes.BAD_REQUEST, 'a word of the command holds a NUL byte')
}

async function untilTimeout<T> (work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined
  const late = new Promise<never>((_resolve, reject) => { timer = setTimeout(() => { reject(new Error(`no ${what} within ${ms} ms`)) }, ms) })
  try {
    return await Promise.race([work, late])
  } finally {
    clearTimeout(timer)
  }
}

/**
 * `/p2pcloud/exec/1.0.0`, farmer side (protocols/exec.md): a command in one of the twin's own
 * running containers, stdin, stdout and stderr streamed with backpressure both ways, the exit
 * code last. Another twin is answered exactly as for a deployment that does not exist.
 */
export class ExecService implements Startable {
  private readonly rate = new TokenBuckets(EXEC_LIMITS.ratePerSecond, EXEC_LIMITS.burst)
  private readonly perTwin = new SessionCounts(EXEC_LIMITS.sessionsPerTwin)
  private readonly perContainer = new SessionCounts(EXEC_LIMITS.sessionsPerContainer)

  constructor (private readonly components: KindServiceComponents, private readonly containers: () => ContainerExec | undefined) {}

  async start (): Promise<void> {
    await this.components.registrar.handle(EXEC_PROTOCOL, (stream, connection) => { void this.serve(stream, connection) }, {
      maxInboundStreams: EXEC_LIMITS.maxInboundStreams, maxOutboundStreams: EXEC_LIMITS.maxOutboundStreams
    })
  }

  async stop (): Promise<void> {
    await this.components.registrar.unhandle(EXEC_PROTOCOL)
  }

  private async serve (stream: Stream, connection: Connection): Promise<void> {
    const duplex = streamDuplex(stream)
    duplex.on('error', () => {})
    const frames = readFrames(duplex, index => index === 0 ? EXEC_LIMITS.maxStartBytes : EXEC_LIMITS.maxInputBytes, 'an exec frame')
    const releases: Array<() => void> = []
    try {
      const waitMs = this.rate.take(connection.remotePeer.toString())
      if (waitMs > 0) throw new ProtocolError(ErrorCodes.RATE_LIMITED, `too many commands; retry in ${waitMs} ms`, waitMs)
      const first = await untilTimeout(frames.next(), EXEC_LIMITS.timeoutMs, 'ExecStart')
      if (first.done === true) throw new Error('the stream ended before its ExecStart')
      let start: execMessages.ExecStart
      try {
        start = execMessages.ExecStart.decode(first.value)
      } catch (err: any) {
        throw new ProtocolError(ErrorCodes.BAD_REQUEST, `ExecStart does not decode: ${err.message}`)
      }
      const { containers, contractId, tty } = this.admit(start, connection.remotePeer)
      const twin = connection.remotePeer.toString()
      const container = `${contractId}/${start.workload}`
      if (!this.perTwin.take(twin)) throw new ProtocolError(ErrorCodes.UNAVAILABLE, `${EXEC_LIMITS.sessionsPerTwin} commands of yours run on this farmer already`, 1000)
      releases.push(() => { this.perTwin.give(twin) })
      if (!this.perContainer.take(container)) throw new ProtocolError(ErrorCodes.UNAVAILABLE, `${EXEC_LIMITS.sessionsPerContainer} commands run in container "${start.workload}" already`, 1000)
      releases.push(() => { this.perContainer.give(container) })
      const process = await containers.startExec(contractId, start.workload, { argv: start.argv, tty })
      await this.run(process, stream, duplex, frames, tty != null)
    } catch (err: any) {
      if (err instanceof ProtocolError) await this.refuse(stream, duplex, err)
      else stream.abort(err)
    } finally {
      for (const release of releases) release()
    }
  }

  /** The checks of exec.md §5.1, the twin's first: the deployment and container it may reach. */
  private admit (start: execMessages.ExecStart, remotePeer: PeerId): { containers: ContainerExec, contractId: string, tty?: WindowSize } {
    const provisioner = this.components.farmer?.provisioner
    const containers = this.containers()
    if (provisioner == null || containers == null) throw new ProtocolError(ErrorCodes.UNAVAILABLE, 'this farmer is starting; its deployments are not loaded yet', 1000)
    const contractId = contractIdFromBytes(start.contractId)
    const record = provisioner.get(contractId)
    // another twin's deployment answers exactly like one that does not exist
    if (record == null || record.deployment.twin !== remotePeer.toString()) throw new ProtocolError(ErrorCodes.NOT_FOUND, 'no such deployment')
    const workload = record.deployment.workloads.find(w => w.name === start.workload)
    if (workload?.type !== containers.type) throw new ProtocolError(ErrorCodes.NOT_FOUND, `deployment "${record.deployment.name}" has no container named "${start.workload}"`)
    checkArgv(start.argv)
    return { containers, contractId, tty: start.tty ? windowOf(start.size) : undefined }
  }

  private async refuse (stream: Stream, duplex: Duplex, err: ProtocolError): Promise<void> {
    const error = { code: err.code, message: wireMessage(err.message), retryAfterMs: Math.max(0, Math.ceil(err.retryAfterMs)) }
    try {
      await writeFrame(duplex, execMessages.ExecOutput.encode({ error, stream: OutputStream.STDOUT, data: new Uint8Array(0), exited: false, exitCode: 0 }))
      await stream.close({ signal: AbortSignal.timeout(EXEC_LIMITS.timeoutMs) })
    } catch (closeErr: any) {
      stream.abort(closeErr)
    }
  }

  /** Pump both ways until the command exits (its code, then close) or the twin goes (a kill). */
  private async run (process: ExecProcess, stream: Stream, duplex: Duplex, frames: AsyncGenerator<Uint8Array>, tty: boolean): Promise<void> {
    const { child } = process
    child.stdin?.on('error', () => {})
    let sentAt = Date.now()
    const send = async (output: Partial<execMessages.ExecOutput>): Promise<void> => {
      sentAt = Date.now()
      await writeFrame(duplex, execMessages.ExecOutput.encode({ stream: OutputStream.STDOUT, data: new Uint8Array(0), exited: false, exitCode: 0, ...output }))
    }
    // a quiet command (a shell waiting for keys): an empty frame now and then says the farmer is there
    const heartbeat = setInterval(() => {
      if (Date.now() - sentAt >= EXEC_HEARTBEAT_MS && duplex.writableLength === 0) send({}).catch(() => {})
    }, EXEC_HEARTBEAT_MS / 3)
    // when output last moved, and how many chunks wait for the twin to take them
    let movedAt = Date.now()
    let sending = 0
    const pump = async (from: Readable | null, stream: execMessages.OutputStream): Promise<void> => {
      if (from == null) return
      for await (const chunk of from as AsyncIterable<Buffer>) {
        sending++
        try {
          for (let at = 0; at < chunk.byteLength; at += EXEC_MAX_DATA) await send({ stream, data: chunk.subarray(at, at + EXEC_MAX_DATA) as Uint8Array<ArrayBuffer> })
        } finally {
          sending--
          movedAt = Date.now()
        }
      }
    }
    const output = Promise.all([pump(child.stdout, OutputStream.STDOUT), pump(child.stderr, OutputStream.STDERR)])
    const input = (async () => {
      // keys typed before the relay's terminal is raw would be echoed by it too
      if (tty) await process.started
      for await (const frame of frames) {
        const message = execMessages.ExecInput.decode(frame)
        if (message.stdin.byteLength > 0 && child.stdin?.writable === true) await writeBytes(child.stdin, message.stdin).catch(() => {})
        // a terminal's input has no end but the ^D typed into it (script would hang up the terminal)
        if (message.stdinEnd && !tty) child.stdin?.end()
        if (message.resize != null && tty) await process.resize(windowOf(message.resize)).catch(err => { log('resize failed - %e', err) })
      }
      if (!tty) child.stdin?.end()
    })()
    const gone = new Promise<'gone'>(resolve => {
      stream.addEventListener('close', () => { resolve('gone') }, { once: true })
      // a frame too large or one that does not decode: the twin broke the protocol
      input.catch(err => { stream.abort(err); resolve('gone') })
      output.catch(() => { resolve('gone') })
    })
    const code = await Promise.race([process.exited, gone]).finally(() => { clearInterval(heartbeat) })
    if (code === 'gone') {
      await process.kill()
      return
    }
    // all it wrote, as slowly as the twin reads it; pipes that stay open and quiet (a background
    // process holds them) are given up after EXIT_GRACE_MS
    let drained = false
    void output.finally(() => { drained = true }).catch(() => {})
    while (!drained && (sending > 0 || Date.now() - movedAt < EXIT_GRACE_MS)) await new Promise(resolve => setTimeout(resolve, 50))
    child.stdout?.destroy()
    child.stderr?.destroy()
    await send({ exited: true, exitCode: code })
    await stream.close({ signal: AbortSignal.timeout(EXEC_LIMITS.timeoutMs) }).catch(err => { stream.abort(err) })
  }
}
