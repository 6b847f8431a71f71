import assert from 'node:assert/strict'
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { connect as tlsConnect, createSecureContext, type SecureContext } from 'node:tls'
import { WebSocket } from 'ws'
import { tempDir, waitFor } from '@p2pcloud/test-utils'
import { tcpBackend } from '../src/index.js'
import { deadPort, startHttpBackend, startTlsBackend } from './backends.js'
import { curl, resolveTo127 } from './curl.js'
import { rawConnection, startFrontDoor } from './front-door.js'
import { selfSignedCertificate } from './test-certificates.js'

describe('front door: TLS by SNI', () => {
  it('passes TLS through unchanged: curl sees the backend\'s own certificate', async t => {
    const backend = await startTlsBackend('tls.gw.test', t)
    const dir = await tempDir('gateway-tls', t)
    const ca = join(dir, 'backend.pem')
    await writeFile(ca, backend.cert)
    const door = await startFrontDoor(t)
    door.routes.set('tls.gw.test', { tls: 'passthrough', connect: tcpBackend('127.0.0.1', backend.port) })
    const response = await curl(`https://tls.gw.test:${door.httpsPort}/`, [...resolveTo127(['tls.gw.test'], [door.httpsPort]), '--cacert', ca, '--verbose'])
    assert.equal(response.exitCode, 0, response.stderr)
    assert.equal(response.body, 'hello from tls backend tls.gw.test')
    assert.match(response.stderr, /subject: CN=tls\.gw\.test; O=p2pcloud test backend/)
  })

  it('refuses an unknown server name, or none, with a TLS alert at once', async t => {
    const door = await startFrontDoor(t)
    const unknown = await curl(`https://nobody.gw.test:${door.httpsPort}/`, [...resolveTo127(['nobody.gw.test'], [door.httpsPort]), '--insecure'])
    assert.equal(unknown.exitCode, 35, 'a TLS handshake failure')
    assert.match(unknown.stderr, /unrecognized name/)
    const byAddress = await curl(`https://127.0.0.1:${door.httpsPort}/`, ['--insecure'])
    assert.equal(byAddress.exitCode, 35)
  })

  it('terminates TLS with the name\'s certificate, proxies HTTP with X-Forwarded-Proto https, and a WebSocket', async t => {
    const backend = await startHttpBackend('terminated', t)
    const dir = await tempDir('gateway-tls', t)
    const own = selfSignedCertificate('site.gw.test')
    const ca = join(dir, 'site.pem')
    await writeFile(ca, own.cert)
    const contexts = new Map<string, SecureContext>([['site.gw.test', createSecureContext(own)]])
    const door = await startFrontDoor(t, { certificates: name => contexts.get(name) })
    door.routes.set('site.gw.test', { tls: 'terminate', connect: tcpBackend('127.0.0.1', backend.port) })
    door.routes.set('other.gw.test', { tls: 'terminate', connect: tcpBackend('127.0.0.1', backend.port) })
    const resolve = [...resolveTo127(['site.gw.test', 'other.gw.test'], [door.httpsPort]), '--cacert', ca]

    const response = await curl(`https://site.gw.test:${door.httpsPort}/headers`, resolve)
    assert.equal(response.exitCode, 0, response.stderr)
    const { headers } = JSON.parse(response.body)
    assert.equal(headers['x-forwarded-proto'], 'https')
    assert.equal(headers['x-forwarded-for'], '127.0.0.1')

    const fronted = await curl(`https://site.gw.test:${door.httpsPort}/`, [...resolve, '-H', 'Host: other.gw.test'])
    assert.equal(fronted.status, 421, 'a connection for one name does not serve another')
    const noCertificate = await curl(`https://other.gw.test:${door.httpsPort}/`, [...resolve, '--insecure'])
    assert.equal(noCertificate.exitCode, 35, 'a name without a certificate yet is refused, not served with another\'s')

    const socket = new WebSocket(`wss://site.gw.test:${door.httpsPort}/`, {
      ca: own.cert,
      lookup: (_name: string, _options: unknown, callback: (...args: any[]) => void) => { callback(null, [{ address: '127.0.0.1', family: 4 }]) }
    })
    t.after(() => { socket.terminate() })
    await new Promise((resolve, reject) => { socket.once('open', resolve).once('error', reject) })
    const echoed = new Promise(resolve => socket.once('message', (data: Buffer) => resolve(data.toString())))
    socket.send('over wss')
    assert.equal(await echoed, 'echo: over wss')
  })

  it('refuses with an alert a passthrough name whose backend is down, and a name served over plain HTTP only', async t => {
    const door = await startFrontDoor(t)
    door.routes.set('down.gw.test', { tls: 'passthrough', connect: tcpBackend('127.0.0.1', await deadPort()) })
    door.routes.set('plain.gw.test', { tls: 'none', connect: tcpBackend('127.0.0.1', await deadPort()) })
    const resolve = [...resolveTo127(['down.gw.test', 'plain.gw.test'], [door.httpsPort]), '--insecure']
    const down = await curl(`https://down.gw.test:${door.httpsPort}/`, resolve)
    assert.equal(down.exitCode, 35)
    assert.match(down.stderr, /internal error/)
    const plain = await curl(`https://plain.gw.test:${door.httpsPort}/`, resolve)
    assert.match(plain.stderr, /unrecognized name/)
  })

  it('cuts a slow client on a terminated connection too (408)', async t => {
    const own = selfSignedCertificate('site.gw.test')
    const context = createSecureContext(own)
    const door = await startFrontDoor(t, { certificates: () => context, limits: { headerTimeoutMs: 600 } })
    door.routes.set('site.gw.test', { tls: 'terminate', connect: tcpBackend('127.0.0.1', await deadPort()) })
    const socket = tlsConnect({ host: '127.0.0.1', port: door.httpsPort, servername: 'site.gw.test', ca: own.cert })
    let received = ''
    let closed = false
    socket.on('data', chunk => { received += chunk.toString() })
    socket.on('error', () => {})
    socket.on('close', () => { closed = true })
    await new Promise(resolve => socket.once('secureConnect', resolve))
    socket.write('GET / HTTP/1.1\r\nHost: site.gw.test\r\n')
    const drip = setInterval(() => { if (!closed) socket.write('X-Drip: 1\r\n') }, 100)
    t.after(() => { clearInterval(drip); socket.destroy() })
    await waitFor('the slow client to be cut', () => closed)
    assert.match(received, /^HTTP\/1\.1 408 /)
  })

  it('stops a removed passthrough name: its open connection is closed and new ones get an alert', async t => {
    const backend = await startTlsBackend('tls.gw.test', t)
    const door = await startFrontDoor(t)
    door.routes.set('tls.gw.test', { tls: 'passthrough', connect: tcpBackend('127.0.0.1', backend.port) })
    const socket = new WebSocket(`wss://tls.gw.test:${door.httpsPort}/`, {
      ca: backend.cert,
      lookup: (_name: string, _options: unknown, callback: (...args: any[]) => void) => { callback(null, [{ address: '127.0.0.1', family: 4 }]) }
    })
    t.after(() => { socket.terminate() })
    await new Promise((resolve, reject) => { socket.once('open', resolve).once('error', reject) })
    const closed = new Promise(resolve => socket.once('close', resolve))
    door.routes.delete('tls.gw.test')
    await closed
    const after = await curl(`https://tls.gw.test:${door.httpsPort}/`, [...resolveTo127(['tls.gw.test'], [door.httpsPort]), '--insecure'])
    assert.equal(after.exitCode, 35)
  })
})

describe('front door: ClientHello limits', () => {
  it('refuses bytes that are not TLS with an alert and closes', async t => {
    const door = await startFrontDoor(t)
    const client = await rawConnection(door.httpsPort)
    client.socket.write('GET / HTTP/1.1\r\nHost: www.gw.test\r\n\r\n')
    await waitFor('the connection to be closed', client.closed)
    assert.deepEqual([...Buffer.from(client.received(), 'latin1')], [21, 3, 3, 0, 2, 2, 50])
  })

  it('closes a client that sends no ClientHello in time', async t => {
    const door = await startFrontDoor(t, { limits: { tlsHandshakeTimeoutMs: 500 } })
    const client = await rawConnection(door.httpsPort)
    client.socket.write(Buffer.from([22, 3, 1, 0, 200, 1, 0, 0, 196]))
    await waitFor('the silent client to be cut', client.closed)
  })

  it('refuses a ClientHello over the size limit before reading it', async t => {
    const door = await startFrontDoor(t, { limits: { maxClientHelloBytes: 1024 } })
    const client = await rawConnection(door.httpsPort)
    // a record announcing a ClientHello of 4000 bytes
    client.socket.write(Buffer.from([22, 3, 1, 0x0f, 0xa4, 1, 0, 0x0f, 0xa0]))
    await waitFor('the connection to be closed', client.closed)
    assert.deepEqual([...Buffer.from(client.received(), 'latin1')], [21, 3, 3, 0, 2, 2, 50])
  })
})
