import { chmod, mkdtemp, readdir, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { hostIdOf, makeBusyboxRootfs, runcUnavailable } from '@p2pcloud/runtime'
import { benchContainer } from './bench-container.js'
import type { Benchmark, Measurement } from './results.js'

const MiB = 2 ** 20
const PHASE_MS = 5000
const SAMPLE_MS = 10

interface Phase {
  /** Highest RSS of this process while the container ran. */
  peakRss: number
  /** That peak less the RSS when the container started. */
  growth: number
  /** Bytes of the container's log on disk at the end. */
  logBytes: number
}

/** Run `command` in a container with the runtime's Container and LogStore (the farmer's path) for PHASE_MS, sampling this process's RSS. */
async function phase (dir: string, tree: string, name: string, command: string[]): Promise<Phase> {
  const { container, logsDir } = await benchContainer({ dir, tree, name, command, pidsLimit: 16 })
  const start = process.memoryUsage().rss
  let peakRss = start
  const sampler = setInterval(() => { peakRss = Math.max(peakRss, process.memoryUsage().rss) }, SAMPLE_MS)
  try {
    await container.start()
    await new Promise(resolve => setTimeout(resolve, PHASE_MS))
  } finally {
    await container.stop()
    clearInterval(sampler)
  }
  let logBytes = 0
  // an idle container wrote nothing: no log directory
  for (const file of await readdir(logsDir).catch(() => [])) logBytes += (await stat(join(logsDir, file))).size
  return { peakRss, growth: peakRss - start, logBytes }
}

/**
 * A container that writes `cat /dev/zero` to its stdout for 5 s, run as a
 * farmer runs it (runc's pipes into the container's LogStore), against the same
 * container idle (`sleep`) for 5 s in the same process just before: the
 * daemon's peak RSS under the flood over its peak RSS with the idle container.
 * Needs root, runc and busybox-static.
 */
async function run (): Promise<Measurement> {
  const missing = await runcUnavailable()
  if (missing !== undefined) throw new Error(`log-flood cannot run here: ${missing}`)
  const dir = await mkdtemp(join(tmpdir(), 'p2pcloud-bench-flood-'))
  try {
    // owned by the containers' mapped root, in a directory it can reach (as the farmer's flist cache makes trees)
    const tree = await makeBusyboxRootfs(join(dir, 'busybox'), { owner: hostIdOf(0) })
    await chmod(dir, 0o711)
    const idle = await phase(dir, tree, 'idle', ['sleep', '3600'])
    const flood = await phase(dir, tree, 'flood', ['cat', '/dev/zero'])
    return {
      metric: 'peak RSS of the process running a container that floods its stdout (cat /dev/zero) for 5 s',
      value: flood.peakRss / MiB,
      unit: 'MiB',
      baseline: 'the same process running the same container idle (sleep) for 5 s just before',
      baselineValue: idle.peakRss / MiB,
      extra: {
        phaseSeconds: PHASE_MS / 1000,
        floodRssGrowthMiB: flood.growth / MiB,
        idleRssGrowthMiB: idle.growth / MiB,
        floodLogOnDiskMiB: flood.logBytes / MiB
      }
    }
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}

export const logFlood: Benchmark = { name: 'log-flood', run }
