import assert from 'node:assert/strict'
import { chmod, readFile, stat, writeFile } from 'node:fs/promises'
import { describe, it } from 'node:test'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { tempDir } from '@p2pcloud/test-utils'
import { initHome, readIdentityFile } from '../src/index.js'

async function tempHome (): Promise<string> {
  return tempDir('identity')
}

describe('identity', () => {
  it('init creates an Ed25519 key readable by the owner only, and reading it gives the same peer id', async () => {
    const { peerId, paths } = await initHome(await tempHome())
    assert.equal((await stat(paths.identityKey)).mode & 0o777, 0o600)
    const key = await readIdentityFile(paths.identityKey)
    assert.equal(key.type, 'Ed25519')
    assert.ok(peerIdFromPrivateKey(key).equals(peerId))
  })

  it('init never replaces an existing identity', async () => {
    const home = await tempHome()
    const { paths } = await initHome(home)
    const before = await readFile(paths.identityKey)
    await assert.rejects(initHome(home), { name: 'HomeExistsError' })
    assert.deepEqual(await readFile(paths.identityKey), before)
  })

  it('a key file that others can read is refused with the chmod to run', async () => {
    const { paths } = await initHome(await tempHome())
    await chmod(paths.identityKey, 0o644)
    await assert.rejects(readIdentityFile(paths.identityKey), (err: Error) => {
      assert.equal(err.name, 'KeyFileError')
      assert.match(err.message, /too open/)
      assert.match(err.message, /chmod 600/)
      return true
    })
  })

  it('a corrupt key file is named in the error and left untouched', async () => {
    const { paths } = await initHome(await tempHome())
    await writeFile(paths.identityKey, 'garbage', { mode: 0o600 })
    await assert.rejects(readIdentityFile(paths.identityKey), (err: Error) => {
      assert.equal(err.name, 'KeyFileError')
      assert.ok(err.message.startsWith(paths.identityKey))
      return true
    })
    assert.equal(await readFile(paths.identityKey, 'utf8'), 'garbage')
  })
})
