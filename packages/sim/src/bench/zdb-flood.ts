import { fork } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { multiaddr } from '@multiformats/multiaddr'
import { floodZdb, resetPeakMemory, residentMemory } from '../zdb-flood.js'
import type { Benchmark, Measurement } from './results.js'

const FARMER = fileURLToPath(new URL('./workers/zdb-farmer-process.js', import.meta.url))
const MiB = 2 ** 20
const IDENTITIES = 10
const STREAMS = 16
const ROUNDS = 2
/** A value a little under 4 MiB: the most a farmer that read requests whole before checking them took in. */
const VALUE_BYTES = 4 * MiB - 1024
/** Let the farmer's first advert, DHT and identify work settle before its idle RSS is read. */
const SETTLE_MS = 3000

/**
 * Peak resident memory of a zdb farmer, in a process of its own, while IDENTITIES peers that may
 * not use the namespace each keep STREAMS SETs of about 4 MiB in flight, ROUNDS times over
 * (zdb.md §9): after its idle RSS, against that idle RSS as the baseline. The target is a
 * namespace no one holds, which a farmer answers exactly as one the sender is not listed on.
 */
async function run (): Promise<Measurement> {
  const home = await mkdtemp(join(tmpdir(), 'p2pcloud-bench-zdb-flood-'))
  const farmer = fork(FARMER, [home], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })
  try {
    const { address, pid } = await new Promise<{ address: string, pid: number }>((resolve, reject) => {
      farmer.once('message', message => { resolve(message as { address: string, pid: number }) })
      farmer.once('exit', code => { reject(new Error(`the zdb farmer exited (code ${code}) before it started`)) })
    })
    await new Promise(resolve => setTimeout(resolve, SETTLE_MS))
    const idle = await residentMemory(pid)
    await resetPeakMemory(pid)
    const started = performance.now()
    const target = { contractId: '00'.repeat(32), namespace: 'objects' }
    const answers = await floodZdb(multiaddr(address), target, { identities: IDENTITIES, streams: STREAMS, rounds: ROUNDS, valueBytes: VALUE_BYTES })
    const floodMs = performance.now() - started
    const flooded = await residentMemory(pid)
    return {
      metric: `zdb farmer peak RSS while ${IDENTITIES} unlisted peers × ${STREAMS} streams × ${ROUNDS} rounds send ${(VALUE_BYTES / MiB).toFixed(2)} MiB SETs`,
      value: flooded.peak / MiB,
      unit: 'MiB',
      baseline: 'the same farmer idle, just before the flood',
      baselineValue: idle.rss / MiB,
      extra: {
        growthMiB: (flooded.peak - idle.rss) / MiB,
        rssAfterMiB: flooded.rss / MiB,
        sentMiB: IDENTITIES * STREAMS * ROUNDS * VALUE_BYTES / MiB,
        answeredNotFound: answers.NOT_FOUND ?? 0,
        unanswered: Object.entries(answers).filter(([code]) => code !== 'NOT_FOUND').reduce((sum, [, count]) => sum + count, 0),
        floodMs
      }
    }
  } finally {
    farmer.send('stop')
    await new Promise(resolve => { if (farmer.exitCode != null) resolve(undefined); else farmer.once('exit', resolve) })
    await rm(home, { recursive: true, force: true })
  }
}

export const zdbFlood: Benchmark = { name: 'zdb-flood', run }
