import { daemonClient, type CommandContext } from './context.js'

/**
 * Progress of long work on stderr, so that stdout stays the result: rewritten in place on a
 * terminal, one line per phase otherwise (logs and scripts). Silent with --json.
 */
export class ProgressLine {
  private shown = ''
  private phase = ''

  constructor (private readonly quiet: boolean) {}

  update (phase: string, text: string): void {
    if (this.quiet) return
    if (process.stderr.isTTY) {
      process.stderr.write(`\r${text.padEnd(this.shown.length)}`)
      this.shown = text
    } else if (phase !== this.phase) {
      process.stderr.write(`${text}\n`)
    }
    this.phase = phase
  }

  /** Ends the line on a terminal before the result is printed. */
  done (): void {
    if (!this.quiet && process.stderr.isTTY && this.shown !== '') process.stderr.write('\n')
    this.shown = ''
  }
}

type ProgressOrDone<P, R> = { progress: P, done?: undefined } | { done: R, progress?: undefined }

/** Runs a daemon call that streams progress lines, shows them, and returns its result. */
export async function withProgress<P, R> (context: CommandContext, method: string, path: string, body: unknown, describe: (p: P) => [phase: string, text: string]): Promise<R> {
  const client = await daemonClient(context)
  const line = new ProgressLine(context.json)
  try {
    for await (const message of client.lines<ProgressOrDone<P, R>>(method, path, body)) {
      if (message.done !== undefined) return message.done
      line.update(...describe(message.progress as P))
    }
  } finally {
    line.done()
  }
  throw new Error(`${method} ${path}: the daemon ended without a result`)
}
