import assert from 'node:assert/strict'
import { request } from 'node:http'
import { readFile, stat } from 'node:fs/promises'
import { after, before, describe, it } from 'node:test'
import { defaultConfig, initHome } from '@p2pcloud/node'
import { tempDir } from '@p2pcloud/test-utils'
import { ApiClient, MAX_BODY_BYTES } from '@p2pcloud/api'
import { startDaemon, type Daemon } from '../src/index.js'

interface RawResponse { status: number, body: any }

/** A raw HTTP request, so that tests can send what a browser or attacker would (any Host, any body). */
async function raw (url: string, options: { method?: string, path: string, headers?: Record<string, string>, body?: string }): Promise<RawResponse> {
  const target = new URL(options.path, url)
  return new Promise((resolve, reject) => {
    const req = request(target, { method: options.method ?? 'GET', headers: options.headers }, res => {
      const chunks: Buffer[] = []
      res.on('data', chunk => chunks.push(chunk))
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8')
        resolve({ status: res.statusCode ?? 0, body: text === '' ? undefined : JSON.parse(text) })
      })
    })
    req.on('error', reject)
    req.end(options.body)
  })
}

describe('local API', () => {
  let daemon: Daemon
  let token: string

  before(async () => {
    const home = await tempDir('api')
    const base = defaultConfig()
    await initHome(home, { listen: ['/ip4/127.0.0.1/tcp/0'], mdns: { ...base.mdns, enabled: false } })
    daemon = await startDaemon(home)
    token = JSON.parse(await readFile(daemon.peer.paths.apiInfo, 'utf8')).token
  })

  after(async () => {
    await daemon?.stop()
  })

  it('publishes url and token in api.json, readable by the owner only', async () => {
    const info = JSON.parse(await readFile(daemon.peer.paths.apiInfo, 'utf8'))
    assert.equal(info.url, daemon.api.url)
    assert.match(info.token, /^[A-Za-z0-9_-]{40,}$/)
    assert.equal((await stat(daemon.peer.paths.apiInfo)).mode & 0o777, 0o600)
  })

  it('answers 401 without a token and with a wrong one', async () => {
    const none = await raw(daemon.api.url, { path: '/v1/id' })
    assert.equal(none.status, 401)
    assert.equal(none.body.error.name, 'Unauthorized')
    const wrong = await raw(daemon.api.url, { path: '/v1/id', headers: { authorization: `Bearer ${token.slice(1)}x` } })
    assert.equal(wrong.status, 401)
    assert.match(wrong.body.error.message, /wrong API token/)
  })

  it('answers 403 to a foreign Host header even with the right token (DNS rebinding)', async () => {
    for (const host of ['evil.example:80', 'example.com', '127.0.0.1.evil.example']) {
      const res = await raw(daemon.api.url, { path: '/v1/id', headers: { host, authorization: `Bearer ${token}` } })
      assert.equal(res.status, 403, host)
      assert.equal(res.body.error.name, 'Forbidden')
    }
    for (const host of ['localhost', `127.0.0.1:${new URL(daemon.api.url).port}`, '[::1]:1']) {
      const res = await raw(daemon.api.url, { path: '/v1/id', headers: { host, authorization: `Bearer ${token}` } })
      assert.equal(res.status, 200, host)
    }
  })

  it('answers 400 to malformed JSON, 413 to a huge body, 404 and 405 with an error body', async () => {
    const auth = { authorization: `Bearer ${token}`, 'content-type': 'application/json' }
    const malformed = await raw(daemon.api.url, { method: 'POST', path: '/v1/connect', headers: auth, body: '{"multiaddr": ' })
    assert.equal(malformed.status, 400)
    assert.match(malformed.body.error.message, /not valid JSON/)
    const missing = await raw(daemon.api.url, { method: 'POST', path: '/v1/connect', headers: auth, body: '{}' })
    assert.equal(missing.status, 400)
    assert.match(missing.body.error.message, /"multiaddr"/)
    const huge = await raw(daemon.api.url, { method: 'POST', path: '/v1/connect', headers: auth, body: JSON.stringify({ multiaddr: 'x'.repeat(MAX_BODY_BYTES) }) })
    assert.equal(huge.status, 413)
    const unknown = await raw(daemon.api.url, { path: '/v1/nope', headers: auth })
    assert.equal(unknown.status, 404)
    const wrongMethod = await raw(daemon.api.url, { method: 'DELETE', path: '/v1/id', headers: auth })
    assert.equal(wrongMethod.status, 405)
    assert.equal(wrongMethod.body.error.name, 'MethodNotAllowed')
  })

  it('serves id, status and peers through the client', async () => {
    const client = await ApiClient.forHome(daemon.peer.paths.apiInfo)
    const id = await client.id()
    assert.equal(id.peerId, daemon.peer.libp2p.peerId.toString())
    assert.ok(id.addresses.length > 0 && id.addresses.every(a => a.startsWith('/ip4/127.0.0.1/tcp/')))
    const status = await client.status()
    assert.equal(status.peerId, id.peerId)
    assert.equal(status.dht.protocol, '/p2pcloud/kad/1.0.0')
    assert.equal(status.status, 'started')
    assert.deepEqual(await client.peers(), [])
  })

  it('connect refuses a bad multiaddr with 400 and reports a failed dial with the reason', async () => {
    const client = await ApiClient.forHome(daemon.peer.paths.apiInfo)
    await assert.rejects(client.connect('/ip4/nope'), (err: any) => {
      assert.equal(err.status, 400)
      assert.equal(err.name, 'InvalidMultiaddrError')
      return true
    })
    // a port nobody listens on: the dial fails fast and the API says why
    await assert.rejects(client.connect('/ip4/127.0.0.1/tcp/1/p2p/12D3KooWEWcppHDauGiFYxZxRWJhp7i5jPqpyfQhCaeFxPdEtyG1'), (err: any) => {
      assert.equal(err.status, 502)
      assert.ok(err.message.length > 0)
      return true
    })
  })
})
