import { statfs } from 'node:fs/promises'
import { availableParallelism, totalmem } from 'node:os'
import { join } from 'node:path'
import { classifyDisk, describeDiskClass, type DiskClass } from './disk-class.js'
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

export interface ProbeResult {
  /** Totals offered: measured, or from config.json where it sets them. */
  total: Resources
  /** How each figure was obtained, for `p2pcloud capacity` and logs. */
  sources: Record<keyof Resources, string>
  /** What the disk holding the home was found to be, and how; absent when config.json sets both sru and hru. */
  disk?: DiskClass & { kept: boolean }
}

/** Where a farmer keeps its disk measurement, so that a restart does not measure again. */
export const DISK_CLASS_FILE = 'disk-class.json'

/**
 * Measure what this machine can offer: cores, RAM minus the node's reserve,
 * and the free space of the filesystem holding the home as SSD or HDD
 * capacity, by how fast the disk reads (classifyDisk). config.json's
 * `farmer.capacity` overrides any figure (so one machine can run several farmers in tests and demos).
 */
export async function probeCapacity (home: string, overrides: CapacityOverrides): Promise<ProbeResult> {
  const memory = totalmem()
  const fs = await statfs(home)
  const freeDisk = fs.bavail * fs.bsize
  // a farmer that states both disk figures (the demo's many farmers on one disk) needs no measuring
  const diskClass = overrides.sru != null && overrides.hru != null ? undefined : await classifyDisk(home, join(home, DISK_CLASS_FILE))
  const disk = diskClass?.kind === 'hdd' ? 'hru' : 'sru'
  const diskSource = `free space of ${home} (${diskClass != null ? describeDiskClass(diskClass) : 'not measured'})`
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
  return { total, sources, disk: diskClass }
}
