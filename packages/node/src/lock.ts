import { readFile, unlink, writeFile } from 'node:fs/promises'
import { HomeLockedError } from './errors.js'

/** Held while a daemon runs on a home; `release()` is idempotent. */
export interface HomeLock {
  release(): Promise<void>
}

export function isRunning (pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (err: any) {
    // EPERM: the process exists but belongs to someone else
    return err.code === 'EPERM'
  }
}

/** The pid a lock file names, or undefined when there is none (whether it still runs is isRunning's question). */
export async function readHolder (path: string): Promise<number | undefined> {
  try {
    const pid = Number.parseInt(await readFile(path, 'utf8'), 10)
    return Number.isSafeInteger(pid) && pid > 0 ? pid : undefined
  } catch (err: any) {
    if (err.code === 'ENOENT') return undefined
    throw err
  }
}

/**
 * Take the home's lock file (it holds the owner's pid). A lock left by a
 * process that no longer runs is taken over, so a crash never blocks a restart.
 */
export async function acquireHomeLock (path: string, home: string): Promise<HomeLock> {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      await writeFile(path, `${process.pid}\n`, { flag: 'wx', mode: 0o644 })
      let released = false
      return {
        async release () {
          if (released) return
          released = true
          await unlink(path).catch(() => {})
        }
      }
    } catch (err: any) {
      if (err.code !== 'EEXIST') throw err
    }
    const holder = await readHolder(path)
    if (holder != null && isRunning(holder)) {
      throw new HomeLockedError(`another p2pcloud daemon (pid ${holder}) is already running on ${home}; stop it first or use another --home`)
    }
    // stale lock from a process that is gone
    await unlink(path).catch(() => {})
  }
  throw new HomeLockedError(`could not take the lock ${path}; another daemon is starting on ${home}`)
}
