import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { gzipSync } from 'node:zlib'
import tar from 'tar-stream'
import { tempDir } from '@p2pcloud/test-utils'
import { FsBlockStore, buildFromOciImage, importArchive, loadFlist, readFile as catFile } from '../src/index.js'

const T = new Date(Date.UTC(2025, 0, 2, 3, 4, 5))

type Item = { name: string, type?: tar.Header['type'], mode?: number, uid?: number, gid?: number, linkname?: string, body?: string }

/** A tar file (in memory: the test's images are small) made with tar-stream. */
async function tarOf (items: Item[]): Promise<Buffer> {
  const pack = tar.pack()
  const chunks: Buffer[] = []
  const done = (async () => { for await (const c of pack) chunks.push(c as Buffer) })()
  for (const { body, ...header } of items) {
    await new Promise<void>((resolve, reject) => pack.entry({ mtime: T, mode: 0o644, uid: 0, gid: 0, ...header }, body ?? '', err => { if (err != null) reject(err); else resolve() }))
  }
  pack.finalize()
  await done
  return Buffer.concat(chunks)
}

const layer1 = async (): Promise<Buffer> => gzipSync(await tarOf([
  { name: 'etc/', type: 'directory', mode: 0o755 },
  { name: 'etc/conf', body: 'one' },
  { name: 'app/', type: 'directory', mode: 0o750, uid: 1000, gid: 1000 },
  { name: 'app/old.txt', body: 'old' },
  { name: 'app/keep', body: 'keep' },
  { name: 'opaque/', type: 'directory' },
  { name: 'opaque/a.txt', body: 'a' },
  { name: 'bin/tool', mode: 0o4755, body: '#!/bin/sh\n' },
  { name: 'bin/tool-link', type: 'link', linkname: 'bin/tool' },
  { name: 'bin/sh', type: 'symlink', linkname: '/bin/busybox' },
  { name: 'dev/null', type: 'character-device', mode: 0o666 }
]))
const layer2 = async (): Promise<Buffer> => tarOf([
  { name: 'app/.wh.old.txt' },
  { name: 'opaque/.wh..wh..opq' },
  { name: 'opaque/b.txt', body: 'b' },
  { name: 'etc/conf', body: 'two' }
])
const config = Buffer.from(JSON.stringify({
  architecture: 'amd64',
  os: 'linux',
  config: { Entrypoint: ['/bin/tool'], Cmd: ['--serve'], Env: ['PATH=/bin', 'A=1'], WorkingDir: '/app', User: '1000:1000' },
  rootfs: { type: 'layers', diff_ids: [] }
}))

const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex')
const file = (name: string, body: Buffer): Item & { body: any } => ({ name, body: body as any })

async function dockerSave (): Promise<Buffer> {
  const l1 = await layer1()
  const l2 = await layer2()
  return tarOf([
    file('manifest.json', Buffer.from(JSON.stringify([{ Config: 'config.json', RepoTags: ['test:1'], Layers: ['l1/layer.tar', 'l2/layer.tar'] }]))),
    file('config.json', config),
    file('l1/layer.tar', l1),
    file('l2/layer.tar', l2)
  ])
}

async function ociLayout (): Promise<Buffer> {
  const l1 = await layer1()
  const l2 = await layer2()
  const manifest = Buffer.from(JSON.stringify({
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: `sha256:${sha(config)}`, size: config.length },
    layers: [
      { mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: `sha256:${sha(l1)}`, size: l1.length },
      { mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: `sha256:${sha(l2)}`, size: l2.length }
    ]
  }))
  const index = { schemaVersion: 2, manifests: [{ mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: `sha256:${sha(manifest)}`, size: manifest.length }] }
  return tarOf([
    file('oci-layout', Buffer.from('{"imageLayoutVersion":"1.0.0"}')),
    file('index.json', Buffer.from(JSON.stringify(index))),
    file(`blobs/sha256/${sha(manifest)}`, manifest),
    file(`blobs/sha256/${sha(config)}`, config),
    file(`blobs/sha256/${sha(l1)}`, l1),
    file(`blobs/sha256/${sha(l2)}`, l2)
  ])
}

describe('flists from OCI images', () => {
  it('docker save and OCI layout tarballs give the expected tree and config, and the same CID', async t => {
    const work = await tempDir('flist-oci', t)
    const cids: string[] = []
    for (const [shape, image] of [['docker-save', await dockerSave()], ['oci-layout', await ociLayout()]] as const) {
      await writeFile(join(work, `${shape}.tar`), image)
      const built = await buildFromOciImage(join(work, `${shape}.tar`), join(work, `${shape}.car`))
      assert.equal(built.skipped, 1, `${shape}: the device node (its directory is not made for it)`)
      cids.push(built.cid.toString())
      const store = new FsBlockStore(join(work, `blocks-${shape}`))
      await importArchive(join(work, `${shape}.car`), store)
      const flist = await loadFlist(store, built.cid)
      assert.deepEqual(flist.entries.map(e => `${e.path} ${e.type}${e.target !== undefined ? ` ${e.target}` : ''}`), [
        'app dir', 'app/keep file', 'bin dir', 'bin/sh symlink /bin/busybox', 'bin/tool file', 'bin/tool-link hardlink bin/tool',
        'etc dir', 'etc/conf file', 'opaque dir', 'opaque/b.txt file'
      ], shape)
      const byPath = new Map(flist.entries.map(e => [e.path, e]))
      assert.equal(byPath.get('bin/tool')?.mode, 0o4755)
      assert.equal(byPath.get('app')?.uid, 1000)
      assert.equal(byPath.get('app')?.mode, 0o750)
      assert.equal(byPath.get('etc/conf')?.mtimeMs, T.getTime())
      assert.deepEqual(flist.config, { entrypoint: ['/bin/tool'], cmd: ['--serve'], env: ['PATH=/bin', 'A=1'], workingDir: '/app', user: '1000:1000' })
      const chunks: Uint8Array[] = []
      for await (const c of catFile(flist, store, 'etc/conf')) chunks.push(c)
      assert.equal(Buffer.concat(chunks).toString(), 'two', 'the upper layer wins')
    }
    assert.equal(cids[0], cids[1])
  })

  it('refuses a blob that does not match its digest, and a layer entry with ".."', async t => {
    const work = await tempDir('flist-oci-bad', t)
    const image = await ociLayout()
    const l2 = await layer2()
    const tampered = Buffer.from(image)
    const at = tampered.indexOf(l2.subarray(512, 520)) // inside layer 2's blob
    tampered[at] ^= 1
    await writeFile(join(work, 'tampered.tar'), tampered)
    await assert.rejects(buildFromOciImage(join(work, 'tampered.tar'), join(work, 'x.car')), { name: 'InvalidImageError', message: /does not match its digest/ })

    const evil = gzipSync(await tarOf([{ name: '../../etc/passwd', body: 'x' }]))
    await writeFile(join(work, 'evil.tar'), await tarOf([
      file('manifest.json', Buffer.from(JSON.stringify([{ Config: 'config.json', Layers: ['l/layer.tar'] }]))),
      file('config.json', config),
      file('l/layer.tar', evil)
    ]))
    await assert.rejects(buildFromOciImage(join(work, 'evil.tar'), join(work, 'y.car')), { name: 'InvalidImageError', message: /".." component/ })
    assert.notEqual(await readFile('/etc/passwd', 'utf8'), 'x')
  })
})
