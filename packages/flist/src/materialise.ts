import { constants } from 'node:fs'
import { chmod, lchown, link, lutimes, mkdir, open, readdir, symlink } from 'node:fs/promises'
import { join } from 'node:path'
import { CONTAINER_IDS } from '@p2pcloud/wire'
import { BlockHashMismatchError, FlistPathError, InvalidFlistError } from './errors.js'
import { chunkSize, parentOf, validateEntries } from './manifest.js'
import { throttle } from './progress.js'
import type { BlockGetter } from './block-store.js'
import type { Flist, FlistEntry } from './manifest.js'
import type { OnProgress, Progress } from './progress.js'
import type { AbortOptions } from '@libp2p/interface'

/** Blocks of one file fetched ahead of the one being written. */
const PREFETCH = 4
/**
 * Files written at once: each file is a chain of small fs calls (open, write, chown, chmod,
 * utimes, close), each a round trip to libuv's threadpool; one file at a time leaves the disk
 * and the threadpool idle between them. Holds at most FILES_AT_ONCE × (PREFETCH + 1) blocks.
 */
const FILES_AT_ONCE = 8

/** A file's content, block by block in order; each block is checked to have its chunk's size. */
async function * fileContent (entry: FlistEntry, getter: BlockGetter, options?: AbortOptions): AsyncGenerator<Uint8Array> {
  const pending: Array<Promise<Uint8Array>> = []
  let next = 0
  const fetchNext = (): void => {
    const p = getter.get(entry.blocks[next], options)
    p.catch(() => {}) // awaited below in order
    pending.push(p)
    next++
  }
  for (let i = 0; i < entry.blocks.length; i++) {
    while (next < entry.blocks.length && next <= i + PREFETCH) fetchNext()
    const bytes = await (pending.shift() as Promise<Uint8Array>)
    const expected = chunkSize(entry.size, i)
    if (bytes.byteLength !== expected) throw new BlockHashMismatchError(entry.blocks[i].toString(), `block ${i} of ${JSON.stringify(entry.path)} is ${bytes.byteLength} bytes, the file needs ${expected}`)
    yield bytes
  }
}

const toDate = (ms: number): Date => new Date(ms)

/**
 * The ids a tree materialised with an owner shift may hold: a container's
 * user namespace maps its ids 0…65535 (@p2pcloud/runtime's CONTAINER_ID_MAP).
 * An owner above them would be a host id outside every container's range (or,
 * past 2^32 - 1 - shift, wrap to -1, "leave it root's"), and a setuid file of
 * such an owner would be a host user's to run.
 */
export const SHIFTED_OWNER_IDS = CONTAINER_IDS

export interface MaterialiseOptions extends AbortOptions {
  /**
   * Added to every entry's uid and gid (default 0): a tree for containers
   * whose user namespace maps their id 0 to this host id. With a shift, an
   * entry owned by an id of SHIFTED_OWNER_IDS or more is an InvalidFlistError.
   */
  ownerShift?: number
  onProgress?: OnProgress
}

/**
 * Writes the flist's tree into `dir`, which must not exist or be empty: contents, modes
 * (setuid/setgid/sticky included), owners, mtimes, symlinks, hard links, empty directories.
 * Never writes outside `dir`: the entries are validated again (no "..", no absolute path,
 * every parent a directory entry), each parent must be a directory made by this call, files
 * are created with O_EXCL|O_NOFOLLOW, and symlinks are created, never followed.
 * Directories get their mode, owner and mtime last, deepest first, after their contents.
 */
export async function materialise (flist: Flist, getter: BlockGetter, dir: string, options: MaterialiseOptions = {}): Promise<void> {
  validateEntries(flist.entries)
  const shift = options.ownerShift ?? 0
  if (shift > 0) checkShiftableOwners(flist.entries)
  const report = throttle(options.onProgress)
  const progress: Progress = { phase: 'materialise', files: 0, bytes: 0, totalBytes: flist.entries.reduce((sum, e) => sum + e.size, 0) }
  await mkdir(dir, { recursive: true, mode: 0o755 })
  if ((await readdir(dir)).length > 0) throw new FlistPathError(dir, 'is not empty; a flist is materialised into an empty directory')
  const owner = async (path: string, e: FlistEntry): Promise<void> => { await lchown(path, e.uid + shift, e.gid + shift) }
  const made = new Set<string>([''])
  const place = (e: FlistEntry): string => {
    if (!made.has(parentOf(e.path))) throw new InvalidFlistError(`entry ${JSON.stringify(e.path)}: its directory was not made by this materialise`)
    return join(dir, e.path)
  }
  const writeContent = async (e: FlistEntry, path: string): Promise<void> => {
    const file = await open(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600)
    try {
      for await (const bytes of fileContent(e, getter, options)) {
        await file.write(bytes)
        progress.bytes += bytes.byteLength
        report(progress)
      }
      // owner before mode: chown clears setuid/setgid
      await file.chown(e.uid + shift, e.gid + shift)
      await file.chmod(e.mode)
      await file.utimes(toDate(e.mtimeMs), toDate(e.mtimeMs))
    } finally {
      await file.close()
    }
    progress.files++
    report(progress)
  }
  // files are written FILES_AT_ONCE at a time; a directory is made before any entry under it is started
  const writing = new Set<Promise<void>>()
  try {
    for (const e of flist.entries) {
      options.signal?.throwIfAborted()
      const path = place(e)
      if (e.type === 'dir') {
        await mkdir(path, { mode: 0o700 })
        made.add(e.path)
      } else if (e.type === 'symlink') {
        await symlink(e.target ?? '', path)
        await owner(path, e)
        await lutimes(path, toDate(e.mtimeMs), toDate(e.mtimeMs))
      } else if (e.type === 'file') {
        const write: Promise<void> = writeContent(e, path).finally(() => writing.delete(write))
        write.catch(() => {}) // awaited below
        writing.add(write)
        if (writing.size >= FILES_AT_ONCE) await Promise.race(writing)
      }
    }
    await Promise.all(writing)
  } catch (err) {
    // nothing may still be writing when the caller cleans up after the failure
    await Promise.allSettled(writing)
    throw err
  }
  // hard links once every file exists (a link may sort before its target); link() does not follow symlinks
  for (const e of flist.entries) {
    if (e.type === 'hardlink') await link(join(dir, e.target ?? ''), place(e))
  }
  for (const e of [...flist.entries].reverse()) {
    if (e.type !== 'dir') continue
    const path = join(dir, e.path)
    await owner(path, e)
    await chmod(path, e.mode)
    await lutimes(path, toDate(e.mtimeMs), toDate(e.mtimeMs))
  }
  report({ ...progress, phase: 'done' }, true)
}

/** Every owner fits the container's user namespace; checked before anything is written. */
function checkShiftableOwners (entries: FlistEntry[]): void {
  for (const e of entries) {
    for (const [name, id] of [['uid', e.uid], ['gid', e.gid]] as const) {
      if (id >= SHIFTED_OWNER_IDS) throw new InvalidFlistError(`entry ${JSON.stringify(e.path)}: ${name} ${id} is outside a container's ids 0…${SHIFTED_OWNER_IDS - 1}`)
    }
  }
}

const normalise = (path: string): string => path.split('/').filter(part => part !== '' && part !== '.').join('/')

function find (flist: Flist, path: string): FlistEntry | undefined {
  return flist.entries.find(e => e.path === path)
}

/** ls: the entries directly under directory `path` ('' or '/' for the root), or the entry itself when it is not a directory. */
export function listPath (flist: Flist, path: string): FlistEntry[] {
  const wanted = normalise(path)
  if (wanted !== '') {
    const entry = find(flist, wanted)
    if (entry === undefined) throw new FlistPathError(wanted, 'no such file or directory in the flist')
    if (entry.type !== 'dir') return [entry]
  }
  return flist.entries.filter(e => e.path !== wanted && parentOf(e.path) === wanted)
}

/** cat: the content of the file at `path` (a hard link reads its target); a directory, symlink or missing path is an error. */
export async function * readFile (flist: Flist, getter: BlockGetter, path: string, options?: AbortOptions): AsyncGenerator<Uint8Array> {
  const wanted = normalise(path)
  let entry = find(flist, wanted)
  if (entry?.type === 'hardlink') entry = find(flist, entry.target ?? '')
  if (entry === undefined) throw new FlistPathError(wanted, 'no such file in the flist')
  if (entry.type === 'dir') throw new FlistPathError(wanted, 'is a directory')
  if (entry.type === 'symlink') throw new FlistPathError(wanted, `is a symlink to ${JSON.stringify(entry.target)}, not a file`)
  yield * fileContent(entry, getter, options)
}
