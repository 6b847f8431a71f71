import type { FlistEntry } from './manifest.js'

/** An entry as the API shows it: mode in octal, mtime as an ISO date. */
export interface FlistEntryView {
  path: string
  type: FlistEntry['type']
  mode: string
  uid: number
  gid: number
  size: number
  mtime: string
  target?: string
}

export const entryView = (e: FlistEntry): FlistEntryView => ({
  path: e.path, type: e.type, mode: e.mode.toString(8).padStart(4, '0'), uid: e.uid, gid: e.gid, size: e.size, mtime: new Date(e.mtimeMs).toISOString(), ...(e.target != null ? { target: e.target } : {})
})
