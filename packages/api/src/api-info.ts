import { randomBytes } from 'node:crypto'
import { readFile, rename, unlink, writeFile } from 'node:fs/promises'

/** What `<home>/api.json` holds: how a client on this machine reaches the daemon. */
export interface ApiInfo {
  url: string
  token: string
}

export function newApiToken (): string {
  return randomBytes(32).toString('base64url')
}

/** Written atomically (temp file + rename) with mode 0600: the token is a password. */
export async function writeApiInfo (path: string, info: ApiInfo): Promise<void> {
  const temp = `${path}.${process.pid}.tmp`
  await writeFile(temp, JSON.stringify(info, null, 2) + '\n', { mode: 0o600 })
  await rename(temp, path)
}

export async function removeApiInfo (path: string): Promise<void> {
  await unlink(path).catch(() => {})
}

/** Thrown when no daemon has published its API in the home. */
export class DaemonNotRunningError extends Error {
  override name = 'DaemonNotRunningError'
}

export async function readApiInfo (path: string): Promise<ApiInfo> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (err: any) {
    if (err.code === 'ENOENT') {
      throw new DaemonNotRunningError(`no daemon is running for this home (${path} does not exist); start one with "p2pcloud start"`)
    }
    throw new DaemonNotRunningError(`${path}: cannot read: ${err.message}`)
  }
  try {
    const info = JSON.parse(text)
    if (typeof info.url !== 'string' || typeof info.token !== 'string') throw new Error('missing "url" or "token"')
    return { url: info.url, token: info.token }
  } catch (err: any) {
    throw new DaemonNotRunningError(`${path}: not a valid API file (${err.message})`)
  }
}
