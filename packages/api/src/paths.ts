import { stat } from 'node:fs/promises'
import { isAbsolute } from 'node:path'
import { badRequest } from './errors.js'
import { requireString } from './json-body.js'

/** Percent-decoded `text`, or a 400 naming it as `what` ("path segment", "path"). */
export function decodePercent (text: string, what: string): string {
  try {
    return decodeURIComponent(text)
  } catch {
    throw badRequest(`${what} ${JSON.stringify(text)} is not valid percent-encoded UTF-8`)
  }
}

/** A path field the daemon reads or writes: it runs elsewhere, so only absolute paths mean the same to both. */
export function requireAbsolutePath (body: unknown, field: string): string {
  const path = requireString(body, field)
  if (!isAbsolute(path)) throw badRequest(`${field} must be an absolute path, not ${JSON.stringify(path)}`)
  return path
}

/** The size of the regular file at `path`, or a 400 naming what is wrong; `directoryHint` says what to do with a directory. */
export async function requireFile (path: string, directoryHint?: string): Promise<number> {
  const stats = await stat(path).catch((err: any) => {
    throw badRequest(err.code === 'ENOENT' ? `${path} does not exist` : `cannot read ${path}: ${err.message as string}`)
  })
  if (stats.isDirectory() && directoryHint != null) throw badRequest(`${path} is a directory; ${directoryHint}`)
  if (!stats.isFile()) throw badRequest(`${path} is not a file`)
  return stats.size
}
