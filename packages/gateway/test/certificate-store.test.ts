import assert from 'node:assert/strict'
import { mkdir, readdir, stat, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { tempDir } from '@p2pcloud/test-utils'
import { CertificateStore, MAX_PEM_BYTES } from '../src/index.js'
import { selfSignedCertificate } from './test-certificates.js'

describe('certificate store', () => {
  it('keeps certificates readable by the gateway alone and loads them back', async t => {
    const dir = await tempDir('gateway-store', t)
    const store = new CertificateStore(dir)
    const own = selfSignedCertificate('site.gw.test')
    const saved = await store.save('site.gw.test', own.key, own.cert)
    assert.ok(saved.notAfter > new Date())
    assert.equal((await stat(join(dir, 'certificates', 'site.gw.test', 'key.pem'))).mode & 0o777, 0o600)
    assert.equal((await stat(join(dir, 'certificates', 'site.gw.test'))).mode & 0o777, 0o700)
    const loaded = await new CertificateStore(dir).load()
    assert.deepEqual(loaded.map(c => [c.hostname, c.serialNumber]), [['site.gw.test', saved.serialNumber]])
    assert.deepEqual((await readdir(join(dir, 'certificates', 'site.gw.test'))).sort(), ['chain.pem', 'key.pem'], 'no temporary files left')
  })

  it('refuses a certificate for another name or with another key, and names that are not hostnames', async t => {
    const store = new CertificateStore(await tempDir('gateway-store', t))
    const own = selfSignedCertificate('site.gw.test')
    const other = selfSignedCertificate('other.gw.test')
    await assert.rejects(store.save('other.gw.test', own.key, own.cert), /not for other\.gw\.test/)
    await assert.rejects(store.save('site.gw.test', other.key, own.cert), /does not match/)
    for (const name of ['../x', 'a/b', '..', '.', 'Site.gw.test']) {
      await assert.rejects(store.save(name, own.key, own.cert), Error, name)
    }
  })

  it('skips stored entries it did not write whole: a missing key, an oversized file, a directory that is no hostname', async t => {
    const dir = await tempDir('gateway-store', t)
    const store = new CertificateStore(dir)
    const own = selfSignedCertificate('site.gw.test')
    await store.save('site.gw.test', own.key, own.cert)
    await mkdir(join(dir, 'certificates', 'half.gw.test'))
    await writeFile(join(dir, 'certificates', 'half.gw.test', 'chain.pem'), own.cert)
    await mkdir(join(dir, 'certificates', 'big.gw.test'))
    await writeFile(join(dir, 'certificates', 'big.gw.test', 'key.pem'), Buffer.alloc(MAX_PEM_BYTES + 1))
    await writeFile(join(dir, 'certificates', 'big.gw.test', 'chain.pem'), own.cert)
    await mkdir(join(dir, 'certificates', 'not_a_host'))
    assert.deepEqual((await store.load()).map(c => c.hostname), ['site.gw.test'])
  })
})
