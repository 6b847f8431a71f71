import { readFile, stat } from 'node:fs/promises'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { extname, resolve, sep } from 'node:path'
import { fileURLToPath } from 'node:url'
import { gzipSync } from 'node:zlib'
import { decodePercent } from '@p2pcloud/api'

/**
 * Where `npm run build` puts the web UI: packages/ui/dist beside this package in the monorepo
 * (from dist/src/ of this package). The daemon ships inside the repository, not alone.
 */
export const UI_DIST = fileURLToPath(new URL('../../../ui/dist/', import.meta.url))

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.woff2': 'font/woff2'
}

/** Text compresses to a third or less; images and fonts are compressed already. */
const COMPRESSIBLE = new Set(['.html', '.js', '.css', '.svg', '.json', '.map'])

/** Each file's bytes as sent, gzipped once per build (the UI is a few files of tens of KB). */
const bodies = new Map<string, { mtimeMs: number, raw: Buffer, gzip?: Buffer }>()

async function bodyOf (file: string, mtimeMs: number): Promise<{ raw: Buffer, gzip?: Buffer }> {
  const kept = bodies.get(file)
  if (kept?.mtimeMs === mtimeMs) return kept
  const raw = await readFile(file)
  const body = { mtimeMs, raw, gzip: COMPRESSIBLE.has(extname(file)) ? gzipSync(raw, { level: 9 }) : undefined }
  bodies.set(file, body)
  return body
}

const acceptsGzip = (req: IncomingMessage): boolean => /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''))

/** Vite names what it emits under assets/ by content hash: a new build is a new name, so these never go stale. */
const HASHED = /^\/assets\/[^/]+-[\w-]{8,}\.\w+$/

/** The file under `root` that a URL path names, or undefined for one that reaches outside it. */
export function fileUnder (root: string, pathname: string): string | undefined {
  const path = decodePercent(pathname, 'path')
  if (path.includes('\0')) return undefined
  const file = resolve(root, '.' + (path.endsWith('/') ? path + 'index.html' : path))
  return file.startsWith(resolve(root) + sep) ? file : undefined
}

/**
 * Send the file of the web UI that `pathname` names; false when there is none, so that the
 * request goes on to the API (and its token check).
 */
export async function sendUiFile (req: IncomingMessage, res: ServerResponse, pathname: string, root = UI_DIST): Promise<boolean> {
  const file = fileUnder(root, pathname)
  const type = file == null ? undefined : CONTENT_TYPES[extname(file)]
  if (file == null || type == null) return false
  const stats = await stat(file).catch(() => undefined)
  if (stats?.isFile() !== true) return false
  const body = await bodyOf(file, stats.mtimeMs)
  const gzipped = body.gzip != null && acceptsGzip(req)
  const sent = gzipped ? body.gzip! : body.raw
  res.writeHead(200, {
    'content-type': type,
    'content-length': sent.length,
    ...(gzipped ? { 'content-encoding': 'gzip' } : {}),
    vary: 'accept-encoding',
    // the page itself must be asked for again, or a new build's assets would never load
    'cache-control': HASHED.test(pathname) ? 'public, max-age=31536000, immutable' : 'no-cache',
    'x-content-type-options': 'nosniff',
    // no frame of a foreign page may hold the UI (clickjacking), and the UI loads nothing from elsewhere
    'x-frame-options': 'DENY',
    'content-security-policy': "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'"
  })
  res.end(req.method === 'HEAD' ? undefined : sent)
  return true
}
