import { createHash } from 'node:crypto'
import { readFile, readdir, readlink, lstat } from 'node:fs/promises'
import { join } from 'node:path'

/** Deterministic bytes: byte i is (seed + i * 7) % 251. */
export function pattern (size: number, seed = 0): Buffer {
  const out = Buffer.alloc(size)
  for (let i = 0; i < size; i++) out[i] = (seed + i * 7) % 251
  return out
}

export interface Described { type: string, mode: number, uid: number, gid: number, mtimeMs: number, size: number, content?: string, target?: string, ino: number }

/** Everything about a tree a flist keeps, by relative path (lstat; content as sha256). */
export async function describe (dir: string): Promise<Map<string, Described>> {
  const out = new Map<string, Described>()
  const visit = async (rel: string): Promise<void> => {
    for (const name of (await readdir(join(dir, rel))).sort()) {
      const path = rel === '' ? name : `${rel}/${name}`
      const s = await lstat(join(dir, path))
      const type = s.isDirectory() ? 'dir' : s.isSymbolicLink() ? 'symlink' : s.isFile() ? 'file' : 'other'
      const d: Described = { type, mode: s.mode & 0o7777, uid: s.uid, gid: s.gid, mtimeMs: Math.round(s.mtimeMs), size: type === 'file' ? s.size : 0, ino: s.ino }
      if (type === 'file') d.content = createHash('sha256').update(await readFile(join(dir, path))).digest('hex')
      if (type === 'symlink') d.target = await readlink(join(dir, path))
      out.set(path, d)
      if (type === 'dir') await visit(path)
    }
  }
  await visit('')
  return out
}

/** The description without inode numbers (they differ between two trees). */
export const withoutInodes = (tree: Map<string, Described>): Record<string, Omit<Described, 'ino'>> =>
  Object.fromEntries([...tree].map(([path, { ino: _ino, ...rest }]) => [path, rest]))
