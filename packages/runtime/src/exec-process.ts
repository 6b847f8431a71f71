import { spawn, execFile, type ChildProcess } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { access, readFile, rm, writeFile } from 'node:fs/promises'
import { constants } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'

const run = promisify(execFile)

export interface WindowSize { rows: number, cols: number }

export interface ExecOptions {
  argv: string[]
  /** On a terminal of this size: one output stream (stdout), input as typed. */
  tty?: WindowSize
}

/** A command running in a container: its pipes, a resize (tty), a kill and its exit code. */
export interface ExecProcess {
  readonly child: ChildProcess
  /** Resolves with the exit code, 128 + n when a signal n ended it. */
  readonly exited: Promise<number>
  /** Resolves once the command runs (runc wrote its pid), or it ended first. */
  readonly started: Promise<void>
  resize: (size: WindowSize) => Promise<void>
  /** Kill the command itself (not only runc, which would leave it running in the container). */
  kill: () => Promise<void>
}

function killQuietly (pid: number): void {
  try {
    process.kill(pid, 'SIGKILL')
  } catch (err: any) {
    if (err.code !== 'ESRCH') throw err
  }
}

/** A word for `sh -c`, taken literally: single quotes, each ' closed, escaped and reopened. */
function shellWord (word: string): string {
  return `'${word.replaceAll("'", "'\\''")}'`
}

/**
 * `runc exec` of `argv` in a running container, as the container's own process (its user,
 * environment, capabilities, rlimits, from the bundle's config.json) in its namespaces and
 * cgroups, so under its limits. Without a terminal its stdio are our pipes. With one: `runc exec`
 * in the foreground relays the container's pty to a terminal of its own, so it runs under
 * util-linux `script`, whose pty it gets, made raw and of the client's size by `stty` first (runc
 * copies that size to the container's pty on every SIGWINCH, which a resize of it sends); the
 * container's pty has the size from the start (`consoleSize`), before the command reads it.
 * `--pid-file` names the command's host pid, for a kill that reaches it.
 */
export async function startExec (runcRoot: string, id: string, bundle: string, options: ExecOptions): Promise<ExecProcess> {
  const session = randomUUID()
  const pidFile = join(bundle, `exec-${session}.pid`)
  const processFile = join(bundle, `exec-${session}.json`)
  const own = JSON.parse(await readFile(join(bundle, 'config.json'), 'utf8')).process
  const tty = options.tty
  await writeFile(processFile, JSON.stringify({ ...own, args: options.argv, terminal: tty != null, consoleSize: tty != null ? { height: tty.rows, width: tty.cols } : undefined }), { mode: 0o600 })
  const runcArgs = ['--root', runcRoot, 'exec', '--process', processFile, '--pid-file', pidFile, id]
  const child = tty == null
    ? spawn('runc', runcArgs, { stdio: ['pipe', 'pipe', 'pipe'] })
    : spawn('script', ['--quiet', '--return', '--command', `stty raw -echo rows ${tty.rows} cols ${tty.cols} && exec runc ${runcArgs.map(shellWord).join(' ')}`, '/dev/null'], {
      stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, SHELL: '/bin/sh' }
    })
  const exited = new Promise<number>(resolve => {
    child.once('exit', (code, signal) => { resolve(code ?? 128 + (signal != null ? constants.signals[signal] : 9)) })
    child.once('error', () => { resolve(127) })
  })
  let ended = false
  const started = (async () => {
    while (!ended && !await access(pidFile).then(() => true, () => false)) await new Promise(resolve => setTimeout(resolve, 20))
  })()
  void exited.then(async () => {
    ended = true
    await started
    await Promise.all([rm(pidFile, { force: true }), rm(processFile, { force: true })])
  })
  return {
    child,
    exited,
    started,
    resize: async ({ rows, cols }) => {
      if (tty == null) return
      // before runc runs, `stty` in script's shell could still set the size back
      await started
      // script's child is runc (the shell exec'd it); its stdin is script's pty
      const runcPid = (await readFile(`/proc/${child.pid}/task/${child.pid}/children`, 'utf8')).trim().split(' ')[0]
      if (runcPid === '' || runcPid == null) return
      await run('stty', ['-F', `/proc/${runcPid}/fd/0`, 'rows', String(rows), 'cols', String(cols)], { timeout: 5000 })
    },
    kill: async () => {
      const pid = Number(await readFile(pidFile, 'utf8').catch(() => ''))
      // ESRCH: it is gone already
      if (Number.isSafeInteger(pid) && pid > 1) killQuietly(pid)
      child.kill('SIGKILL')
    }
  }
}
