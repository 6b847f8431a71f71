import { join } from 'node:path'
import { UnsafeNameError } from './errors.js'

/** The longest name most filesystems take for one path component (ext4, xfs, btrfs: 255 bytes). */
export const MAX_PATH_NAME_BYTES = 255

/**
 * `root/name/...` for names that come from a peer, a deployment or a stored
 * record. Each name must be one plain path component (not empty, not `.` or
 * `..`, no `/`, no NUL, at most MAX_PATH_NAME_BYTES bytes), so the path
 * cannot leave `root` whatever the names say; anything else throws
 * UnsafeNameError naming the name. Checked where the path is built, so every
 * caller gets it, including ones that read names back from disk.
 */
export function pathUnder (root: string, ...names: string[]): string {
  for (const name of names) {
    const problem = nameProblem(name)
    if (problem !== undefined) throw new UnsafeNameError(name, problem)
  }
  return join(root, ...names)
}

function nameProblem (name: string): string | undefined {
  if (name === '') return 'is empty'
  if (name === '.' || name === '..') return 'is a relative directory'
  if (name.includes('/')) return 'contains "/"'
  if (name.includes('\0')) return 'contains a NUL byte'
  if (Buffer.byteLength(name) > MAX_PATH_NAME_BYTES) return `is longer than ${MAX_PATH_NAME_BYTES} bytes`
  return undefined
}
