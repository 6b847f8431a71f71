import { mkdir, mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Container, LogStore, makeBusyboxRootfs, ociSpec, runcUnavailable } from '@p2pcloud/runtime'
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
  const bundle = join(dir, name)
  await mkdir(bundle)
  const id = `p2pcloud-bench-flood-${process.pid}-${name}`
  const cgroupsPath = `/p2pcloud/${id}`
  const spec = ociSpec({
    hostname: name,
    rootfs: tree,
    image: { entrypoint: [], cmd: [], env: [], workingDir: '', user: '' },
    entrypoint: [],
    args: command,
    env: [],
    workdir: '',
    user: { uid: 0, gid: 0 },
    cru: 1,
    mru: 64 * MiB,
    pidsLimit: 16,
    cgroupsPath,
    mounts: []
  })
  await writeFile(join(bundle, 'config.json'), JSON.stringify(spec))
  const logsDir = join(bundle, 'logs')
  const container = new Container({ runcRoot: join(dir, 'runc'), id, bundle, cgroupsPath, memoryLimit: 64 * MiB, restart: 'never', logs: new LogStore(logsDir), onChange: () => {} })
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
    const tree = await makeBusyboxRootfs(join(dir, 'busybox'))
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
