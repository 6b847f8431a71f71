import { execFile } from 'node:child_process'
import { mkdir, readFile, rm, stat, truncate, writeFile } from 'node:fs/promises'
import { setTimeout as sleep } from 'node:timers/promises'
import { promisify } from 'node:util'
import { ErrorCodes, ProtocolError } from '@p2pcloud/wire'

const run = promisify(execFile)

/** Loop-mounting needs root; without it a size could not be enforced. */
export function loopMountUnavailable (): string | undefined {
  return process.getuid?.() === 0 ? undefined : 'loop-mounting a filesystem image needs root'
}

/** Why a kind whose size is a loop-mounted image cannot run here, or undefined when it can. */
export function loopMountsMissing (capability: string): string | undefined {
  const reason = loopMountUnavailable()
  return reason === undefined ? undefined : `${reason} (its size is enforced on a loop-mounted image); run the farmer as root or remove "${capability}"`
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
 * bytes (made on first use), loop-mounted at `mountpoint` (nosuid, nodev). What is written
 * there can never take more than `size` of the host's disk: past it, ENOSPC.
 * Idempotent: an image that exists keeps its data, one already mounted stays
 * mounted; another `size` resizes it (see `resize`).
 */
export async function mountImage (image: string, mountpoint: string, size: number): Promise<void> {
  const missing = loopMountUnavailable()
  if (missing !== undefined) throw new Error(`cannot enforce a size of ${size} bytes: ${missing}`)
  const held = await stat(image).then(s => s.size, () => undefined)
  try {
    if (held === undefined) await makeImage(image, size)
    else if (size !== held) await resize(image, mountpoint, held, size)
  } finally {
    // also after a refused resize: the volume stays mounted as it was; no image, no mount point
    // (a directory there would be taken for the filesystem and written without a bound)
    if (await stat(image).then(() => true, () => false) && !await isMounted(mountpoint)) {
      await mkdir(mountpoint, { recursive: true, mode: 0o700 })
      // nosuid, nodev: the tenant's setuid files and device nodes mean nothing on the host
      await tool(`could not loop-mount ${image} at ${mountpoint}`, 'mount', ['-o', 'loop,nosuid,nodev', image, mountpoint])
    }
  }
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

/**
 * How long the kernel may take to free a loop device after its last unmount: on a busy machine an
 * image was seen still attached just after `umount` returned. A device a container's bind mount
 * holds stays attached: that is "in use".
 */
const LOOP_RELEASE_MS = 5_000

async function loopDevicesFreed (image: string): Promise<boolean> {
  const deadline = Date.now() + LOOP_RELEASE_MS
  while (true) {
    if ((await tool(`could not look up the loop devices of ${image}`, 'losetup', ['-j', image])) === '') return true
    if (Date.now() > deadline) return false
    await sleep(50)
  }
}

/**
 * Resize offline (online resizing needs a capability a farmer may lack), and
 * only once nothing else mounts it: a container's bind mount would keep the
 * old filesystem live on its loop device. A shrink must leave room for the data.
 */
async function resize (image: string, mountpoint: string, held: number, size: number): Promise<void> {
  await unmount(mountpoint)
  const refuse = async (why: string): Promise<never> => {
    await truncate(image, held)
    throw new ProtocolError(ErrorCodes.BAD_REQUEST, `cannot resize from ${held} to ${size} bytes: ${why}`)
  }
  if (!await loopDevicesFreed(image)) await refuse('it is in use (a running container mounts it); stop it first')
  // resize2fs wants a freshly checked filesystem; e2fsck's exit code 1 means it fixed something, which is fine
  await run('e2fsck', ['-f', '-p', image], { timeout: 120_000 }).catch(async (err: any) => { if (err.code !== 1) await refuse(`the filesystem check failed: ${String(err.stderr ?? err.message).trim()}`) })
  if (size > held) await truncate(image, size)
  const resized = await run('resize2fs', [image, `${Math.floor(size / 1024)}K`], { timeout: 120_000 }).then(() => true, () => false)
  if (!resized) await refuse(size < held ? 'its data does not fit' : 'resize2fs failed')
  if (size < held) await truncate(image, size)
}

/**
 * Unmount what is mounted at `mountpoint` (a loop mount's device is freed
 * with it); nothing to do when nothing is. Any other failure (busy) is an
 * error naming it: what was mounted there still is.
 */
export async function unmount (mountpoint: string): Promise<void> {
  if (!await isMounted(mountpoint)) return
  await tool(`could not unmount ${mountpoint}`, 'umount', [mountpoint])
}
