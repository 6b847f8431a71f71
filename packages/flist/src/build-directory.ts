import { createReadStream } from 'node:fs'
import { lstat, readdir, readlink } from 'node:fs/promises'
import { join } from 'node:path'
import { ArchiveWriter } from './archive.js'
import { chunkStream } from './chunker.js'
import { FLIST_LIMITS, comparePaths, emptyConfig, encodeManifest } from './manifest.js'
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

interface Found { path: string, stats: Stats }

/** Every entry under `dir` (lstat, symlinks not followed), sorted by path bytes. */
async function walk (dir: string): Promise<{ found: Found[], skipped: number }> {
  const found: Found[] = []
  let skipped = 0
  const visit = async (rel: string): Promise<void> => {
    for (const name of await readdir(join(dir, rel))) {
      const path = rel === '' ? name : `${rel}/${name}`
      const stats = await lstat(join(dir, path))
      if (stats.isDirectory() || stats.isFile() || stats.isSymbolicLink()) {
        found.push({ path, stats })
        if (stats.isDirectory()) await visit(path)
      } else {
        skipped++
      }
    }
  }
  await visit('')
  found.sort((a, b) => comparePaths(a.path, b.path))
  return { found, skipped }
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
 * Builds the flist of directory `dir` into the CARv1 archive `outFile`. Files are streamed
 * block by block; hard links (same device and inode) become one file and hard links to it.
 */
export async function buildFromDirectory (dir: string, outFile: string, options: BuildOptions = {}): Promise<BuildResult> {
  const report = throttle(options.onProgress)
  const progress: Progress = { phase: 'scan', files: 0, bytes: 0 }
  report(progress, true)
  const { found, skipped } = await walk(dir)
  progress.totalBytes = found.reduce((sum, f) => sum + (f.stats.isFile() ? f.stats.size : 0), 0)
  progress.phase = 'chunk'
  const writer = await ArchiveWriter.create(outFile)
  try {
    const entries: FlistEntry[] = []
    const inodes = new Map<string, string>()
    for (const { path, stats } of found) {
      if (stats.isDirectory()) {
        entries.push({ ...meta(path, stats), type: 'dir' })
      } else if (stats.isSymbolicLink()) {
        entries.push({ ...meta(path, stats), type: 'symlink', target: await readlink(join(dir, path)) })
      } else {
        const inode = `${stats.dev}:${stats.ino}`
        const first = stats.nlink > 1 ? inodes.get(inode) : undefined
        if (first !== undefined) {
          entries.push({ ...meta(path, stats), type: 'hardlink', target: first })
          continue
        }
        if (stats.nlink > 1) inodes.set(inode, path)
        const { size, blocks } = await chunkStream(createReadStream(join(dir, path), { highWaterMark: FLIST_LIMITS.chunkBytes }), async (cid, bytes) => writer.put(cid, bytes), n => {
          progress.bytes += n
          report(progress)
        })
        entries.push({ ...meta(path, stats), type: 'file', size, blocks })
        progress.files++
        report(progress)
      }
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
