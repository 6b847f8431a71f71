import assert from 'node:assert/strict'
import { stat, writeFile } from 'node:fs/promises'
import { Agent } from 'node:https'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import * as acme from 'acme-client'
import { tempDir, waitFor } from '@p2pcloud/test-utils'
import { AcmeCertificates, FrontDoor, Http01Challenges, tcpBackend } from '../src/index.js'
import { startHttpBackend, type Backend } from './backends.js'
import { curl, resolveTo127 } from './curl.js'
import { startPebble, type Pebble } from './pebble.js'

// pebble's certificates live this long, so that a renewal comes due within the test.
const VALIDITY_SECONDS = 30

describe('ACME certificates from a real pebble, through the front door', () => {
  const hooks: Array<() => Promise<void>> = []
  const cleanup = { after: (fn: () => Promise<void>) => { hooks.unshift(fn) } }
  let dir: string
  let pebble: Pebble
  let backend: Backend
  let door: FrontDoor
  let certificates: AcmeCertificates
  let rootFile: string
  const challenges = new Http01Challenges()

  before(async () => {
    dir = await tempDir('gateway-acme', cleanup)
    backend = await startHttpBackend('acme site', cleanup)
    // pebble must know the front door's HTTP port, so the door comes first and ACME after pebble
    door = new FrontDoor({
      http: { host: '127.0.0.1', port: 0 },
      https: { host: '127.0.0.1', port: 0 },
      certificates: name => certificates?.secureContext(name),
      challenges
    })
    await door.start()
    cleanup.after(async () => { await door.stop() })
    pebble = await startPebble(dir, door.httpPort, VALIDITY_SECONDS)
    cleanup.after(pebble.stop)
    // Trust pebble's API (and only in this test process); an ACME server that is down fails at once, not after acme-client's retries.
    acme.axios.defaults.httpsAgent = new Agent({ ca: pebble.apiCertificate })
    ;(acme.axios.defaults as any).acmeSettings.retryMaxAttempts = 0
    rootFile = join(dir, 'pebble-root.pem')
    await writeFile(rootFile, pebble.root)
    certificates = new AcmeCertificates({ directoryUrl: pebble.directoryUrl, dir: join(dir, 'certificates'), challenges, pollMinMs: 200, retryMinMs: 60_000 })
    await certificates.start()
    cleanup.after(async () => { certificates.stop() })
  })

  after(async () => {
    for (const hook of hooks) await hook()
  })

  const verifiedCurl = async (name: string): ReturnType<typeof curl> =>
    await curl(`https://${name}:${door.httpsPort}/`, [...resolveTo127([name], [door.httpsPort]), '--cacert', rootFile])

  it('obtains a certificate by HTTP-01 on the front door\'s port and serves it: curl verifies it against pebble\'s root', async () => {
    door.routes.set('www.gw.test', { tls: 'terminate', connect: tcpBackend('127.0.0.1', backend.port) })
    const before = await verifiedCurl('www.gw.test')
    assert.equal(before.exitCode, 35, 'no certificate yet: refused, not served with another')
    await certificates.obtain('www.gw.test')
    const response = await verifiedCurl('www.gw.test')
    assert.equal(response.exitCode, 0, response.stderr)
    assert.equal(response.body, 'hello from acme site')
    for (const file of ['account.key', 'certificates/www.gw.test/key.pem', 'certificates/www.gw.test/chain.pem']) {
      assert.equal((await stat(join(dir, 'certificates', file))).mode & 0o777, 0o600, file)
    }
    assert.equal((await stat(join(dir, 'certificates', 'certificates', 'www.gw.test'))).mode & 0o777, 0o700)
  })

  it('loads its account and certificates from disk at start, without a new order', async () => {
    const again = new AcmeCertificates({ directoryUrl: pebble.directoryUrl, dir: join(dir, 'certificates') })
    await again.start()
    after(async () => { again.stop() })
    assert.equal(again.status('www.gw.test')?.serialNumber, certificates.status('www.gw.test')?.serialNumber)
    assert.ok(again.secureContext('www.gw.test') != null)
  })

  it('renews a certificate before it expires, and serves the new one', async () => {
    door.routes.set('renew.gw.test', { tls: 'terminate', connect: tcpBackend('127.0.0.1', backend.port) })
    await certificates.obtain('renew.gw.test')
    const first = certificates.status('renew.gw.test')
    assert.ok(first?.notAfter != null && first.renewAt != null)
    assert.ok(first.renewAt < first.notAfter, 'renewal is due before expiry')
    await waitFor('the certificate to be renewed', () => certificates.status('renew.gw.test')?.serialNumber !== first.serialNumber, VALIDITY_SECONDS * 1000)
    assert.equal(certificates.status('renew.gw.test')?.failures, 0)
    const response = await verifiedCurl('renew.gw.test')
    assert.equal(response.exitCode, 0, response.stderr)
  })

  it('runs orders in turn when more are asked for than may run at once', async () => {
    const queued = new AcmeCertificates({ directoryUrl: pebble.directoryUrl, dir: join(dir, 'queued'), challenges, pollMinMs: 200, maxConcurrentOrders: 1 })
    await queued.start()
    after(async () => { queued.stop() })
    await Promise.all(['q1.gw.test', 'q2.gw.test', 'q3.gw.test'].map(async name => { await queued.obtain(name) }))
    for (const name of ['q1.gw.test', 'q2.gw.test', 'q3.gw.test']) assert.ok(queued.secureContext(name) != null, name)
  })

  it('refuses names that are not hostnames before any order or path', async () => {
    for (const name of ['../../etc', 'a/b.gw.test', '..', 'x..gw.test', '-a.gw.test', 'a_b.gw.test', '']) {
      await assert.rejects(certificates.obtain(name), { name: 'InvalidHostnameError' }, name)
    }
  })

  it('keeps serving the old certificate when a renewal fails, and schedules a retry', async () => {
    const before = certificates.status('www.gw.test')
    await pebble.stop()
    await certificates.renew('www.gw.test')
    const after = certificates.status('www.gw.test')
    assert.equal(after?.failures, 1)
    assert.match(after?.lastError ?? '', /could not obtain a certificate for www\.gw\.test/)
    assert.equal(after?.serialNumber, before?.serialNumber)
    assert.ok(after?.renewAt != null && after.renewAt.getTime() > Date.now(), 'a retry is scheduled')
    const response = await verifiedCurl('www.gw.test')
    assert.equal(response.exitCode, 0, response.stderr)
  })
})
