import { execFile } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import type { DaemonLibp2p } from '@p2pcloud/daemon'
import { writeRepeatedBlockFlist, writeUnderstatedFlist } from '../hostile-flists.js'
import { startLoopbackDaemon } from '../loopback-peers.js'
import type { Benchmark, Measurement } from './results.js'

const MiB = 2 ** 20
const GiB = 2 ** 30
/** The farmer's flist cache (farmer.flistCacheBytes) under attack. */
const CACHE_BYTES = 64 * MiB
const DECLARED_BYTES = 2 * GiB
const UNDERSTATED_FILES = 192

/** Bytes the files under `dir` take on disk (du: allocated blocks, hard links once). */
async function diskUse (dir: string): Promise<number> {
  const { stdout } = await promisify(execFile)('du', ['-s', '--block-size=1', dir])
  return Number(stdout.split('\t')[0])
}

/**
 * Disk a farmer's flist cache of 64 MiB takes when a tenant's container asks it for a hostile
 * flist (FlistCache.acquire, what the container driver calls): a 2 GiB tree whose every
 * chunk is one block (an archive of ~0.7 MB), against the same flist fetched and materialised
 * with no disk limit (FlistService.get). Also the disk after a flist whose manifest declares
 * 1 KiB per file while each block is 512 KiB.
 */
async function run (): Promise<Measurement> {
  const dir = await mkdtemp(join(tmpdir(), 'p2pcloud-bench-flist-disk-'))
  const peers: DaemonLibp2p[] = []
  try {
    const repeated = await writeRepeatedBlockFlist(join(dir, 'repeated.flist'), DECLARED_BYTES)
    const understated = await writeUnderstatedFlist(join(dir, 'understated.flist'), UNDERSTATED_FILES, 1024)
    const bot = await startLoopbackDaemon({ home: join(dir, 'bot') })
    const farmer = await startLoopbackDaemon({ home: join(dir, 'farmer') })
    const unbounded = await startLoopbackDaemon({ home: join(dir, 'unbounded') })
    peers.push(bot, farmer, unbounded)
    for (const peer of [farmer, unbounded]) await peer.dial(bot.getMultiaddrs())
    await bot.services.flists.publish(join(dir, 'repeated.flist'))
    await bot.services.flists.publish(join(dir, 'understated.flist'))

    const cache = farmer.services.flists.cache({ root: join(dir, 'farmer', 'cache'), maxBytes: CACHE_BYTES })
    // the disk while the flist is held, as by the container that asked for it (released, an unused flist over the limit is evicted)
    const attack = async (cid: string): Promise<number> => {
      const held = await cache.acquire(cid).catch(() => undefined)
      const used = await diskUse(join(dir, 'farmer'))
      await held?.release()
      return used
    }
    const repeatedBytes = await attack(repeated.cid.toString())
    const understatedBytes = await attack(understated.cid.toString())
    await unbounded.services.flists.get(repeated.cid, join(dir, 'unbounded', 'tree'))
    return {
      metric: 'disk taken by a 64 MiB flist cache asked for a 2 GiB flist of one repeated block',
      value: repeatedBytes / MiB,
      unit: 'MiB',
      baseline: 'the same flist fetched and materialised with no disk limit (FlistService.get)',
      baselineValue: await diskUse(join(dir, 'unbounded')) / MiB,
      extra: {
        archiveKB: repeated.archiveBytes / 1000,
        cacheMiB: CACHE_BYTES / MiB,
        declaredMiB: DECLARED_BYTES / MiB,
        understatedBlocksMiB: UNDERSTATED_FILES / 2,
        understatedDiskMiB: understatedBytes / MiB
      }
    }
  } finally {
    await Promise.all(peers.map(async peer => peer.stop()))
    await rm(dir, { recursive: true, force: true })
  }
}

export const flistDiskAttack: Benchmark = { name: 'flist-disk-attack', run }
