import { ApiError, clientGone, rawBytesOnceStarted, readJsonBody, requireAbsolutePath, requireFile, withProgress, type Routes } from '@p2pcloud/api'
import { entryView, listPath, parseCid, type FlistService } from '@p2pcloud/flist'
import type { CID } from 'multiformats/cid'

function cidParam (text: string): CID {
  try {
    return parseCid(text)
  } catch (err: any) {
    throw new ApiError(400, 'BadRequest', err.message)
  }
}

/** The flists of this peer under `/v1/flists` (see packages/api/README.md). */
export function flistRoutes (flists: FlistService): Routes {
  return {
    'GET /v1/flists': async () => flists.pinned(),
    'POST /v1/flists': async (req) => {
      const path = requireAbsolutePath(await readJsonBody(req), 'path')
      await requireFile(path, `build a flist file from it first (p2pcloud flist build ${path} -o FILE)`)
      return withProgress(async onProgress => flists.publish(path, { onProgress }))
    },
    'DELETE /v1/flists/:cid': async (_req, _url, params) => {
      await flists.unpin(cidParam(params.cid).toString())
      return { unpinned: params.cid }
    },
    'GET /v1/flists/:cid/ls': async (req, url, params) => {
      const cid = cidParam(params.cid)
      const flist = await flists.manifest(cid, { signal: clientGone(req) })
      const path = url.searchParams.get('path') ?? ''
      return { cid: cid.toString(), path, config: flist.config, entries: listPath(flist, path).map(entryView) }
    },
    'GET /v1/flists/:cid/file': async (req, url, params) => {
      const path = url.searchParams.get('path')
      if (path == null || path === '') throw new ApiError(400, 'BadRequest', 'path is required: the file in the flist to read')
      return rawBytesOnceStarted(flists.cat(cidParam(params.cid), path, { signal: clientGone(req) }))
    },
    'POST /v1/flists/:cid/get': async (req, _url, params) => {
      const cid = cidParam(params.cid)
      const dir = requireAbsolutePath(await readJsonBody(req), 'dir')
      const signal = clientGone(req)
      return withProgress(async onProgress => {
        const flist = await flists.get(cid, dir, { signal, onProgress })
        return { cid: cid.toString(), dir, entries: flist.entries.length, bytes: flist.entries.reduce((sum, e) => sum + e.size, 0) }
      })
    }
  }
}
