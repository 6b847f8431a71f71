import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { mkdir, readdir, readFile, rm, stat, truncate, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, it, type TestContext } from 'node:test'
import { promisify } from 'node:util'
import { tempDir } from '@p2pcloud/test-utils'
import { classifyDisk, describeDiskClass, SSD_MAX_READ_MS } from '../src/disk-class.js'

const run = promisify(execFile)
const root = process.getuid?.() === 0
const needsRoot = root ? false : 'mounting filesystems needs root'

/** A filesystem of `type` mounted on a fresh directory, unmounted after the test. */
async function mounted (t: TestContext, type: 'ext4' | 'tmpfs' | 'ramfs'): Promise<string> {
  const dir = await tempDir(`disk-${type}`)
  const mountpoint = join(dir, 'mnt')
  await mkdir(mountpoint)
  if (type === 'ext4') {
    const image = join(dir, 'disk.img')
    await writeFile(image, '')
    await truncate(image, 64 * 2 ** 20)
    await run('mkfs.ext4', ['-F', '-q', image])
    await run('mount', ['-o', 'loop', image, mountpoint])
  } else {
    await run('mount', ['-t', type, '-o', 'size=64m', 'none', mountpoint])
  }
  t.after(async () => {
    await run('umount', [mountpoint])
    await rm(dir, { recursive: true })
  })
  return mountpoint
}

describe('classifyDisk', () => {
  it('measures a loop-mounted ext4 disk with O_DIRECT reads of its block device, and keeps the result', { skip: needsRoot }, async t => {
    const mountpoint = await mounted(t, 'ext4')
    const keep = join(mountpoint, 'disk-class.json')
    const first = await classifyDisk(mountpoint, keep)
    assert.equal(first.how, 'measured')
    assert.equal(first.kept, false)
    assert.match(first.target ?? '', /^\/dev\/loop\d+$/, 'root reads the block device itself')
    assert.ok(first.reads != null && first.reads > 0 && first.reads <= 200, `${first.reads} reads: bounded`)
    assert.ok(first.medianReadMs != null && first.medianReadMs >= 0)
    assert.equal(first.kind, first.medianReadMs < SSD_MAX_READ_MS ? 'ssd' : 'hdd')
    assert.match(describeDiskClass(first), /^(SSD|HDD): median random 4 KiB read [\d.]+ ms over \d+ O_DIRECT reads of \/dev\/loop\d+/)

    // a restart reuses the measurement; deleting the file asks for a new one
    const again = await classifyDisk(mountpoint, keep)
    assert.equal(again.kept, true)
    assert.equal(again.at, first.at)
    assert.equal(again.medianReadMs, first.medianReadMs)
    await rm(keep)
    const remeasured = await classifyDisk(mountpoint, keep)
    assert.equal(remeasured.kept, false)
    assert.equal(remeasured.how, 'measured')
  })

  it('measures again when the kept result is of another device or not one it wrote', { skip: needsRoot }, async t => {
    const mountpoint = await mounted(t, 'ext4')
    const keep = join(mountpoint, 'disk-class.json')
    const first = await classifyDisk(mountpoint, keep)
    for (const forged of [{ ...first, device: '0:0', at: 'moved' }, { ...first, kind: 'nvme', at: 'forged' }, 'not json']) {
      await writeFile(keep, typeof forged === 'string' ? forged : JSON.stringify(forged))
      const result = await classifyDisk(mountpoint, keep)
      assert.equal(result.kept, false, JSON.stringify(forged))
      assert.equal(JSON.parse(await readFile(keep, 'utf8')).device, first.device)
    }
  })

  it('without a block device reads a probe file it removes afterwards (tmpfs: RAM reads like an SSD)', { skip: needsRoot }, async t => {
    const mountpoint = await mounted(t, 'tmpfs')
    const result = await classifyDisk(mountpoint, join(mountpoint, 'disk-class.json'))
    assert.equal(result.how, 'measured')
    assert.equal(result.target, 'a probe file')
    assert.equal(result.kind, 'ssd')
    assert.deepEqual(await readdir(mountpoint), ['disk-class.json'], 'the probe file is gone')
  })

  it('where O_DIRECT is refused (ramfs) falls back to the kernel, says why, and keeps nothing', { skip: needsRoot }, async t => {
    const mountpoint = await mounted(t, 'ramfs')
    const keep = join(mountpoint, 'disk-class.json')
    const result = await classifyDisk(mountpoint, keep)
    assert.equal(result.how, 'none', 'ramfs has no block device, so no kernel flag either')
    assert.equal(result.kind, 'ssd')
    assert.match(result.fallbackReason ?? '', /EINVAL/)
    assert.match(describeDiskClass(result), /^SSD: no block device, counted as SSD; not measured: .*EINVAL/)
    await assert.rejects(stat(keep), { code: 'ENOENT' })
    assert.deepEqual(await readdir(mountpoint), [], 'the probe file is gone')
  })
})
