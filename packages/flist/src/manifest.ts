import { flistMessages } from '@p2pcloud/wire'
import { CID } from 'multiformats/cid'
import { MANIFEST_CODEC, MAX_BLOCK_BYTES, RAW_CODEC, isFlistCid, manifestCid, verifyBlock } from './block.js'
import { InvalidFlistError } from './errors.js'
import type { DiskBudget } from './tree-budget.js'
import type { BlockGetter } from './block-store.js'
import type { AbortOptions } from '@libp2p/interface'

/** Format version written in Manifest.version. */
export const FLIST_VERSION = 1

/** The format's bounds (protocols/flist.md §7); a manifest beyond them is refused. */
export const FLIST_LIMITS = {
  /** Files are cut into chunks of exactly this size (the last one shorter). */
  chunkBytes: MAX_BLOCK_BYTES,
  maxEntries: 1_000_000,
  maxPages: 1024,
  /** UTF-8 bytes of a path, and of one of its '/'-separated names. */
  maxPathBytes: 4096,
  maxNameBytes: 255,
  /** UTF-8 bytes of a symlink target. */
  maxTargetBytes: 4096,
  /** Blocks of one file: 8192 × 512 KiB = 4 GiB, so that one entry always fits in a page. */
  maxFileBlocks: 8192,
  /** Items in each of entrypoint, cmd and env. */
  maxConfigItems: 4096
} as const

export type EntryType = 'dir' | 'file' | 'symlink' | 'hardlink'

export interface FlistEntry {
  /** Relative, '/'-separated, no leading slash, never '' (the root directory has no entry). */
  path: string
  type: EntryType
  /** Permission bits incl. setuid/setgid/sticky (≤ 0o7777). */
  mode: number
  uid: number
  gid: number
  mtimeMs: number
  /** file: bytes of content; 0 for every other type. */
  size: number
  /** file: its chunks in order; empty for every other type. */
  blocks: CID[]
  /** symlink: its target; hardlink: the path of the file entry it links to. */
  target?: string
}

export interface ImageConfig {
  entrypoint: string[]
  cmd: string[]
  env: string[]
  workingDir: string
  user: string
}

export interface Flist {
  /** The CID of the root manifest block: the flist's name. */
  cid: CID
  /** Sorted by the UTF-8 bytes of their paths. */
  entries: FlistEntry[]
  config: ImageConfig
  /** The root first, then the pages in order. */
  manifestBlocks: CID[]
  /** Total bytes of the manifest blocks. */
  manifestBytes: number
}

export const emptyConfig = (): ImageConfig => ({ entrypoint: [], cmd: [], env: [], workingDir: '', user: '' })

const TYPES: Record<flistMessages.EntryType, EntryType | undefined> = {
  ENTRY_TYPE_UNSPECIFIED: undefined,
  ENTRY_TYPE_DIR: 'dir',
  ENTRY_TYPE_FILE: 'file',
  ENTRY_TYPE_SYMLINK: 'symlink',
  ENTRY_TYPE_HARDLINK: 'hardlink'
}
const WIRE_TYPES: Record<EntryType, flistMessages.EntryType> = {
  dir: flistMessages.EntryType.ENTRY_TYPE_DIR,
  file: flistMessages.EntryType.ENTRY_TYPE_FILE,
  symlink: flistMessages.EntryType.ENTRY_TYPE_SYMLINK,
  hardlink: flistMessages.EntryType.ENTRY_TYPE_HARDLINK
}

const utf8 = new TextEncoder()
const byteLength = (text: string): number => utf8.encode(text).byteLength

/** Order of entries: by the UTF-8 bytes of their paths (so every implementation sorts alike). */
export function comparePaths (a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b))
}

/** The directory holding `path` ('' for the root). */
export function parentOf (path: string): string {
  const slash = path.lastIndexOf('/')
  return slash < 0 ? '' : path.slice(0, slash)
}

/** Why `path` is not a valid entry path, or undefined when it is. */
export function pathProblem (path: string): string | undefined {
  if (path === '') return 'is empty'
  if (path.startsWith('/')) return 'is absolute'
  if (path.includes('\0')) return 'contains NUL'
  if (byteLength(path) > FLIST_LIMITS.maxPathBytes) return `is longer than ${FLIST_LIMITS.maxPathBytes} bytes`
  for (const name of path.split('/')) {
    if (name === '') return 'has an empty name (a "//" or a trailing "/")'
    if (name === '.' || name === '..') return `has a "${name}" component`
    if (byteLength(name) > FLIST_LIMITS.maxNameBytes) return `has a name longer than ${FLIST_LIMITS.maxNameBytes} bytes`
  }
  return undefined
}

/** Blocks a file of `size` bytes is cut into. */
export const blocksFor = (size: number): number => Math.ceil(size / FLIST_LIMITS.chunkBytes)

/** The size of block `index` of a file of `size` bytes. */
export function chunkSize (size: number, index: number): number {
  return Math.min(FLIST_LIMITS.chunkBytes, size - index * FLIST_LIMITS.chunkBytes)
}

function checkEntry (e: FlistEntry): void {
  const invalid = (what: string): never => { throw new InvalidFlistError(`entry ${JSON.stringify(e.path)}: ${what}`) }
  const problem = pathProblem(e.path)
  if (problem !== undefined) invalid(`path ${problem}`)
  if (!Number.isInteger(e.mode) || e.mode < 0 || e.mode > 0o7777) invalid(`mode ${e.mode} is not within 0..07777`)
  for (const [name, value] of [['uid', e.uid], ['gid', e.gid]] as const) {
    if (!Number.isInteger(value) || value < 0 || value > 0xffffffff) invalid(`${name} ${value} is not a 32-bit unsigned integer`)
  }
  if (!Number.isSafeInteger(e.mtimeMs) || e.mtimeMs < 0) invalid(`mtime ${e.mtimeMs} is not a non-negative integer of ms`)
  if (!Number.isSafeInteger(e.size) || e.size < 0) invalid(`size ${e.size} is not a non-negative integer`)
  const target = e.target ?? ''
  if (e.type === 'file') {
    if (e.blocks.length > FLIST_LIMITS.maxFileBlocks) invalid(`has ${e.blocks.length} blocks, more than ${FLIST_LIMITS.maxFileBlocks}`)
    if (e.blocks.length !== blocksFor(e.size)) invalid(`${e.blocks.length} blocks of ${FLIST_LIMITS.chunkBytes} bytes do not add up to its size ${e.size} (it needs ${blocksFor(e.size)})`)
    for (const cid of e.blocks) if (!isFlistCid(cid) || cid.code !== RAW_CODEC) invalid(`block ${cid.toString()} is not a CIDv1 raw sha2-256`)
  } else {
    if (e.size !== 0) invalid(`a ${e.type} has size ${e.size}, not 0`)
    if (e.blocks.length !== 0) invalid(`a ${e.type} has blocks`)
  }
  if (e.type === 'symlink') {
    if (target === '') invalid('symlink without a target')
    if (target.includes('\0')) invalid('symlink target contains NUL')
    if (byteLength(target) > FLIST_LIMITS.maxTargetBytes) invalid(`symlink target is longer than ${FLIST_LIMITS.maxTargetBytes} bytes`)
  } else if (e.type === 'hardlink') {
    const targetProblem = pathProblem(target)
    if (targetProblem !== undefined) invalid(`hard link target ${JSON.stringify(target)} ${targetProblem}`)
  } else if (target !== '') {
    invalid(`a ${e.type} has a target`)
  }
}

/**
 * Every rule of protocols/flist.md §5 on a whole entry list: each entry valid, strictly sorted
 * (no duplicates), every parent a directory entry, every hard link naming a file entry.
 */
export function validateEntries (entries: FlistEntry[]): void {
  if (entries.length > FLIST_LIMITS.maxEntries) throw new InvalidFlistError(`${entries.length} entries, more than ${FLIST_LIMITS.maxEntries}`)
  const types = new Map<string, EntryType>()
  let previous: Buffer | undefined
  for (const e of entries) {
    checkEntry(e)
    const key = Buffer.from(e.path)
    if (previous !== undefined) {
      const order = Buffer.compare(previous, key)
      if (order === 0) throw new InvalidFlistError(`entry ${JSON.stringify(e.path)} appears twice`)
      if (order > 0) throw new InvalidFlistError(`entry ${JSON.stringify(e.path)} is out of order (entries are sorted by the bytes of their paths)`)
    }
    previous = key
    const parent = parentOf(e.path)
    if (parent !== '') {
      const parentType = types.get(parent)
      if (parentType === undefined) throw new InvalidFlistError(`entry ${JSON.stringify(e.path)}: its directory ${JSON.stringify(parent)} has no entry`)
      if (parentType !== 'dir') throw new InvalidFlistError(`entry ${JSON.stringify(e.path)} is under ${JSON.stringify(parent)}, which is a ${parentType}, not a directory`)
    }
    types.set(e.path, e.type)
  }
  for (const e of entries) {
    if (e.type !== 'hardlink') continue
    const targetType = types.get(e.target ?? '')
    if (targetType !== 'file') throw new InvalidFlistError(`hard link ${JSON.stringify(e.path)}: its target ${JSON.stringify(e.target)} is ${targetType === undefined ? 'not in the flist' : `a ${targetType}, not a file`}`)
  }
}

function validateConfig (config: ImageConfig): void {
  for (const name of ['entrypoint', 'cmd', 'env'] as const) {
    if (config[name].length > FLIST_LIMITS.maxConfigItems) throw new InvalidFlistError(`config ${name} has ${config[name].length} items, more than ${FLIST_LIMITS.maxConfigItems}`)
  }
}

// ---- encoding -------------------------------------------------------------------------------

const toWire = (e: FlistEntry): flistMessages.Entry => ({
  path: e.path,
  type: WIRE_TYPES[e.type],
  mode: e.mode,
  uid: e.uid,
  gid: e.gid,
  mtimeMs: e.mtimeMs,
  size: e.size,
  blocks: e.blocks.map(cid => cid.bytes),
  target: e.target ?? ''
})

function fromWire (w: flistMessages.Entry): FlistEntry {
  const type = TYPES[w.type]
  if (type === undefined) throw new InvalidFlistError(`entry ${JSON.stringify(w.path)}: unknown type ${w.type}`)
  const entry: FlistEntry = { path: w.path, type, mode: w.mode, uid: w.uid, gid: w.gid, mtimeMs: w.mtimeMs, size: w.size, blocks: w.blocks.map(bytes => decodeCid(bytes, `entry ${JSON.stringify(w.path)}`)) }
  if (w.target !== '') entry.target = w.target
  return entry
}

function decodeCid (bytes: Uint8Array, where: string): CID {
  try {
    return CID.decode(bytes)
  } catch (err) {
    throw new InvalidFlistError(`${where}: a block is not a binary CID (${(err as Error).message})`)
  }
}

export interface ManifestBlock { cid: CID, bytes: Uint8Array }

/** Bytes a length-delimited field of `length` bytes takes with its one-byte tag. */
const fieldBytes = (length: number): number => 1 + varintBytes(length) + length
const varintBytes = (n: number): number => n < 0x80 ? 1 : 1 + varintBytes(Math.floor(n / 0x80))

/**
 * The manifest blocks of a tree: the root (first) and its pages. Entries are sorted here and
 * validated. They go inline in the root when it stays within MAX_BLOCK_BYTES; otherwise they
 * are packed greedily in order into pages of at most MAX_BLOCK_BYTES (flist.md §5.2), so the
 * same tree always gives the same blocks.
 */
export async function encodeManifest (entries: FlistEntry[], config: ImageConfig): Promise<ManifestBlock[]> {
  const sorted = [...entries].sort((a, b) => comparePaths(a.path, b.path))
  validateEntries(sorted)
  validateConfig(config)
  const wire = sorted.map(toWire)
  const root: flistMessages.Manifest = { version: FLIST_VERSION, config, entryCount: wire.length, entries: wire, pages: [] }
  const inline = flistMessages.Manifest.encode(root)
  if (inline.byteLength <= MAX_BLOCK_BYTES) return [{ cid: await manifestCid(inline), bytes: inline }]

  const pages: ManifestBlock[] = []
  let run: flistMessages.Entry[] = []
  let runBytes = 0
  const flush = async (): Promise<void> => {
    const bytes = flistMessages.Page.encode({ entries: run })
    pages.push({ cid: await manifestCid(bytes), bytes })
    run = []
    runBytes = 0
  }
  for (const entry of wire) {
    const size = fieldBytes(flistMessages.Entry.encode(entry).byteLength)
    if (runBytes + size > MAX_BLOCK_BYTES) await flush()
    run.push(entry)
    runBytes += size
  }
  await flush()
  if (pages.length > FLIST_LIMITS.maxPages) throw new InvalidFlistError(`the manifest needs ${pages.length} pages, more than ${FLIST_LIMITS.maxPages}`)
  const paged = flistMessages.Manifest.encode({ ...root, entries: [], pages: pages.map(p => p.cid.bytes) })
  return [{ cid: await manifestCid(paged), bytes: paged }, ...pages]
}

// ---- decoding -------------------------------------------------------------------------------

function decode<T> (codec: { decode: (bytes: Uint8Array, opts?: any) => T }, bytes: Uint8Array, what: string, limits: object): T {
  try {
    return codec.decode(bytes, { limits })
  } catch (err) {
    throw new InvalidFlistError(`${what} does not decode: ${(err as Error).message}`)
  }
}

/** Pages fetched at once through the getter. */
const PAGE_CONCURRENCY = 8

export interface LoadFlistOptions extends AbortOptions {
  /**
   * Counts the disk the flist will take as its manifest is read: a flist that needs more than
   * the budget's room is refused (FlistTooLargeError) before its next page is fetched.
   */
  budget?: DiskBudget
}

/**
 * The flist named `cid`: the root manifest block and its pages fetched through `getter`,
 * each verified against its CID, decoded and checked against every rule of the format.
 */
export async function loadFlist (getter: BlockGetter, cid: CID, options: LoadFlistOptions = {}): Promise<Flist> {
  const { budget } = options
  if (!isFlistCid(cid) || cid.code !== MANIFEST_CODEC) throw new InvalidFlistError(`${cid.toString()} is not a manifest CID (CIDv1, codec 0x50, sha2-256)`)
  const rootBytes = await getter.get(cid, options)
  await verifyBlock(cid, rootBytes)
  const root = decode(flistMessages.Manifest, rootBytes, `manifest ${cid.toString()}`, { entries: FLIST_LIMITS.maxEntries, pages: FLIST_LIMITS.maxPages })
  if (root.version !== FLIST_VERSION) throw new InvalidFlistError(`manifest ${cid.toString()}: format version ${root.version}, this reader knows ${FLIST_VERSION}`)
  if (root.entries.length > 0 && root.pages.length > 0) throw new InvalidFlistError(`manifest ${cid.toString()}: has both inline entries and pages`)
  if (root.entryCount > FLIST_LIMITS.maxEntries) throw new InvalidFlistError(`manifest ${cid.toString()}: ${root.entryCount} entries, more than ${FLIST_LIMITS.maxEntries}`)
  budget?.addManifestBlock(rootBytes.byteLength)
  budget?.expectEntries(root.entryCount)
  budget?.addEntries(root.entries)

  const pageCids = root.pages.map(bytes => decodeCid(bytes, 'manifest pages'))
  for (const page of pageCids) if (!isFlistCid(page) || page.code !== MANIFEST_CODEC) throw new InvalidFlistError(`page ${page.toString()} is not a manifest CID`)
  const wire = [...root.entries]
  let manifestBytes = rootBytes.byteLength
  for (let i = 0; i < pageCids.length; i += PAGE_CONCURRENCY) {
    const batch = await Promise.all(pageCids.slice(i, i + PAGE_CONCURRENCY).map(async page => {
      const bytes = await getter.get(page, options)
      await verifyBlock(page, bytes)
      const decoded = decode(flistMessages.Page, bytes, `page ${page.toString()}`, { entries: FLIST_LIMITS.maxEntries })
      if (decoded.entries.length === 0) throw new InvalidFlistError(`page ${page.toString()} is empty`)
      return { bytes: bytes.byteLength, entries: decoded.entries }
    }))
    for (const page of batch) {
      manifestBytes += page.bytes
      wire.push(...page.entries)
      if (wire.length > root.entryCount) throw new InvalidFlistError(`manifest ${cid.toString()}: its pages hold more than its ${root.entryCount} entries`)
      budget?.addManifestBlock(page.bytes)
      budget?.addEntries(page.entries)
    }
  }
  if (wire.length !== root.entryCount) throw new InvalidFlistError(`manifest ${cid.toString()}: says ${root.entryCount} entries, holds ${wire.length}`)
  const entries = wire.map(fromWire)
  validateEntries(entries)
  const config = root.config ?? emptyConfig()
  const imageConfig: ImageConfig = { entrypoint: config.entrypoint, cmd: config.cmd, env: config.env, workingDir: config.workingDir, user: config.user }
  validateConfig(imageConfig)
  budget?.addDataBlocks(dataBlockSizes({ entries }).values())
  return { cid, entries, config: imageConfig, manifestBlocks: [cid, ...pageCids], manifestBytes }
}

/** Every distinct data block of the flist, in the order the entries first use them. */
export function dataBlocks (flist: Pick<Flist, 'entries'>): CID[] {
  const seen = new Map<string, CID>()
  for (const e of flist.entries) for (const cid of e.blocks) if (!seen.has(cid.toString())) seen.set(cid.toString(), cid)
  return [...seen.values()]
}

/** CID text → bytes of every distinct data block of the flist. */
export function dataBlockSizes (flist: Pick<Flist, 'entries'>): Map<string, number> {
  const sizes = new Map<string, number>()
  for (const e of flist.entries) e.blocks.forEach((cid, i) => sizes.set(cid.toString(), chunkSize(e.size, i)))
  return sizes
}
