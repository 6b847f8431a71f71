import { readFile, realpath, stat, statfs } from 'node:fs/promises'
import { availableParallelism, totalmem } from 'node:os'
import { join } from 'node:path'
import type { CapacityOverrides } from './settings.js'
import type { Resources } from './resources.js'

const GiB = 2 ** 30

/**
 * Memory the node keeps for itself: 10% of RAM with a floor of 2 GiB, but never
 * more than a quarter of a small machine (a test VM must still offer something).
 */
export function memoryReserve (total: number): number {
  return Math.max(Math.round(total * 0.1), Math.min(2 * GiB, Math.round(total / 4)))
}

/** Linux's encoding of a device number (see makedev(3)). */
function majorMinor (dev: number): string {
  const big = BigInt(dev)
  const major = ((big >> 8n) & 0xfffn) | ((big >> 32n) & ~0xfffn)
  const minor = (big & 0xffn) | ((big >> 12n) & ~0xffn)
  return `${major}:${minor}`
}

/**
 * Is the disk holding `path` rotational (an HDD)? Read from
 * /sys/block/<disk>/queue/rotational. Undefined when the filesystem has no
 * block device of its own (overlay, tmpfs): the caller then counts it as SSD.
 */
export async function isRotational (path: string): Promise<boolean | undefined> {
  try {
    const device = await realpath(join('/sys/dev/block', majorMinor((await stat(path)).dev)))
    // a partition's queue/ lives on its parent disk
    const isPartition = await stat(join(device, 'partition')).then(() => true, () => false)
    const disk = isPartition ? join(device, '..') : device
    return (await readFile(join(disk, 'queue', 'rotational'), 'utf8')).trim() === '1'
  } catch {
    return undefined
  }
}

export interface ProbeResult {
  /** Totals offered: measured, or from config.json where it sets them. */
  total: Resources
  /** How each figure was obtained, for `p2pcloud capacity` and logs. */
  sources: Record<keyof Resources, string>
}

/**
 * Measure what this machine can offer: cores, RAM minus the node's reserve,
 * and the free space of the filesystem holding the home as SSD or HDD
 * capacity. config.json's `farmer.capacity` overrides any figure (so one
 * machine can run several farmers in tests and demos).
 */
export async function probeCapacity (home: string, overrides: CapacityOverrides): Promise<ProbeResult> {
  const memory = totalmem()
  const fs = await statfs(home)
  const freeDisk = fs.bavail * fs.bsize
  const rotational = await isRotational(home)
  const disk = rotational === true ? 'hru' : 'sru'
  const diskSource = rotational == null
    ? `free space of ${home} (no block device found; counted as SSD)`
    : `free space of ${home} (${rotational ? 'rotational: HDD' : 'non-rotational: SSD'})`
  const measured: Resources = {
    cru: availableParallelism(),
    mru: Math.max(0, memory - memoryReserve(memory)),
    sru: disk === 'sru' ? freeDisk : 0,
    hru: disk === 'hru' ? freeDisk : 0,
    ipv4u: 0
  }
  const sources: ProbeResult['sources'] = {
    cru: 'logical cores',
    mru: `RAM ${memory} bytes minus the node's reserve of ${memoryReserve(memory)}`,
    sru: disk === 'sru' ? diskSource : 'no SSD found',
    hru: disk === 'hru' ? diskSource : 'no HDD found',
    ipv4u: 'config.json farmer.capacity.ipv4u'
  }
  const total = { ...measured, ipv4u: overrides.ipv4u }
  for (const unit of ['cru', 'mru', 'sru', 'hru'] as const) {
    const value = overrides[unit]
    if (value != null) {
      total[unit] = value
      sources[unit] = 'config.json farmer.capacity'
    }
  }
  return { total, sources }
}
