import assert from 'node:assert/strict'
import { spawn, type ChildProcess } from 'node:child_process'
import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { tempDir } from '@p2pcloud/test-utils'

/** The real `p2pcloud` command, run with the Node that runs the tests. */
export const CLI = fileURLToPath(new URL('../../../packages/cli/bin/p2pcloud.js', import.meta.url))

export interface CliResult {
  code: number | null
  stdout: string
  stderr: string
}

/** The command line that runs the CLI, inside network namespace `netns` when given. */
function cliCommand (netns?: string): string[] {
  return netns != null ? ['ip', 'netns', 'exec', netns, process.execPath, CLI] : [process.execPath, CLI]
}

/**
 * The same for a daemon: only its network namespace is entered. (`ip netns exec` also gives the
 * process a mount namespace with a fresh /sys, in which runc finds no cgroups: a farmer there could
 * not run containers.)
 */
function daemonCommand (netns?: string): string[] {
  return netns != null ? ['nsenter', `--net=/var/run/netns/${netns}`, process.execPath, CLI] : [process.execPath, CLI]
}

/** Run one CLI command to completion. `P2PCLOUD_HOME` is cleared unless given, so no test touches ~/.p2pcloud. */
export async function runCli (args: string[], env: NodeJS.ProcessEnv = {}, netns?: string): Promise<CliResult> {
  const [program, ...programArgs] = cliCommand(netns)
  const child = spawn(program, [...programArgs, ...args], {
    env: { ...process.env, P2PCLOUD_HOME: undefined, ...env },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', chunk => { stdout += chunk })
  child.stderr.on('data', chunk => { stderr += chunk })
  const code = await new Promise<number | null>(resolve => child.on('exit', resolve))
  return { code, stdout, stderr }
}

export interface DaemonReady {
  peerId: string
  addresses: string[]
  api: string
  home: string
  /** The metrics.listen URL, when config.json has one. */
  metrics?: string
}

export interface CliDaemon {
  child: ChildProcess
  ready: DaemonReady
  /** SIGTERM, then the exit code (a clean stop exits 0). */
  stop(): Promise<number | null>
}

/** Loopback only and no mDNS, so that a test never sends a packet off this machine. */
const LOOPBACK_ARGS = ['--listen', '/ip4/127.0.0.1/tcp/0', '--no-mdns', '--api', '127.0.0.1:0']
/** Inside a test's own network namespace: all interfaces, mDNS on. */
const NETNS_ARGS = ['--listen', '/ip4/0.0.0.0/tcp/0', '--api', '127.0.0.1:0']

export interface SpawnDaemonOptions {
  args?: string[]
  /** Run inside this network namespace (made by the test) instead of on loopback. */
  netns?: string
}

/**
 * `p2pcloud start --json` as a child process, resolved once it prints its
 * ready line; rejects with its stderr if it exits first.
 */
export async function spawnDaemon (home: string, options: SpawnDaemonOptions = {}): Promise<CliDaemon> {
  const [program, ...programArgs] = daemonCommand(options.netns)
  const placement = options.netns != null ? NETNS_ARGS : LOOPBACK_ARGS
  const child = spawn(program, [...programArgs, 'start', '--json', '--home', home, ...placement, ...(options.args ?? [])], {
    env: { ...process.env, P2PCLOUD_HOME: undefined },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  let stderr = ''
  child.stderr?.on('data', chunk => { stderr += chunk })
  const exited = new Promise<number | null>(resolve => child.on('exit', resolve))
  const ready = await new Promise<DaemonReady>((resolve, reject) => {
    let stdout = ''
    child.stdout?.on('data', chunk => {
      stdout += chunk
      const line = stdout.split('\n').find(l => l.startsWith('{'))
      if (line != null) resolve(JSON.parse(line))
    })
    void exited.then(code => { reject(new Error(`daemon exited with ${code} before it was ready: ${stderr}`)) })
  })
  return {
    child,
    ready,
    async stop () {
      if (child.exitCode == null && child.signalCode == null) child.kill('SIGTERM')
      return exited
    }
  }
}

/**
 * A farmer's home made by `p2pcloud init --farmer` (farm gent, BE, offering no kind of its own unless `settings` say) whose config states `capacity`
 * (sizes as in config.json: "4G") instead of measuring this machine, and any other farmer `settings`.
 */
export async function farmerHome (prefix: string, capacity: Record<string, number | string>, settings: Record<string, unknown> = {}): Promise<string> {
  const home = await tempDir(prefix)
  const init = await runCli(['init', '--home', home, '--farmer', '--farm', 'gent', '--country', 'BE', '--capabilities', 'none'])
  if (init.code !== 0) throw new Error(`p2pcloud init failed: ${init.stderr}`)
  const configPath = join(home, 'config.json')
  const config = JSON.parse(await readFile(configPath, 'utf8'))
  config.farmer = { ...config.farmer, ...settings, capacity: { ...config.farmer.capacity, ...capacity } }
  await writeFile(configPath, JSON.stringify(config, null, 2))
  return home
}

/** The output of a CLI run that must succeed; else the assertion names `what` and the CLI's stderr. */
export function ok (result: CliResult, what: string): string {
  assert.equal(result.code, 0, `${what}: ${result.stderr}`)
  return result.stdout
}
