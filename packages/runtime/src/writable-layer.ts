import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import { mountImage, unmount } from '@p2pcloud/farmer'

/**
 * A container's writable root layer (the overlay's upper and work
 * directories) on an ext4 image of the workload's `rootfs_size`,
 * loop-mounted at `<dir>/layer`: the container cannot write more than it
 * booked, and the host's disk gives no more than that to it.
 */
export async function mountWritableLayer (dir: string, size: number): Promise<{ upper: string, work: string }> {
  const mountpoint = join(dir, 'layer')
  try {
    await mountImage(join(dir, 'layer.img'), mountpoint, size)
  } catch (err: any) {
    err.message = `root layer: ${err.message as string}`
    throw err
  }
  const upper = join(mountpoint, 'upper')
  const work = join(mountpoint, 'work')
  for (const sub of [upper, work]) await mkdir(sub, { recursive: true, mode: 0o700 })
  return { upper, work }
}

/** Unmount it (after the overlay over it is gone); the image and its data stay until the directory is removed. */
export async function unmountWritableLayer (dir: string): Promise<void> {
  await unmount(join(dir, 'layer'))
}
