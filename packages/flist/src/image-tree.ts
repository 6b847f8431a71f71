import { InvalidImageError } from './errors.js'
import { comparePaths } from './manifest.js'
import type { FlistEntry } from './manifest.js'
import type { CID } from 'multiformats/cid'

/*
 * The file tree of an image while its layers are applied in order (OCI image spec, "Applying
 * changesets"): a later layer replaces what an earlier one put at a path, `.wh.<name>` removes
 * `<name>` from the layers below, `.wh..wh..opq` hides every lower entry of its directory.
 */

interface Meta { mode: number, uid: number, gid: number, mtimeMs: number }
/** Files that are hard links of each other share one group object. */
type LinkGroup = object
type Node =
  | (Meta & { type: 'dir', children: Map<string, Node> })
  | (Meta & { type: 'file', size: number, blocks: CID[], group?: LinkGroup })
  | (Meta & { type: 'symlink', target: string })

export type LayerEntry =
  | (Meta & { type: 'dir' })
  | (Meta & { type: 'file', size: number, blocks: CID[] })
  | (Meta & { type: 'symlink', target: string })
  | { type: 'hardlink', target: string }

const WHITEOUT = '.wh.'
const OPAQUE = '.wh..wh..opq'

/** A path inside a layer, normalised ('./a/b/' → 'a/b'); '' is the root. `..` is refused. */
export function layerPath (name: string): string {
  const parts = name.split('/').filter(part => part !== '' && part !== '.')
  if (parts.includes('..')) throw new InvalidImageError(`layer entry ${JSON.stringify(name)} has a ".." component`)
  return parts.join('/')
}

export class ImageTree {
  private readonly root: Node & { type: 'dir' } = { type: 'dir', mode: 0o755, uid: 0, gid: 0, mtimeMs: 0, children: new Map() }
  /** Paths the current layer has put: its own whiteouts do not hide them. */
  private layerPaths = new Set<string>()

  /** Starts applying the next layer. */
  nextLayer (): void {
    this.layerPaths = new Set()
  }

  /** True when `path` (normalised) is a whiteout, which has been applied. */
  whiteout (path: string): boolean {
    const slash = path.lastIndexOf('/')
    const name = path.slice(slash + 1)
    if (!name.startsWith(WHITEOUT)) return false
    const dirPath = slash < 0 ? '' : path.slice(0, slash)
    const dir = this.dir(dirPath)
    if (name === OPAQUE) {
      for (const child of [...dir.children.keys()]) {
        if (!this.layerPaths.has(dirPath === '' ? child : `${dirPath}/${child}`)) dir.children.delete(child)
      }
    } else {
      const hidden = name.slice(WHITEOUT.length)
      if (!this.layerPaths.has(dirPath === '' ? hidden : `${dirPath}/${hidden}`)) dir.children.delete(hidden)
    }
    return true
  }

  /** Puts an entry of the current layer at `path` (normalised, not ''). */
  put (path: string, entry: LayerEntry): void {
    const slash = path.lastIndexOf('/')
    const parent = this.dir(slash < 0 ? '' : path.slice(0, slash))
    const name = path.slice(slash + 1)
    const existing = parent.children.get(name)
    this.layerPaths.add(path)
    if (entry.type === 'hardlink') {
      const target = this.lookup(layerPath(entry.target))
      if (target?.type !== 'file') throw new InvalidImageError(`hard link ${JSON.stringify(path)}: its target ${JSON.stringify(entry.target)} is not a file of the image`)
      target.group ??= {}
      parent.children.set(name, { ...target })
    } else if (entry.type === 'dir' && existing?.type === 'dir') {
      // a directory entry over a directory changes its metadata and keeps its contents
      Object.assign(existing, { mode: entry.mode, uid: entry.uid, gid: entry.gid, mtimeMs: entry.mtimeMs })
    } else if (entry.type === 'dir') {
      parent.children.set(name, { ...entry, children: new Map() })
    } else {
      parent.children.set(name, { ...entry })
    }
  }

  private lookup (path: string): Node | undefined {
    let node: Node | undefined = this.root
    for (const name of path === '' ? [] : path.split('/')) {
      if (node?.type !== 'dir') return undefined
      node = node.children.get(name)
    }
    return node
  }

  /** The directory at `path`, made (0755 root) where missing; a non-directory on the way is replaced. */
  private dir (path: string): Node & { type: 'dir' } {
    let dir = this.root
    for (const name of path === '' ? [] : path.split('/')) {
      let child = dir.children.get(name)
      if (child?.type !== 'dir') {
        child = { type: 'dir', mode: 0o755, uid: 0, gid: 0, mtimeMs: 0, children: new Map() }
        dir.children.set(name, child)
      }
      dir = child
    }
    return dir
  }

  /** The tree as sorted flist entries; of each group of hard-linked files, the first path is the file. */
  entries (): FlistEntry[] {
    const entries: FlistEntry[] = []
    const firsts = new Map<LinkGroup, string>()
    const visit = (dir: Node & { type: 'dir' }, prefix: string): void => {
      for (const [name, node] of dir.children) {
        const path = prefix === '' ? name : `${prefix}/${name}`
        const meta = { path, mode: node.mode, uid: node.uid, gid: node.gid, mtimeMs: node.mtimeMs }
        if (node.type === 'dir') {
          entries.push({ ...meta, type: 'dir', size: 0, blocks: [] })
          visit(node, path)
        } else if (node.type === 'symlink') {
          entries.push({ ...meta, type: 'symlink', size: 0, blocks: [], target: node.target })
        } else {
          entries.push({ ...meta, type: 'file', size: node.size, blocks: node.blocks, ...(node.group !== undefined ? { group: node.group } : {}) } as FlistEntry)
        }
      }
    }
    visit(this.root, '')
    entries.sort((a, b) => comparePaths(a.path, b.path))
    return entries.map(e => {
      const group = (e as { group?: LinkGroup }).group
      if (group === undefined) return e
      delete (e as { group?: LinkGroup }).group
      const first = firsts.get(group)
      if (first === undefined) {
        firsts.set(group, e.path)
        return e
      }
      return { ...e, type: 'hardlink', size: 0, blocks: [], target: first }
    })
  }
}
