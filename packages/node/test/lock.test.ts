import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { readFile, stat, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { tempDir } from '@p2pcloud/test-utils'
import { acquireHomeLock } from '../src/index.js'

describe('home lock', () => {
  it('a second holder is refused with the pid of the first', async () => {
    const home = await tempDir('lock')
    const path = join(home, 'daemon.lock')
    const lock = await acquireHomeLock(path, home)
    await assert.rejects(acquireHomeLock(path, home), (err: Error) => {
      assert.equal(err.name, 'HomeLockedError')
      assert.match(err.message, new RegExp(`pid ${process.pid}`))
      return true
    })
    await lock.release()
    await assert.rejects(stat(path), { code: 'ENOENT' })
    const again = await acquireHomeLock(path, home)
    await again.release()
  })

  it('a lock left by a process that died is taken over', async () => {
    const home = await tempDir('lock')
    const path = join(home, 'daemon.lock')
    // the pid of a process that has certainly exited
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']).stdout.toString()
    await writeFile(path, `${dead}\n`)
    const lock = await acquireHomeLock(path, home)
    assert.equal((await readFile(path, 'utf8')).trim(), String(process.pid))
    await lock.release()
  })
})
