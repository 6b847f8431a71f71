import { stat } from 'node:fs/promises'
import { isAbsolute } from 'node:path'
import { ApiError, answeringWith, rawBytes, readJsonBody, requireString, withProgress, type Routes } from '@p2pcloud/api'
import { parseCid } from './block-store.js'
import { listPath } from './materialise.js'
import type { FlistService } from './flist-service.js'
import type { FlistEntry } from './manifest.js'
import type { CID } from 'multiformats/cid'
import type { IncomingMessage } from 'node:http'

/** Errors of the flist package as HTTP answers; anything else (no answer from the mesh) stays a 502. */
const STATUS_OF: Record<string, number> = {
  InvalidFlistError: 400,
  BlockHashMismatchError: 400,
  BlockTooLargeError: 400,
  FlistPathError: 404,
  BlocksUnavailableError: 404,
  NotPinnedError: 404
}

const answering = answeringWith(STATUS_OF)

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

function cidParam (text: string): CID {
  try {
    return parseCid(text)
  } catch (err: any) {
    throw new ApiError(400, 'BadRequest', err.message)
  }
}

/** A path the daemon reads or writes: it runs elsewhere, so only absolute paths mean the same to both. */
function absolutePath (body: unknown, field: string): string {
  const path = requireString(body, field)
  if (!isAbsolute(path)) throw new ApiError(400, 'BadRequest', `${field} must be an absolute path, not ${JSON.stringify(path)}`)
  return path
}

/** A flist file to publish: it must exist and be a file (a directory is built first). */
async function flistFile (path: string): Promise<string> {
  const stats = await stat(path).catch((err: any) => {
    throw new ApiError(400, 'BadRequest', err.code === 'ENOENT' ? `${path} does not exist` : `cannot read ${path}: ${err.message as string}`)
  })
  if (stats.isDirectory()) throw new ApiError(400, 'BadRequest', `${path} is a directory; build a flist file from it first (p2pcloud flist build ${path} -o FILE)`)
  return path
}

/** Stops the work when the client goes away. */
function untilGone (req: IncomingMessage): AbortSignal {
  const gone = new AbortController()
  req.socket.once('close', () => { gone.abort() })
  return gone.signal
}

/** The flists of this peer under `/v1/flists` (see packages/api/README.md). */
export function flistRoutes (flists: FlistService): Routes {
  return {
    'GET /v1/flists': async () => flists.pinned(),
    'POST /v1/flists': async (req) => {
      const path = await flistFile(absolutePath(await readJsonBody(req), 'path'))
      return withProgress(async onProgress => answering(async () => flists.publish(path, { onProgress })))
    },
    'DELETE /v1/flists/:cid': async (_req, _url, params) => answering(async () => {
      await flists.unpin(cidParam(params.cid).toString())
      return { unpinned: params.cid }
    }),
    'GET /v1/flists/:cid/ls': async (req, url, params) => answering(async () => {
      const cid = cidParam(params.cid)
      const flist = await flists.manifest(cid, { signal: untilGone(req) })
      const path = url.searchParams.get('path') ?? ''
      return { cid: cid.toString(), path, config: flist.config, entries: listPath(flist, path).map(entryView) }
    }),
    'GET /v1/flists/:cid/file': async (req, url, params) => answering(async () => {
      const path = url.searchParams.get('path')
      if (path == null || path === '') throw new ApiError(400, 'BadRequest', 'path is required: the file in the flist to read')
      const content = flists.cat(cidParam(params.cid), path, { signal: untilGone(req) })
      // the first read names a missing path or an unreachable flist as an HTTP error, not a cut body
      const first = await content.next()
      return rawBytes((async function * () {
        if (first.done === true) return
        yield first.value
        yield * content
      })())
    }),
    'POST /v1/flists/:cid/get': async (req, _url, params) => {
      const cid = cidParam(params.cid)
      const dir = absolutePath(await readJsonBody(req), 'dir')
      const signal = untilGone(req)
      return withProgress(async onProgress => answering(async () => {
        const flist = await flists.get(cid, dir, { signal, onProgress })
        return { cid: cid.toString(), dir, entries: flist.entries.length, bytes: flist.entries.reduce((sum, e) => sum + e.size, 0) }
      }))
    }
  }
}
