import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { readFile, rm, stat, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { deploymentMessages } from '@p2pcloud/wire'
import { tempDir } from '@p2pcloud/test-utils'
import { isMounted, loopMountUnavailable, mountImage } from '../src/loop-filesystem.js'
import { VolumeDriver } from '../src/volume-driver.js'

const MiB = 2 ** 20
const CONTRACT = 'c'.repeat(64)

function volume (sizeMiB: number, version: number): { name: string, type: string, version: number, data: Uint8Array } {
  return { name: 'data', type: 'volume', version, data: deploymentMessages.VolumeData.encode({ size: sizeMiB * MiB }) }
}

describe('volume driver: a loop-mounted filesystem of the volume\'s size', { skip: loopMountUnavailable() }, () => {
  let dir: string
  let driver: VolumeDriver
  before(async () => {
    dir = await tempDir('volumes')
    driver = new VolumeDriver(dir)
  })
  after(async () => {
    await driver.remove(CONTRACT, 'data')
    await rm(dir, { recursive: true, force: true })
  })

  it('grows in place keeping its data; shrinks only while its data fits', async () => {
    const path = driver.path(CONTRACT, 'data')
    await driver.apply(CONTRACT, volume(4, 1))
    await writeFile(join(path, 'kept'), 'kept\n')
    await assert.rejects(writeFile(join(path, 'big'), Buffer.alloc(6 * MiB)), { code: 'ENOSPC' })

    await driver.apply(CONTRACT, volume(8, 2))
    await writeFile(join(path, 'big'), Buffer.alloc(6 * MiB))
    assert.equal(await readFile(join(path, 'kept'), 'utf8'), 'kept\n')

    await assert.rejects(driver.apply(CONTRACT, volume(4, 3)), { code: 'BAD_REQUEST', message: /volume "data": cannot resize from 8388608 to 4194304 bytes: its data does not fit/ })
    assert.ok(await isMounted(path), 'a refused shrink leaves it mounted as it was')
    assert.equal((await readFile(join(path, 'big'))).byteLength, 6 * MiB)

    await rm(join(path, 'big'))
    await driver.apply(CONTRACT, volume(4, 4))
    assert.equal(await readFile(join(path, 'kept'), 'utf8'), 'kept\n')
    await assert.rejects(writeFile(join(path, 'big'), Buffer.alloc(6 * MiB)), { code: 'ENOSPC' })
  })

  it('an image that cannot be made leaves no mount point, so nothing takes the bare directory for the filesystem', async () => {
    // 8 KiB: too small for mkfs.ext4
    const mountpoint = join(dir, 'tiny')
    await assert.rejects(mountImage(join(dir, 'tiny.img'), mountpoint, 8192), /could not make an ext4 filesystem/)
    await assert.rejects(stat(mountpoint), { code: 'ENOENT' })
    await assert.rejects(stat(join(dir, 'tiny.img')), { code: 'ENOENT' })
  })
})
