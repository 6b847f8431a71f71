import { lstat, readdir, readlink } from 'node:fs/promises'
import { join } from 'node:path'
import { ArchiveWriter } from './archive.js'
import { chunkFiles } from './chunker.js'
import { emptyConfig, encodeManifest } from './manifest.js'
import { throttle } from './progress.js'
import type { FlistEntry, ImageConfig } from './manifest.js'
import type { OnProgress, Progress } from './progress.js'
import type { CID } from 'multiformats/cid'
import type { Stats } from 'node:fs'

export interface BuildOptions {
  onProgress?: OnProgress
}

export interface BuildResult {
  /** The flist's name: its root manifest CID, also the archive's root. */
  cid: CID
  /** Entries in the manifest. */
  entries: number
  /** Regular files (hard links not counted). */
  files: number
  /** Bytes of file content in the tree. */
  bytes: number
  /** Distinct blocks in the archive, manifest blocks included. */
  blocks: number
  /** Bytes of the distinct blocks: what deduplication leaves. */
  uniqueBytes: number
  /** Device nodes, fifos and sockets left out. */
  skipped: number
}

/** Seals an archive: the manifest blocks after the data blocks, the root in the header. */
export async function finishArchive (writer: ArchiveWriter, entries: FlistEntry[], config: ImageConfig, stats: { files: number, bytes: number, skipped: number }): Promise<BuildResult> {
  const manifest = await encodeManifest(entries, config)
  for (const block of manifest.slice(1)) await writer.put(block.cid, block.bytes)
  await writer.put(manifest[0].cid, manifest[0].bytes)
  await writer.finish(manifest[0].cid)
  return { cid: manifest[0].cid, entries: entries.length, files: stats.files, bytes: stats.bytes, blocks: writer.blocks, uniqueBytes: writer.bytes, skipped: stats.skipped }
}

interface Found { path: string, stats: Stats, target?: string }

/** Sorted as comparePaths sorts, with the bytes of each path made once rather than at every comparison. */
function sortByPath (found: Found[]): Found[] {
  const keyed = found.map(f => ({ key: Buffer.from(f.path), f }))
  keyed.sort((a, b) => Buffer.compare(a.key, b.key))
  return keyed.map(k => k.f)
}

/** File-system calls at once while walking: enough to keep libuv's threadpool busy. */
const WALK_CALLS = 32

/**
 * Runs at most `n` of the calls given to it at once. Waiting calls go on in a burst once half
 * the slots are free: a burst wakes libuv's idle threads once, one call per finished one would
 * wake a thread each time.
 */
function limiter (n: number): <T>(call: () => Promise<T>) => Promise<T> {
  let running = 0
  const waiting: Array<() => void> = []
  return async call => {
    while (running >= n) await new Promise<void>(resolve => { waiting.push(resolve) })
    running++
    try {
      return await call()
    } finally {
      running--
      if (running <= n / 2) for (const wake of waiting.splice(0, n - running)) wake()
    }
  }
}

/** Settles every promise, then throws the first failure: no call outlives a failed walk. */
async function allOrFirstError (promises: Array<Promise<void>>): Promise<void> {
  for (const result of await Promise.allSettled(promises)) if (result.status === 'rejected') throw result.reason
}

/** Every entry under `dir` (lstat, symlinks not followed, their targets read), sorted by path bytes. */
async function walk (dir: string): Promise<{ found: Found[], skipped: number }> {
  const found: Found[] = []
  let skipped = 0
  const call = limiter(WALK_CALLS)
  const visit = async (rel: string): Promise<void> => {
    const names = await call(async () => readdir(join(dir, rel)))
    await allOrFirstError(names.map(async name => {
      const path = rel === '' ? name : `${rel}/${name}`
      const stats = await call(async () => lstat(join(dir, path)))
      if (stats.isDirectory()) {
        found.push({ path, stats })
        await visit(path)
      } else if (stats.isFile()) {
        found.push({ path, stats })
      } else if (stats.isSymbolicLink()) {
        found.push({ path, stats, target: await call(async () => readlink(join(dir, path))) })
      } else {
        skipped++
      }
    }))
  }
  await visit('')
  return { found: sortByPath(found), skipped }
}

const meta = (path: string, stats: Stats): Omit<FlistEntry, 'type'> => ({
  path,
  mode: stats.mode & 0o7777,
  uid: stats.uid,
  gid: stats.gid,
  mtimeMs: Math.max(0, Math.round(stats.mtimeMs)),
  size: 0,
  blocks: []
})

/**
 * Builds the flist of directory `dir` into the CARv1 archive `outFile`. Files are chunked in
 * path order, read ahead a few MB at a time; hard links (same device and inode) become one
 * file and hard links to it.
 */
export async function buildFromDirectory (dir: string, outFile: string, options: BuildOptions = {}): Promise<BuildResult> {
  const report = throttle(options.onProgress)
  const progress: Progress = { phase: 'scan', files: 0, bytes: 0 }
  report(progress, true)
  const { found, skipped } = await walk(dir)
  const entries: FlistEntry[] = []
  // the file entries, whose size and blocks chunking fills in
  const files: Array<{ path: string, size: number, entry: FlistEntry }> = []
  const inodes = new Map<string, string>()
  for (const { path, stats, target } of found) {
    if (stats.isDirectory()) {
      entries.push({ ...meta(path, stats), type: 'dir' })
    } else if (stats.isSymbolicLink()) {
      entries.push({ ...meta(path, stats), type: 'symlink', target })
    } else {
      const inode = `${stats.dev}:${stats.ino}`
      const first = stats.nlink > 1 ? inodes.get(inode) : undefined
      if (first !== undefined) {
        entries.push({ ...meta(path, stats), type: 'hardlink', target: first })
        continue
      }
      if (stats.nlink > 1) inodes.set(inode, path)
      const entry: FlistEntry = { ...meta(path, stats), type: 'file' }
      entries.push(entry)
      files.push({ path: join(dir, path), size: stats.size, entry })
    }
  }
  progress.totalBytes = files.reduce((sum, file) => sum + file.size, 0)
  progress.phase = 'chunk'
  const writer = await ArchiveWriter.create(outFile)
  try {
    const chunked = chunkFiles(files, async (cid, bytes) => writer.put(cid, bytes), n => {
      progress.bytes += n
      report(progress)
    })
    let next = 0
    for await (const { size, blocks } of chunked) {
      const { entry } = files[next++]
      entry.size = size
      entry.blocks = blocks
      progress.files++
      report(progress)
    }
    progress.phase = 'manifest'
    report(progress, true)
    const result = await finishArchive(writer, entries, emptyConfig(), { files: progress.files, bytes: progress.bytes, skipped })
    report({ ...progress, phase: 'done' }, true)
    return result
  } catch (err) {
    await writer.abort()
    throw err
  }
}
