import { execFile } from 'node:child_process'
import { rm } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { daemonConfigSchema, startDaemon } from '@p2pcloud/daemon'
import { initHome } from '@p2pcloud/node'
import { tempDir } from '@p2pcloud/test-utils'
import type { Benchmark } from './results.js'
import { median } from './stats.js'

const run = promisify(execFile)
/** The `p2pcloud` command as npm links it (the CLI is measured as a user runs it, not imported). */
const CLI = fileURLToPath(new URL('../../../../cli/bin/p2pcloud.js', import.meta.url))
const RUNS = 10

/** Median wall time of `args` run as a fresh process, in ms. */
async function startMs (args: string[]): Promise<number> {
  const times: number[] = []
  for (let i = 0; i < RUNS; i++) {
    const started = performance.now()
    await run(process.execPath, args, { env: { ...process.env, P2PCLOUD_HOME: undefined } })
    times.push(performance.now() - started)
  }
  return median(times)
}

/**
 * How long a CLI command takes from its process start to its exit: `p2pcloud status` against a
 * running daemon (one API call), and `p2pcloud --help`, against Node starting and doing nothing.
 * Commands load libp2p and the domain packages only when they use them; the goal is under 300 ms.
 */
export const cliStartup: Benchmark = {
  name: 'cli-startup',
  run: async () => {
    const home = await tempDir('bench-cli')
    await initHome(home, {}, daemonConfigSchema)
    const daemon = await startDaemon(home, { listen: ['/ip4/127.0.0.1/tcp/0'], mdns: false, api: { host: '127.0.0.1', port: 0 } })
    try {
      const node = await startMs(['-e', '0'])
      const help = await startMs([CLI, '--help'])
      const status = await startMs([CLI, 'status', '--home', home])
      return { metric: 'p2pcloud status, median ms', value: status, unit: 'ms', baseline: 'node -e 0 (Node starting and exiting)', baselineValue: node, extra: { helpMs: help } }
    } finally {
      await daemon.stop()
      await rm(home, { recursive: true, force: true })
    }
  }
}
