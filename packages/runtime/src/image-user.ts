import { constants } from 'node:fs'
import { lstat, open } from 'node:fs/promises'
import { join } from 'node:path'
import { CONTAINER_ID_MAP } from './user-namespace.js'

/** The most of /etc/passwd or /etc/group read to find a user. */
const MAX_ACCOUNT_FILE_BYTES = 1024 * 1024

export class ImageUserError extends Error {
  override name = 'ImageUserError'
}

/** root is 0 also in a tree without /etc/passwd or /etc/group (as Docker has it). */
const ROOT: Account = { name: 'root', id: 0, gid: 0 }

/**
 * The uid and gid the flist's `user` names: `uid[:gid]` or `name[:group]`,
 * names looked up in the root filesystem's /etc/passwd and /etc/group (as
 * Docker does). No group: the user's own from /etc/passwd, else 0. Empty: root.
 */
export async function resolveImageUser (rootfs: string, user: string): Promise<{ uid: number, gid: number }> {
  if (user === '') return { uid: 0, gid: 0 }
  const parts = user.split(':')
  if (parts.length > 2 || parts.includes('')) throw new ImageUserError(`the flist's user "${user}" is not uid[:gid] or name[:group]`)
  const [userPart, groupPart] = parts
  const passwd = [...parseAccounts(await readAccountFile(rootfs, 'passwd')), ROOT]
  const account = /^\d+$/.test(userPart) ? passwd.find(a => a.id === Number(userPart)) : passwd.find(a => a.name === userPart)
  if (account === undefined && !/^\d+$/.test(userPart)) throw new ImageUserError(`the flist's user "${user}": no user "${userPart}" in its /etc/passwd`)
  const uid = account?.id ?? Number(userPart)
  let gid = account?.gid ?? 0
  if (groupPart !== undefined) {
    if (/^\d+$/.test(groupPart)) {
      gid = Number(groupPart)
    } else {
      const group = [...parseAccounts(await readAccountFile(rootfs, 'group')), ROOT].find(g => g.name === groupPart)
      if (group === undefined) throw new ImageUserError(`the flist's user "${user}": no group "${groupPart}" in its /etc/group`)
      gid = group.id
    }
  }
  for (const id of [uid, gid]) {
    if (id >= CONTAINER_ID_MAP.size) throw new ImageUserError(`the flist's user "${user}": id ${id} is outside the container's ids 0…${CONTAINER_ID_MAP.size - 1}`)
  }
  return { uid, gid }
}

interface Account { name: string, id: number, gid?: number }

/** `name:x:id[:gid…]` lines; others are skipped. */
function parseAccounts (text: string): Account[] {
  return text.split('\n').flatMap(line => {
    const [name, , id, gid] = line.split(':')
    if (name === undefined || !/^\d+$/.test(id ?? '')) return []
    return [{ name, id: Number(id), gid: /^\d+$/.test(gid ?? '') ? Number(gid) : undefined }]
  })
}

/**
 * The tenant's /etc/<name>, or '' when it has none. The tree is the tenant's:
 * a symlink at /etc or /etc/<name> could point at the host's files, so
 * neither is followed, and the read is bounded.
 */
async function readAccountFile (rootfs: string, name: 'passwd' | 'group'): Promise<string> {
  const etc = await lstat(join(rootfs, 'etc')).catch(() => undefined)
  if (etc?.isDirectory() !== true) return ''
  let file
  try {
    file = await open(join(rootfs, 'etc', name), constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK)
  } catch (err: any) {
    if (err.code === 'ENOENT') return ''
    throw new ImageUserError(`the flist's /etc/${name} cannot be read: ${err.code as string}`)
  }
  try {
    if (!(await file.stat()).isFile()) throw new ImageUserError(`the flist's /etc/${name} is not a regular file`)
    const buffer = Buffer.alloc(MAX_ACCOUNT_FILE_BYTES)
    const { bytesRead } = await file.read(buffer, 0, buffer.length, 0)
    return buffer.subarray(0, bytesRead).toString('utf8')
  } finally {
    await file.close()
  }
}
