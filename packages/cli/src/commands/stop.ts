import { readFile } from 'node:fs/promises'
import { setTimeout as sleep } from 'node:timers/promises'
import type { Command } from 'commander'
import { isRunning, readHolder } from '@p2pcloud/node/home-files'
import { contextOf, type CommandContext } from '../context.js'
import { print } from '../output.js'

/** How long `stop` waits for the daemon to finish its clean stop before saying it did not. */
const STOP_WAIT_MS = 60_000

/**
 * Is `pid` a p2pcloud process? A lock left by a crash can name a pid the system has since given
 * to another program, which must not get our signal. Where /proc is not there, the lock is trusted.
 */
async function isP2pcloud (pid: number): Promise<boolean> {
  if (process.platform !== 'linux') return true
  return (await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '')).includes('p2pcloud')
}

/** The pid of the daemon running on the context's home; an error naming why when there is none. */
async function daemonPid (context: CommandContext): Promise<number> {
  const pid = await readHolder(context.paths.lock)
  if (pid == null) throw new Error(`no daemon is running on ${context.home} (${context.paths.lock} does not exist)`)
  if (!isRunning(pid) || !await isP2pcloud(pid)) {
    throw new Error(`no daemon is running on ${context.home} (${context.paths.lock} names pid ${pid}, which is no p2pcloud daemon; a crash left it, and the next start takes it over)`)
  }
  return pid
}

export function registerStop (program: Command): void {
  program
    .command('stop')
    .description('stop the daemon running on this home cleanly (SIGTERM to the pid in <home>/daemon.lock) and wait until it exited')
    .action(async (_options, command: Command) => {
      const context = contextOf(command)
      const pid = await daemonPid(context)
      process.kill(pid, 'SIGTERM')
      const started = Date.now()
      while (isRunning(pid)) {
        if (Date.now() - started > STOP_WAIT_MS) {
          throw new Error(`the daemon (pid ${pid}) on ${context.home} is still stopping after ${STOP_WAIT_MS / 1000} s; "kill -KILL ${pid}" ends it without a clean stop`)
        }
        await sleep(100)
      }
      print(context, { stopped: pid, home: context.home, seconds: (Date.now() - started) / 1000 }, s => [`stopped the daemon (pid ${s.stopped}) on ${s.home}`])
    })
}
