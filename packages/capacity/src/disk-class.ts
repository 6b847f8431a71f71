import { randomBytes } from 'node:crypto'
import { constants, open, readFile, realpath, rm, stat, statfs, writeFile, type FileHandle } from 'node:fs/promises'
import { join } from 'node:path'

/**
 * A median random 4 KiB read faster than this is an SSD's: flash answers in about 0.1 ms, a
 * spinning disk must seek and wait for the platter (several ms). zos classifies disks the same way.
 */
export const SSD_MAX_READ_MS = 1
const BLOCK = 4096
/** Probe file written when the block device cannot be read: real blocks on disk, not a sparse hole. */
const PROBE_FILE_BYTES = 8 * 2 ** 20
/** Bounds of one measurement: at most this many reads, for at most this long. */
const MAX_READS = 200
const READ_BUDGET_MS = 600

/** How the disk holding a farmer's home was classified, kept in `<home>/disk-class.json`. */
export interface DiskClass {
  kind: 'ssd' | 'hdd'
  /** `measured` (O_DIRECT reads), `kernel flag` (queue/rotational), or `none` (no block device). */
  how: 'measured' | 'kernel flag' | 'none'
  /** The device number (major:minor) of the filesystem: another disk is measured again. */
  device: string
  /** What was read: the block device itself, or a probe file on it. */
  target?: string
  medianReadMs?: number
  reads?: number
  /** Why it was not measured. */
  fallbackReason?: string
  at: string
}

/** Linux's encoding of a device number (see makedev(3)). */
function majorMinor (dev: number): string {
  const big = BigInt(dev)
  const major = ((big >> 8n) & 0xfffn) | ((big >> 32n) & ~0xfffn)
  const minor = (big & 0xffn) | ((big >> 12n) & ~0xffn)
  return `${major}:${minor}`
}

/**
 * Is the disk holding `path` rotational (an HDD) in the kernel's words? Read from
 * /sys/block/<disk>/queue/rotational. Undefined when the filesystem has no block
 * device of its own (overlay, tmpfs). Virtio disks say 1 whatever they are: a fallback only.
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

/** The block device node of a device number and its size, when this process may read it (root). */
async function readableDevice (device: string): Promise<{ path: string, bytes: number } | undefined> {
  try {
    const uevent = await readFile(join('/sys/dev/block', device, 'uevent'), 'utf8')
    const name = /^DEVNAME=(.+)$/m.exec(uevent)?.[1]
    if (name == null || name.includes('..')) return undefined
    const sectors = Number((await readFile(join('/sys/dev/block', device, 'size'), 'utf8')).trim())
    const path = join('/dev', name)
    const handle = await open(path, constants.O_RDONLY | constants.O_DIRECT)
    await handle.close()
    return sectors * 512 >= 64 * BLOCK ? { path, bytes: sectors * 512 } : undefined
  } catch {
    return undefined
  }
}

/**
 * A 4 KiB slice of `buffer` that O_DIRECT accepts: the memory must be aligned to the disk's
 * logical block, and JavaScript cannot ask for an address, so try offsets until a read works.
 */
async function alignedSlice (handle: FileHandle, buffer: Buffer): Promise<Buffer | undefined> {
  for (let offset = 0; offset <= buffer.length - BLOCK; offset += 16) {
    const slice = buffer.subarray(offset, offset + BLOCK)
    const ok = await handle.read(slice, 0, BLOCK, 0).then(() => true, (err: NodeJS.ErrnoException) => {
      if (err.code !== 'EINVAL') throw err
      return false
    })
    if (ok) return slice
  }
  return undefined
}

/** The median of random 4 KiB O_DIRECT reads of `path`'s first `bytes`, bounded in count and time. */
async function medianRead (path: string, bytes: number): Promise<{ medianReadMs: number, reads: number }> {
  const handle = await open(path, constants.O_RDONLY | constants.O_DIRECT)
  try {
    const slice = await alignedSlice(handle, Buffer.alloc(2 * BLOCK))
    if (slice == null) throw Object.assign(new Error(`O_DIRECT reads of ${path} fail at every alignment`), { code: 'EINVAL' })
    const times: number[] = []
    const blocks = Math.floor(bytes / BLOCK)
    const start = performance.now()
    while (times.length < MAX_READS && performance.now() - start < READ_BUDGET_MS) {
      const position = Math.floor(Math.random() * blocks) * BLOCK
      const before = performance.now()
      await handle.read(slice, 0, BLOCK, position)
      times.push(performance.now() - before)
    }
    times.sort((a, b) => a - b)
    return { medianReadMs: Math.round(times[times.length >> 1] * 1000) / 1000, reads: times.length }
  } finally {
    await handle.close()
  }
}

/** Measure in a probe file of real blocks written in `dir`, removed afterwards. */
async function measureWithFile (dir: string): Promise<{ medianReadMs: number, reads: number, target: string }> {
  const fs = await statfs(dir)
  // a filesystem of no size (ramfs) has no limit either
  if (fs.blocks > 0 && fs.bavail * fs.bsize < 4 * PROBE_FILE_BYTES) throw Object.assign(new Error(`less than ${4 * PROBE_FILE_BYTES} bytes free in ${dir} for a probe file`), { code: 'ENOSPC' })
  const file = join(dir, '.disk-probe')
  try {
    const chunk = randomBytes(2 ** 20) // random: a compressing filesystem must still store every block
    const handle = await open(file, 'w', 0o600)
    try {
      for (let written = 0; written < PROBE_FILE_BYTES; written += chunk.length) await handle.write(chunk)
      await handle.sync()
    } finally {
      await handle.close()
    }
    return { ...await medianRead(file, PROBE_FILE_BYTES), target: 'a probe file' }
  } finally {
    await rm(file, { force: true })
  }
}

async function readKept (file: string, device: string): Promise<DiskClass | undefined> {
  try {
    const kept = JSON.parse(await readFile(file, 'utf8')) as DiskClass
    return kept.device === device && kept.how === 'measured' && (kept.kind === 'ssd' || kept.kind === 'hdd') ? kept : undefined
  } catch {
    return undefined
  }
}

/**
 * SSD or HDD, by what the disk holding `dir` does: random 4 KiB reads with O_DIRECT (the page
 * cache never answers them), of the block device when it is readable, else of a probe file.
 * A measurement is kept in `keepFile` and reused while `dir` is on the same device; delete the
 * file to measure again. Where O_DIRECT is refused, the kernel's rotational flag decides.
 */
export async function classifyDisk (dir: string, keepFile: string): Promise<DiskClass & { kept: boolean }> {
  const device = majorMinor((await stat(dir)).dev)
  const kept = await readKept(keepFile, device)
  if (kept != null) return { ...kept, kept: true }
  const at = new Date().toISOString()
  let measured
  try {
    const raw = await readableDevice(device)
    measured = raw != null ? { ...await medianRead(raw.path, raw.bytes), target: raw.path } : await measureWithFile(dir)
  } catch (err: any) {
    if (err.code !== 'EINVAL' && err.code !== 'ENOSPC' && err.code !== 'EOPNOTSUPP') throw err
    const rotational = await isRotational(dir)
    return { kind: rotational === true ? 'hdd' : 'ssd', how: rotational == null ? 'none' : 'kernel flag', device, fallbackReason: String(err.message), at, kept: false }
  }
  const result: DiskClass = { kind: measured.medianReadMs < SSD_MAX_READ_MS ? 'ssd' : 'hdd', how: 'measured', device, ...measured, at }
  await writeFile(keepFile, JSON.stringify(result) + '\n', { mode: 0o644 })
  return { ...result, kept: false }
}

/** One line saying what a disk was found to be and why. */
export function describeDiskClass (disk: DiskClass & { kept?: boolean }): string {
  const kind = disk.kind.toUpperCase()
  if (disk.how === 'measured') {
    return `${kind}: median random 4 KiB read ${disk.medianReadMs} ms over ${disk.reads} O_DIRECT reads of ${disk.target} (SSD below ${SSD_MAX_READ_MS} ms)` +
      (disk.kept === true ? `, measured ${disk.at}` : '')
  }
  const flag = disk.how === 'kernel flag' ? `the kernel's rotational flag (${disk.kind === 'hdd' ? '1' : '0'})` : 'no block device, counted as SSD'
  return `${kind}: ${flag}; not measured: ${disk.fallbackReason ?? 'unknown'}`
}
