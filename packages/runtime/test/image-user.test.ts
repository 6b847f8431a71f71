import assert from 'node:assert/strict'
import { mkdir, rm, symlink, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { tempDir } from '@p2pcloud/test-utils'
import { resolveImageUser } from '../src/index.js'

describe("the flist's user", () => {
  let dir: string
  let rootfs: string
  before(async () => {
    dir = await tempDir('image-user')
    rootfs = join(dir, 'rootfs')
    await mkdir(join(rootfs, 'etc'), { recursive: true })
    await writeFile(join(rootfs, 'etc/passwd'), 'root:x:0:0:root:/root:/bin/sh\nweb:x:1000:1001::/home/web:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n')
    await writeFile(join(rootfs, 'etc/group'), 'root:x:0:\nweb:x:1001:\nstaff:x:50:\n')
  })
  after(async () => { await rm(dir, { recursive: true, force: true }) })

  it('is found by uid or name, with the group given or its own', async () => {
    assert.deepEqual(await resolveImageUser(rootfs, ''), { uid: 0, gid: 0 })
    assert.deepEqual(await resolveImageUser(rootfs, 'web'), { uid: 1000, gid: 1001 })
    assert.deepEqual(await resolveImageUser(rootfs, '1000'), { uid: 1000, gid: 1001 })
    assert.deepEqual(await resolveImageUser(rootfs, '2000'), { uid: 2000, gid: 0 })
    assert.deepEqual(await resolveImageUser(rootfs, 'web:staff'), { uid: 1000, gid: 50 })
    assert.deepEqual(await resolveImageUser(rootfs, '1000:7'), { uid: 1000, gid: 7 })
  })

  it('an unknown name or group, or an id outside the mapped range, is an ImageUserError naming it', async () => {
    await assert.rejects(resolveImageUser(rootfs, 'bob'), { name: 'ImageUserError', message: 'the flist\'s user "bob": no user "bob" in its /etc/passwd' })
    await assert.rejects(resolveImageUser(rootfs, 'web:wheel'), { name: 'ImageUserError', message: 'the flist\'s user "web:wheel": no group "wheel" in its /etc/group' })
    await assert.rejects(resolveImageUser(rootfs, '70000'), { name: 'ImageUserError', message: /id 70000 is outside the container's ids 0…65535/ })
  })

  it('root is 0:0 also in a tree without /etc/passwd or /etc/group; one that names its own root keeps it', async () => {
    const bare = join(dir, 'bare')
    await mkdir(bare)
    for (const user of ['root', '0', 'root:root', '0:root', 'root:0']) assert.deepEqual(await resolveImageUser(bare, user), { uid: 0, gid: 0 }, user)
    await assert.rejects(resolveImageUser(bare, 'web'), { name: 'ImageUserError', message: /no user "web"/ })
    const own = join(dir, 'own-root')
    await mkdir(join(own, 'etc'), { recursive: true })
    await writeFile(join(own, 'etc/passwd'), 'root:x:0:7::/root:/bin/sh\n')
    assert.deepEqual(await resolveImageUser(own, 'root'), { uid: 0, gid: 7 })
  })

  it('a user with more than two parts or an empty one is an ImageUserError naming it', async () => {
    for (const user of ['a:b:c', '1000:1000:7', '1000:', ':1000', ':']) {
      await assert.rejects(resolveImageUser(rootfs, user), { name: 'ImageUserError', message: `the flist's user "${user}" is not uid[:gid] or name[:group]` }, user)
    }
  })

  it('a symlinked /etc/passwd or /etc is not followed onto the host', async () => {
    const hostile = join(dir, 'hostile')
    await mkdir(join(hostile, 'etc'), { recursive: true })
    await writeFile(join(dir, 'host-passwd'), 'hostuser:x:4242:4242::/:/bin/sh\n')
    await symlink(join(dir, 'host-passwd'), join(hostile, 'etc/passwd'))
    await assert.rejects(resolveImageUser(hostile, 'hostuser'), { name: 'ImageUserError', message: /\/etc\/passwd cannot be read: ELOOP/ })
    const linkedEtc = join(dir, 'linked-etc')
    await mkdir(linkedEtc)
    await symlink(join(rootfs, 'etc'), join(linkedEtc, 'etc'))
    await assert.rejects(resolveImageUser(linkedEtc, 'web'), { name: 'ImageUserError', message: /no user "web"/ })
  })
})
