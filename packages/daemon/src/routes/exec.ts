import type { Duplex } from 'node:stream'
import { ApiError, type UpgradeRoutes } from '@p2pcloud/api'
import type { ExecSession } from '@p2pcloud/runtime'
import type { Twin } from '@p2pcloud/twin'
import { EXEC_LIMITS, ErrorCodes, execMessages, readFrames, wireMessage, writeFrame } from '@p2pcloud/wire'

function windowSide (url: URL, name: 'rows' | 'cols'): number {
  const text = url.searchParams.get(name) ?? ''
  const value = Number(text)
  if (!/^\d+$/.test(text) || value < 1 || value > EXEC_LIMITS.maxWindow) throw new ApiError(400, 'BadRequest', `${name} must be 1 to ${EXEC_LIMITS.maxWindow}, not "${text}"`)
  return value
}

function output (fields: Partial<execMessages.ExecOutput>): Uint8Array {
  return execMessages.ExecOutput.encode({ stream: execMessages.OutputStream.STDOUT, data: new Uint8Array(0), exited: false, exitCode: 0, ...fields })
}

/**
 * Carry a session between the CLI's socket and the farmer: the CLI sends ExecInput frames and
 * gets ExecOutput frames, the messages of protocols/exec.md, each checked at its size limit
 * and decoded before it is passed on. Either side going ends the other.
 */
function relay (session: ExecSession, socket: Duplex): void {
  socket.once('close', () => { session.close() })
  void (async () => {
    for await (const frame of readFrames(socket, EXEC_LIMITS.maxInputBytes, 'an exec input frame')) await session.send(execMessages.ExecInput.decode(frame))
  })().catch(() => { socket.destroy() })
  void (async () => {
    try {
      for await (const event of session.events()) {
        if ('exitCode' in event) await writeFrame(socket, output({ exited: true, exitCode: event.exitCode }))
        else await writeFrame(socket, output({ stream: event.stream === 'stderr' ? execMessages.OutputStream.STDERR : execMessages.OutputStream.STDOUT, data: event.data as Uint8Array<ArrayBuffer> }))
      }
    } catch (err: any) {
      const code = typeof err.code === 'string' ? err.code : ErrorCodes.UNAVAILABLE
      await writeFrame(socket, output({ error: { code, message: wireMessage(err.message ?? String(err)), retryAfterMs: 0 } })).catch(() => {})
    }
    socket.end()
  })()
}

/**
 * `GET /v1/deployments/:name/exec?arg=…&arg=…[&workload=W][&tty=1&rows=R&cols=C]`, upgraded to a
 * two-way stream: a command in a container of the deployment, run on its farmer.
 */
export function execRoutes (twin: Twin): UpgradeRoutes {
  return {
    'GET /v1/deployments/:name/exec': async (_req, url, params) => {
      const argv = url.searchParams.getAll('arg')
      if (argv.length === 0) throw new ApiError(400, 'BadRequest', 'no command: give it as arg=…&arg=…')
      const tty = url.searchParams.get('tty') === '1' ? { rows: windowSide(url, 'rows'), cols: windowSide(url, 'cols') } : undefined
      const session = await twin.exec(params.name, { workload: url.searchParams.get('workload') ?? undefined, argv, tty })
      return socket => { relay(session, socket) }
    }
  }
}
