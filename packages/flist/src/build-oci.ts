import { createHash } from 'node:crypto'
import { createReadStream, createWriteStream } from 'node:fs'
import { mkdir, mkdtemp, open, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { Transform } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { createGunzip } from 'node:zlib'
import tar from 'tar-stream'
import { ArchiveWriter } from './archive.js'
import { FsBlockStore } from './block-store.js'
import { finishArchive } from './build-directory.js'
import { chunkStream } from './chunker.js'
import { InvalidImageError } from './errors.js'
import { ImageTree, layerPath } from './image-tree.js'
import { throttle } from './progress.js'
import type { BuildOptions, BuildResult } from './build-directory.js'
import type { ImageConfig } from './manifest.js'
import type { Progress } from './progress.js'
import type { Readable } from 'node:stream'

/** The largest JSON document (index, manifest, config) read from an image. */
const MAX_JSON_BYTES = 4 * 1024 * 1024

/** A readable stream of `path`, gunzipped when it starts with the gzip magic. */
async function openMaybeGzip (path: string): Promise<Readable> {
  const fd = await open(path, 'r')
  const magic = Buffer.alloc(4)
  const { bytesRead } = await fd.read(magic, 0, 4, 0)
  await fd.close()
  if (bytesRead >= 4 && magic.readUInt32BE(0) === 0x28b52ffd) throw new InvalidImageError(`${path}: zstd-compressed layers are not supported`)
  const raw = createReadStream(path)
  if (bytesRead >= 2 && magic[0] === 0x1f && magic[1] === 0x8b) return raw.pipe(createGunzip())
  return raw
}

/** Unpacks the outer image tarball's regular files (and remembers its symlinks) under `dir`; blobs/sha256/<hex> are checked against their digest. */
async function unpackImage (imageTar: string, dir: string): Promise<Map<string, string>> {
  const links = new Map<string, string>()
  const extract = tar.extract()
  const done = pipeline(await openMaybeGzip(imageTar), extract)
  done.catch(() => {}) // a refusal below ends the loop early and aborts the pipeline; awaited at the end otherwise
  try {
    await extractEntries(imageTar, extract, dir, links)
    await done
  } catch (err: any) {
    // tar and gzip say "Unexpected end of data": name the file and what it should be
    if (err instanceof InvalidImageError || err.syscall != null) throw err
    throw new InvalidImageError(`${imageTar} is not an image tarball (an OCI image layout or \`docker save\` output, maybe gzipped): ${err.message as string}`)
  }
  return links
}

async function extractEntries (imageTar: string, extract: tar.Extract, dir: string, links: Map<string, string>): Promise<void> {
  for await (const entry of extract) {
    const path = layerPath(entry.header.name)
    if (entry.header.type === 'file' && path !== '') {
      await mkdir(join(dir, dirname(path)), { recursive: true })
      const digest = /^blobs\/sha256\/([0-9a-f]{64})$/.exec(path)?.[1]
      const hash = createHash('sha256')
      await pipeline(entry, new Transform({ transform (chunk, _, cb) { hash.update(chunk); cb(null, chunk) } }), createWriteStream(join(dir, path)))
      if (digest !== undefined && hash.digest('hex') !== digest) throw new InvalidImageError(`${imageTar}: blob sha256:${digest} does not match its digest`)
    } else {
      if (entry.header.type === 'symlink' && entry.header.linkname != null) links.set(path, entry.header.linkname)
      entry.resume()
    }
  }
}

interface Layout { config: string, layers: string[] }

async function readJson (dir: string, path: string): Promise<any> {
  const file = join(dir, layerPath(path))
  let text: Buffer
  try {
    const fd = await open(file, 'r')
    const size = (await fd.stat()).size
    await fd.close()
    if (size > MAX_JSON_BYTES) throw new InvalidImageError(`${path} is ${size} bytes, more than ${MAX_JSON_BYTES}`)
    text = await readFile(file)
  } catch (err: any) {
    if (err.code === 'ENOENT') throw new InvalidImageError(`the image has no ${path}`)
    throw err
  }
  try {
    return JSON.parse(text.toString('utf8'))
  } catch (err) {
    throw new InvalidImageError(`${path} is not JSON: ${(err as Error).message}`)
  }
}

const blobPath = (digest: unknown): string => {
  const match = typeof digest === 'string' ? /^sha256:([0-9a-f]{64})$/.exec(digest) : null
  if (match == null) throw new InvalidImageError(`unsupported blob digest ${JSON.stringify(digest)} (only sha256)`)
  return `blobs/sha256/${match[1]}`
}

const ARCH: Record<string, string> = { x64: 'amd64', arm64: 'arm64', arm: 'arm', ppc64: 'ppc64le', s390x: 's390x' }
const isIndex = (mediaType: unknown): boolean => mediaType === 'application/vnd.oci.image.index.v1+json' || mediaType === 'application/vnd.docker.distribution.manifest.list.v2+json'

/** The image manifest an OCI index names: the one for linux on this machine's architecture, else the first. */
async function ociLayout (dir: string, indexPath: string, depth = 0): Promise<Layout> {
  if (depth > 4) throw new InvalidImageError('image indexes nest too deep')
  const index = await readJson(dir, indexPath)
  const manifests: any[] = Array.isArray(index.manifests) ? index.manifests : []
  const chosen = manifests.find(m => m.platform?.os === 'linux' && m.platform?.architecture === ARCH[process.arch]) ??
    manifests.find(m => m.platform === undefined || m.platform.os !== 'unknown')
  if (chosen === undefined) throw new InvalidImageError(`${indexPath} lists no image manifest`)
  if (isIndex(chosen.mediaType)) return ociLayout(dir, blobPath(chosen.digest), depth + 1)
  const manifest = await readJson(dir, blobPath(chosen.digest))
  if (!Array.isArray(manifest.layers)) throw new InvalidImageError(`manifest ${chosen.digest} has no layers`)
  return { config: blobPath(manifest.config?.digest), layers: manifest.layers.map((l: any) => blobPath(l.digest)) }
}

/** docker save's manifest.json: [{ Config, Layers }], paths inside the tarball. */
async function dockerLayout (dir: string): Promise<Layout> {
  const manifest = await readJson(dir, 'manifest.json')
  const image = Array.isArray(manifest) ? manifest[0] : undefined
  if (typeof image?.Config !== 'string' || !Array.isArray(image.Layers)) throw new InvalidImageError('manifest.json has no Config and Layers')
  return { config: image.Config, layers: image.Layers.map(String) }
}

const strings = (value: unknown, what: string): string[] => {
  if (value == null) return []
  if (!Array.isArray(value) || value.some(v => typeof v !== 'string')) throw new InvalidImageError(`image config ${what} is not a list of strings`)
  return value
}

function imageConfig (json: any): ImageConfig {
  const c = json?.config ?? {}
  return {
    entrypoint: strings(c.Entrypoint, 'Entrypoint'),
    cmd: strings(c.Cmd, 'Cmd'),
    env: strings(c.Env, 'Env'),
    workingDir: typeof c.WorkingDir === 'string' ? c.WorkingDir : '',
    user: typeof c.User === 'string' ? c.User : ''
  }
}

/** A path of the outer tarball through its symlinks (old docker save links duplicate layers). */
function resolveLink (path: string, links: Map<string, string>): string {
  for (let i = 0; i < 8; i++) {
    const target = links.get(path)
    if (target === undefined) return path
    path = layerPath(target.startsWith('/') ? target : `${dirname(path)}/${target}`.replace(/^\.\//, ''))
  }
  throw new InvalidImageError(`${path}: too many symlinks`)
}

const meta = (h: tar.Header): { mode: number, uid: number, gid: number, mtimeMs: number } => ({
  mode: (h.mode ?? 0o644) & 0o7777,
  uid: h.uid ?? 0,
  gid: h.gid ?? 0,
  mtimeMs: Math.max(0, h.mtime?.getTime() ?? 0)
})

/**
 * Builds the flist of an image tarball — an OCI image layout (index.json) or a `docker save`
 * (manifest.json) — into the CARv1 archive `outFile`, with the image's entrypoint, cmd, env,
 * working dir and user. Layers (gzip or plain) are applied in order with their whiteouts;
 * device nodes, fifos and sockets are skipped. File contents are chunked into a staging store
 * on disk while the layers are applied; only the blocks of the final tree go into the archive.
 */
export async function buildFromOciImage (imageTar: string, outFile: string, options: BuildOptions = {}): Promise<BuildResult> {
  const report = throttle(options.onProgress)
  const progress: Progress = { phase: 'unpack', files: 0, bytes: 0 }
  report(progress, true)
  const work = await mkdtemp(join(tmpdir(), 'p2pcloud-flist-image-'))
  try {
    const unpacked = join(work, 'image')
    const links = await unpackImage(imageTar, unpacked)
    const hasDockerManifest = await readJson(unpacked, 'manifest.json').then(() => true, err => { if (err.name === 'InvalidImageError' && /has no/.test(err.message)) return false; throw err })
    const layout = hasDockerManifest ? await dockerLayout(unpacked) : await ociLayout(unpacked, 'index.json')
    const config = imageConfig(await readJson(unpacked, resolveLink(layerPath(layout.config), links)))

    const staging = new FsBlockStore(join(work, 'blocks'))
    const tree = new ImageTree()
    let skipped = 0
    progress.phase = 'layers'
    for (const layer of layout.layers) {
      tree.nextLayer()
      const extract = tar.extract()
      const done = pipeline(await openMaybeGzip(join(unpacked, resolveLink(layerPath(layer), links))), extract)
      done.catch(() => {}) // as in unpackImage
      for await (const entry of extract) {
        const h = entry.header
        const path = layerPath(h.name)
        if (path === '' || tree.whiteout(path)) {
          entry.resume()
          continue
        }
        if (h.type === 'file' || h.type === 'contiguous-file') {
          const { size, blocks } = await chunkStream(entry as AsyncIterable<Uint8Array>, async (cid, bytes) => staging.put(cid, bytes), n => { progress.bytes += n; report(progress) })
          tree.put(path, { ...meta(h), type: 'file', size, blocks })
          progress.files++
          continue
        }
        entry.resume()
        if (h.type === 'directory') tree.put(path, { ...meta(h), type: 'dir' })
        else if (h.type === 'symlink') tree.put(path, { ...meta(h), type: 'symlink', target: h.linkname ?? '' })
        else if (h.type === 'link') tree.put(path, { type: 'hardlink', target: h.linkname ?? '' })
        else if (h.type === 'character-device' || h.type === 'block-device' || h.type === 'fifo') skipped++
        // pax and GNU long-name headers are folded in by tar-stream; other types carry no file
      }
      await done
    }

    progress.phase = 'archive'
    report(progress, true)
    const entries = tree.entries()
    const writer = await ArchiveWriter.create(outFile)
    try {
      let files = 0
      let bytes = 0
      for (const e of entries) {
        if (e.type !== 'file') continue
        files++
        bytes += e.size
        for (const cid of e.blocks) if (!writer.has(cid)) await writer.put(cid, await staging.get(cid))
      }
      const result = await finishArchive(writer, entries, config, { files, bytes, skipped })
      report({ phase: 'done', files, bytes }, true)
      return result
    } catch (err) {
      await writer.abort()
      throw err
    }
  } finally {
    await rm(work, { recursive: true, force: true })
  }
}
