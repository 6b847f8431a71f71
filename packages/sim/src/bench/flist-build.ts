import { execFile } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { buildFromDirectory } from '@p2pcloud/flist'
import type { Benchmark } from './results.js'

const run = promisify(execFile)
const MB = 1_000_000

/** A tree like a small image: a few large files, many small ones, some duplicated content. */
async function makeTree (dir: string): Promise<number> {
  let bytes = 0
  const shared = randomBytes(256 * 1024)
  for (let d = 0; d < 20; d++) {
    const sub = join(dir, `dir${d}`)
    await mkdir(sub, { recursive: true })
    for (let f = 0; f < 50; f++) {
      const data = f % 10 === 0 ? shared : randomBytes(4096 + f * 512)
      await writeFile(join(sub, `file${f}`), data)
      bytes += data.byteLength
    }
  }
  for (let f = 0; f < 4; f++) {
    const data = randomBytes(10 * 2 ** 20)
    await writeFile(join(dir, `large${f}`), data)
    bytes += data.byteLength
  }
  return bytes
}

async function seconds (work: () => Promise<unknown>): Promise<number> {
  const started = performance.now()
  await work()
  return (performance.now() - started) / 1000
}

/** MB/s of building an flist file from a ~60 MB tree, against `tar -c` of the same tree to a file. */
export const flistBuild: Benchmark = {
  name: 'flist-build',
  async run () {
    const dir = await mkdtemp(join(tmpdir(), 'p2pcloud-bench-flist-'))
    try {
      const tree = join(dir, 'tree')
      const bytes = await makeTree(tree)
      const flistTimes: number[] = []
      const tarTimes: number[] = []
      // alternate, so that the page cache and the machine's load treat both alike
      for (let i = 0; i < 3; i++) {
        tarTimes.push(await seconds(async () => run('tar', ['-c', '-f', join(dir, `tree${i}.tar`), '-C', tree, '.'])))
        flistTimes.push(await seconds(async () => buildFromDirectory(tree, join(dir, `tree${i}.flist`))))
      }
      const best = (times: number[]): number => Math.min(...times)
      return {
        metric: 'build throughput',
        value: bytes / MB / best(flistTimes),
        unit: 'MB/s',
        baseline: 'tar -c of the same tree to a file (GNU tar)',
        baselineValue: bytes / MB / best(tarTimes),
        extra: { treeMB: bytes / MB, files: 1004 }
      }
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  }
}
