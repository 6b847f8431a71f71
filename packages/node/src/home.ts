import { homedir } from 'node:os'
import { join, resolve } from 'node:path'

/** Where a peer keeps everything it owns. One home = one peer identity. */
export interface HomePaths {
  root: string
  config: string
  identityKey: string
  datastore: string
  lock: string
  apiInfo: string
}

/**
 * The home to use: an explicit one, else `$P2PCLOUD_HOME`, else `~/.p2pcloud`.
 */
export function resolveHome (explicit?: string, env: NodeJS.ProcessEnv = process.env): string {
  const chosen = explicit ?? env.P2PCLOUD_HOME ?? join(homedir(), '.p2pcloud')
  return resolve(chosen)
}

export function homePaths (root: string): HomePaths {
  return {
    root,
    config: join(root, 'config.json'),
    identityKey: join(root, 'identity.key'),
    datastore: join(root, 'datastore'),
    lock: join(root, 'daemon.lock'),
    apiInfo: join(root, 'api.json')
  }
}
