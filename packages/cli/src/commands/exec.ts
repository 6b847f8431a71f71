import type { Duplex } from 'node:stream'
import type { Command } from 'commander'
import { EXEC_MAX_DATA, execMessages, readFrames, writeBytes, writeFrame, EXEC_LIMITS } from '@p2pcloud/wire'
import { contextOf, daemonClient } from '../context.js'

const input = (fields: Partial<execMessages.ExecInput>): Uint8Array => execMessages.ExecInput.encode({ stdin: new Uint8Array(0), stdinEnd: false, ...fields })

/** This terminal's size, as the farmer's terminal gets it; 24 × 80 when it has none (a pty nobody sized). */
function windowSize (): { rows: number, cols: number } {
  const { rows, columns } = process.stdout
  return rows > 0 && columns > 0 ? { rows, cols: columns } : { rows: 24, cols: 80 }
}

/** Our stdin into the session, in frames of at most EXEC_MAX_DATA bytes, then its end; sent as fast as the farmer takes it. */
async function sendStdin (socket: Duplex): Promise<void> {
  for await (const chunk of process.stdin as AsyncIterable<Buffer>) {
    for (let at = 0; at < chunk.byteLength; at += EXEC_MAX_DATA) await writeFrame(socket, input({ stdin: chunk.subarray(at, at + EXEC_MAX_DATA) as Uint8Array<ArrayBuffer> }))
  }
  await writeFrame(socket, input({ stdinEnd: true }))
}

/** The session's output to ours until the exit code; the farmer's refusal as an error. */
async function receive (socket: Duplex, json: boolean): Promise<number> {
  for await (const frame of readFrames(socket, EXEC_LIMITS.maxOutputBytes, 'an exec output frame')) {
    const output = execMessages.ExecOutput.decode(frame)
    // the daemon's words: the farmer, the protocol and the farmer's code and message
    if (output.error != null) throw new Error(output.error.message)
    if (output.exited) {
      if (json) process.stdout.write(JSON.stringify({ exitCode: output.exitCode }) + '\n')
      // an exit code is a byte; a farmer's larger one would wrap to anything
      return Math.min(output.exitCode, 255)
    }
    const stream = output.stream === execMessages.OutputStream.STDERR ? 'stderr' : 'stdout'
    if (json) await writeBytes(process.stdout, Buffer.from(JSON.stringify({ stream, data: Buffer.from(output.data).toString('base64') }) + '\n'))
    else await writeBytes(stream === 'stderr' ? process.stderr : process.stdout, output.data)
  }
  throw new Error('the session ended before the command\'s exit code (the daemon or the farmer went away)')
}

/** `p2pcloud exec NAME -- CMD…`: a command in a container of a deployment, on its farmer, its exit code ours. */
export function registerExec (program: Command): void {
  program
    .command('exec')
    .description('run a command in a container of a deployment, on its farmer; stdin, stdout and stderr are streamed and its exit code is ours')
    .argument('<name>', 'the deployment')
    .argument('[command...]', 'the command and its arguments (after --), run as given, without a shell; none: /bin/sh')
    .option('-w, --workload <name>', 'the container, when the deployment has several')
    .option('-t, --tty', 'on a terminal (the default when stdin and stdout are terminals): one output stream, keys as typed, the window\'s size')
    .option('-T, --no-tty', 'without a terminal, even on one')
    .addHelpText('after', '\nOnly the deployment\'s own twin can exec. Example: p2pcloud exec web -- sh -c \'ls /www\'. --json prints one JSON object per chunk: {"stream","data"} (data base64), then {"exitCode"}.')
    .action(async (name: string, argv: string[], options: { workload?: string, tty?: boolean }, command: Command) => {
      const context = contextOf(command)
      const tty = options.tty ?? (process.stdin.isTTY && process.stdout.isTTY)
      const query = new URLSearchParams((argv.length > 0 ? argv : ['/bin/sh']).map(word => ['arg', word] as [string, string]))
      if (options.workload != null) query.set('workload', options.workload)
      if (tty) {
        const { rows, cols } = windowSize()
        query.set('tty', '1')
        query.set('rows', String(rows))
        query.set('cols', String(cols))
      }
      const client = await daemonClient(context)
      const socket = await client.upgrade('GET', `/v1/deployments/${encodeURIComponent(name)}/exec?${query.toString()}`)
      const raw = tty && process.stdin.isTTY
      const onResize = (): void => { writeFrame(socket, input({ resize: windowSize() })).catch(() => {}) }
      if (raw) process.stdin.setRawMode(true)
      if (tty) process.stdout.on('resize', onResize)
      try {
        sendStdin(socket).catch(() => {})
        process.exitCode = await receive(socket, context.json)
      } finally {
        if (raw) process.stdin.setRawMode(false)
        process.stdout.off('resize', onResize)
        process.stdin.destroy()
        socket.destroy()
      }
    })
}
