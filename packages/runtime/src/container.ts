import { spawn, execFile, type ChildProcess } from 'node:child_process'
import { readFile } from 'node:fs/promises'
import type { Readable } from 'node:stream'
import { promisify } from 'node:util'
import { logger } from '@libp2p/logger'
import { startExec, type ExecOptions, type ExecProcess } from './exec-process.js'
import type { LogStore } from './log-store.js'

const log = logger('p2pcloud:runtime:container')
const run = promisify(execFile)

export const RESTART_POLICIES = ['never', 'on-failure', 'always'] as const
export type RestartPolicy = typeof RESTART_POLICIES[number]

export interface ContainerOptions {
  /** runc's state directory (`runc --root`). */
  runcRoot: string
  id: string
  bundle: string
  /** Under /sys/fs/cgroup/memory: where runc put the container's memory cgroup (its OOM counter). */
  cgroupsPath: string
  memoryLimit: number
  restart: RestartPolicy
  logs: LogStore
  /** The container exited for good (`error`) or came back after a restart (`ok`). */
  onChange: (state: 'ok' | 'error', message: string) => void
}

const BACKOFF_START_MS = 1000
const BACKOFF_MAX_MS = 30_000
/** Running this long resets the back-off: it was a healthy run, not a crash loop. */
const HEALTHY_RUN_MS = 60_000

/** runc commands on one state root. */
export async function runc (runcRoot: string, ...args: string[]): Promise<string> {
  const { stdout } = await run('runc', ['--root', runcRoot, ...args], { timeout: 30_000 })
  return stdout
}

/**
 * Reads the pipe only as fast as the log takes it: while a chunk is being
 * written the pipe is not read, so a container that floods its output blocks
 * on a full pipe instead of filling the daemon's memory.
 */
async function pipeInto (logs: LogStore, from: Readable | null, stream: 'stdout' | 'stderr', id: string): Promise<void> {
  if (from == null) return
  for await (const data of from) {
    // a chunk that cannot be written is lost, not the container's pipe
    await logs.append({ at: Date.now(), stream, data }).catch(err => { log.error('log of %s - %e', id, err) })
  }
}

/**
 * One container, run in the foreground by `runc run --keep` as our child so
 * its exit code is ours, its output piped into its log; after an exit its
 * cgroup is still there to say whether the kernel's OOM killer ended it.
 */
export class Container {
  private child?: ChildProcess
  private exited?: Promise<void>
  private stopping = false
  private backoffMs = BACKOFF_START_MS
  private restartTimer?: ReturnType<typeof setTimeout>
  /** The init's host pid, as runc said while `child` ran. */
  private init?: { child: ChildProcess, pid: number }

  constructor (private readonly options: ContainerOptions) {}

  /** Start it; resolves once runc says it runs, rejects with its output when it ends first. */
  async start (): Promise<void> {
    this.stopping = false
    await this.clear()
    const { runcRoot, bundle, id, logs } = this.options
    const child = spawn('runc', ['--root', runcRoot, 'run', '--keep', '--bundle', bundle, id], { stdio: ['ignore', 'pipe', 'pipe'] })
    this.child = child
    const startedAt = Date.now()
    const writes = Promise.all([pipeInto(logs, child.stdout, 'stdout', id), pipeInto(logs, child.stderr, 'stderr', id)])
    const ended = new Promise<{ code: number | null, signal: NodeJS.Signals | null }>(resolve => { child.once('exit', (code, signal) => { resolve({ code, signal }) }) })
    this.exited = ended.then(async outcome => { await writes; await this.onExit(outcome, Date.now() - startedAt) })
    // wait until runc has the container running, or it is already gone
    while (true) {
      const exited = await Promise.race([ended.then(() => true), new Promise<false>(resolve => setTimeout(() => { resolve(false) }, 50))])
      if (exited) {
        await this.exited
        throw new Error(`the container exited at start: ${await this.describeEnd()}`)
      }
      const state = await runc(runcRoot, 'state', id).then(out => JSON.parse(out).status as string, () => 'creating')
      if (state === 'running' || state === 'stopped') return
    }
  }

  private lastEnd = ''

  private async describeEnd (): Promise<string> {
    const lines = await this.options.logs.lastLines()
    return `${this.lastEnd}${lines !== '' ? `; last output: ${lines}` : ''}`
  }

  private async onExit ({ code, signal }: { code: number | null, signal: NodeJS.Signals | null }, ranMs: number): Promise<void> {
    const oom = await this.oomKilled()
    await this.clear()
    this.child = undefined
    if (this.stopping) return
    this.lastEnd = oom
      ? `killed: out of memory (limit ${Math.round(this.options.memoryLimit / 2 ** 20)} MiB)`
      : code != null ? `exited with code ${code}` : `killed by ${signal ?? 'a signal'}`
    const failed = oom || code !== 0
    const restart = this.options.restart === 'always' || (this.options.restart === 'on-failure' && failed)
    const message = await this.describeEnd()
    if (!restart) {
      this.options.onChange('error', message)
      return
    }
    if (ranMs >= HEALTHY_RUN_MS) this.backoffMs = BACKOFF_START_MS
    const wait = this.backoffMs
    this.backoffMs = Math.min(this.backoffMs * 2, BACKOFF_MAX_MS)
    this.options.onChange('error', `${message}; restarting in ${wait / 1000} s`)
    this.restartTimer = setTimeout(() => {
      this.start().then(() => { this.options.onChange('ok', '') }, err => { log('restart of %s failed - %e', this.options.id, err) })
    }, wait)
  }

  /** cgroups v1: the kernel counts OOM kills in memory.oom_control (`oom_kill N`). */
  private async oomKilled (): Promise<boolean> {
    const text = await readFile(`/sys/fs/cgroup/memory/${this.options.cgroupsPath}/memory.oom_control`, 'utf8').catch(() => '')
    return /oom_kill [1-9]/.test(text)
  }

  /** Forget what runc keeps of an earlier run (also one left by a daemon that crashed). */
  private async clear (): Promise<void> {
    await runc(this.options.runcRoot, 'delete', '--force', this.options.id).catch(() => {})
  }

  /** Stop it for good (until the next start); nothing is reported. */
  async stop (): Promise<void> {
    this.stopping = true
    clearTimeout(this.restartTimer)
    if (this.child != null) {
      await runc(this.options.runcRoot, 'kill', this.options.id, 'KILL').catch(() => {})
      await this.exited
    }
    await this.clear()
  }

  /** Run a command inside the running container; its output and exit code. */
  async exec (argv: string[], options: { signal?: AbortSignal } = {}): Promise<{ code: number, stdout: string, stderr: string }> {
    return new Promise((resolve, reject) => {
      execFile('runc', ['--root', this.options.runcRoot, 'exec', this.options.id, ...argv], { signal: options.signal, timeout: 60_000, maxBuffer: 4 * 2 ** 20 }, (err: any, stdout, stderr) => {
        if (err != null && typeof err.code !== 'number') { reject(err); return }
        resolve({ code: err?.code ?? 0, stdout, stderr })
      })
    })
  }

  /**
   * The host pid of its init while it runs (runc's state), else undefined. Checked on every call
   * to be a process of the container's own memory cgroup: a pid freed by its end and reused by
   * another process is never given out.
   */
  async pid (): Promise<number | undefined> {
    const child = this.child
    if (child == null) return undefined
    // runc runs in the foreground for the container's life: one child, one init
    if (this.init?.child !== child) {
      const state = await runc(this.options.runcRoot, 'state', this.options.id).then(out => JSON.parse(out), () => undefined)
      if (state?.status !== 'running' || !Number.isSafeInteger(state.pid) || state.pid <= 1 || this.child !== child) return undefined
      this.init = { child, pid: state.pid }
    }
    const pid = this.init.pid
    const cgroups = await readFile(`/proc/${pid}/cgroup`, 'utf8').catch(() => '')
    return cgroups.split('\n').some(line => line.endsWith(`:${this.options.cgroupsPath}`) && line.split(':')[1].split(',').includes('memory')) ? pid : undefined
  }

  /** Start a command inside the running container, its stdio streamed (exec-process.ts). */
  async startExec (options: ExecOptions): Promise<ExecProcess> {
    return startExec(this.options.runcRoot, this.options.id, this.options.bundle, options)
  }
}
