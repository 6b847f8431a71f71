import { spawn, execFile, type ChildProcess } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { readFile, rm } from 'node:fs/promises'
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
 * `runc exec` of `argv` in a running container, which runs it as the container's own process
 * (its user, environment, capabilities) in its namespaces and cgroups, so under its limits.
 * Without a terminal its stdio are our pipes. With one: `runc exec --tty` in the foreground
 * wants a terminal of its own to relay the container's pty to, so it runs under util-linux
 * `script`, whose pty it gets; `stty` gives that pty the client's size, which runc copies to
 * the container's at start and on every SIGWINCH (a resize of that pty sends one).
 * `--pid-file` names the command's host pid, for a kill that reaches it.
 */
export function startExec (runcRoot: string, id: string, pidDir: string, options: ExecOptions): ExecProcess {
  const pidFile = join(pidDir, `exec-${randomUUID()}.pid`)
  const runcArgs = ['--root', runcRoot, 'exec', ...(options.tty != null ? ['--tty'] : []), '--pid-file', pidFile, id, ...options.argv]
  let child: ChildProcess
  if (options.tty == null) {
    child = spawn('runc', runcArgs, { stdio: ['pipe', 'pipe', 'pipe'] })
  } else {
    const { rows, cols } = options.tty
    const command = `stty rows ${rows} cols ${cols} && exec runc ${runcArgs.map(shellWord).join(' ')}`
    child = spawn('script', ['--quiet', '--return', '--echo', 'never', '--command', command, '/dev/null'], { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, SHELL: '/bin/sh' } })
  }
  const exited = new Promise<number>(resolve => {
    child.once('exit', (code, signal) => { resolve(code ?? 128 + (signal != null ? constants.signals[signal] : 9)) })
    child.once('error', () => { resolve(127) })
  })
  void exited.then(async () => { await rm(pidFile, { force: true }) })
  return {
    child,
    exited,
    resize: async ({ rows, cols }) => {
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
