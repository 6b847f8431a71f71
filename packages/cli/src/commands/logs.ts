import type { Command } from 'commander'
import { contextOf, daemonClient } from '../context.js'
import { isoTimes } from '../output.js'

interface LogLine { at: number, stream: 'stdout' | 'stderr', data: string }

/** `p2pcloud logs NAME`: a container's output, from its farmer, optionally followed. */
export function registerLogs (program: Command): void {
  program
    .command('logs')
    .description('a container\'s output (stdout and stderr), from its farmer')
    .argument('<name>', 'the deployment')
    .option('-w, --workload <name>', 'the container, when the deployment has several')
    .option('-f, --follow', 'keep printing new output until Ctrl-C')
    .option('--tail <bytes>', 'only the last this many bytes of what the farmer kept')
    .addHelpText('after', '\nOnly the deployment\'s own twin can read its logs. --json prints one JSON object per chunk: {"at","stream","data"} (data base64).')
    .action(async (name: string, options: { workload?: string, follow?: boolean, tail?: string }, command: Command) => {
      const context = contextOf(command)
      if (options.tail != null && !/^\d+$/.test(options.tail)) throw new Error(`--tail takes a number of bytes, not "${options.tail}"`)
      const query = new URLSearchParams()
      if (options.workload != null) query.set('workload', options.workload)
      if (options.follow === true) query.set('follow', '1')
      if (options.tail != null) query.set('tail', options.tail)
      const client = await daemonClient(context)
      const stop = new AbortController()
      process.once('SIGINT', () => { stop.abort() })
      try {
        for await (const line of client.lines<LogLine>('GET', `/v1/deployments/${encodeURIComponent(name)}/logs?${query.toString()}`, undefined, stop.signal)) {
          if (context.json) process.stdout.write(JSON.stringify(isoTimes(line)) + '\n')
          else (line.stream === 'stderr' ? process.stderr : process.stdout).write(Buffer.from(line.data, 'base64'))
        }
      } catch (err: any) {
        if (!stop.signal.aborted) throw err
      }
    })
}
