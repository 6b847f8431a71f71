import { execFile } from 'node:child_process'
import { mkdir, readFile, rm, stat, truncate, writeFile } from 'node:fs/promises'
import { promisify } from 'node:util'
import { ErrorCodes, ProtocolError } from '@p2pcloud/wire'

const run = promisify(execFile)

/** Loop-mounting needs root; without it a size could not be enforced. */
export function loopMountUnavailable (): string | undefined {
  return process.getuid?.() === 0 ? undefined : 'loop-mounting a filesystem image needs root'
}

/** The mount table's paths escape space, tab, newline and backslash as octal. */
function unescapeMountPath (path: string): string {
  return path.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(parseInt(octal, 8)))
}

export async function isMounted (path: string): Promise<boolean> {
  const table = await readFile('/proc/self/mounts', 'utf8')
  return table.split('\n').some(line => unescapeMountPath(line.split(' ')[1] ?? '') === path)
}

async function tool (what: string, command: string, args: string[]): Promise<string> {
  try {
    return (await run(command, args, { timeout: 120_000 })).stdout
  } catch (err: any) {
    throw new Error(`${what}: ${String(err.stderr ?? '').trim() || err.message}`)
  }
}

/**
 * A filesystem of a fixed size: `image` is a sparse ext4 image of `size`
 * bytes (made on first use), loop-mounted at `mountpoint`. What is written
 * there can never take more than `size` of the host's disk: past it, ENOSPC.
 * Idempotent: an image that exists keeps its data, one already mounted stays
 * mounted; a larger `size` grows it in place, a smaller one is refused.
 */
export async function mountImage (image: string, mountpoint: string, size: number): Promise<void> {
  const missing = loopMountUnavailable()
  if (missing !== undefined) throw new Error(`cannot enforce a size of ${size} bytes: ${missing}`)
  const held = await stat(image).then(s => s.size, () => undefined)
  if (held === undefined) await makeImage(image, size)
  else if (size < held) throw new ProtocolError(ErrorCodes.BAD_REQUEST, `the size cannot shrink from ${held} to ${size} bytes`)
  await mkdir(mountpoint, { recursive: true, mode: 0o700 })
  if (!await isMounted(mountpoint)) await tool(`could not loop-mount ${image} at ${mountpoint}`, 'mount', ['-o', 'loop', image, mountpoint])
  if (held !== undefined && size > held) await grow(image, size)
}

async function makeImage (image: string, size: number): Promise<void> {
  await writeFile(image, '', { flag: 'wx', mode: 0o600 })
  try {
    await truncate(image, size)
    // -m 0: the whole size is the tenant's, none reserved for root
    await tool(`could not make an ext4 filesystem in ${image}`, 'mkfs.ext4', ['-F', '-q', '-m', '0', image])
  } catch (err) {
    await rm(image, { force: true })
    throw err
  }
}

/** Grow a mounted image online: the file, then its loop device's idea of its size, then ext4. */
async function grow (image: string, size: number): Promise<void> {
  await truncate(image, size)
  const device = (await tool(`could not find the loop device of ${image}`, 'losetup', ['-j', image])).split(':')[0]
  if (device === '') throw new Error(`${image} is not on a loop device`)
  await tool(`could not grow ${device}`, 'losetup', ['-c', device])
  await tool(`could not grow the filesystem in ${image}`, 'resize2fs', [device])
}

/** Unmount (which frees the loop device `mount -o loop` set up); nothing to do when not mounted. */
export async function unmountImage (mountpoint: string): Promise<void> {
  if (!await isMounted(mountpoint)) return
  await tool(`could not unmount ${mountpoint}`, 'umount', [mountpoint])
}
