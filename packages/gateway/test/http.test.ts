import assert from 'node:assert/strict'
import { Agent } from 'node:http'
import { describe, it } from 'node:test'
import { WebSocket } from 'ws'
import { waitFor } from '@p2pcloud/test-utils'
import { tcpBackend } from '../src/index.js'
import { deadPort, patternBytes, sha256, startHttpBackend } from './backends.js'
import { curl, resolveTo127 } from './curl.js'
import { rawConnection, send, startFrontDoor } from './front-door.js'

describe('front door: HTTP by Host', () => {
  it('reaches a backend by name and by fqdn with curl, keeping the client\'s headers and setting X-Forwarded-*', async t => {
    const www = await startHttpBackend('www', t)
    const shop = await startHttpBackend('shop', t)
    const door = await startFrontDoor(t)
    door.routes.set('www.gw.test', { tls: 'none', connect: tcpBackend('127.0.0.1', www.port) })
    door.routes.set('Shop.Example.org', { tls: 'none', connect: tcpBackend('127.0.0.1', shop.port) })
    const resolve = resolveTo127(['www.gw.test', 'shop.example.org'], [door.httpPort])

    const byName = await curl(`http://www.gw.test:${door.httpPort}/`, resolve)
    assert.equal(byName.status, 200, byName.stderr)
    assert.equal(byName.body, 'hello from www')
    const byFqdn = await curl(`http://shop.example.org:${door.httpPort}/`, resolve)
    assert.equal(byFqdn.body, 'hello from shop')

    const echoed = await curl(`http://www.gw.test:${door.httpPort}/headers?q=1`, [...resolve,
      '-H', 'X-Custom-Case: Kept', '-H', 'X-Forwarded-For: 203.0.113.66', '-H', 'X-Forwarded-Proto: https',
      '-H', 'Connection: keep-alive, X-Hop, Host', '-H', 'X-Hop: for the gateway only'])
    const { headers, rawHeaders, url } = JSON.parse(echoed.body)
    assert.equal(url, '/headers?q=1')
    assert.equal(headers.host, `www.gw.test:${door.httpPort}`, 'a Connection header cannot strip Host')
    assert.equal(headers['x-hop'], undefined, 'headers the Connection header names stay at the gateway')
    assert.ok(rawHeaders.includes('X-Custom-Case'), 'header names keep their case')
    assert.equal(headers['x-custom-case'], 'Kept')
    assert.equal(headers['x-forwarded-for'], '127.0.0.1', 'the client cannot choose its own X-Forwarded-For')
    assert.equal(headers['x-forwarded-proto'], 'http')
    assert.equal(headers['x-forwarded-host'], `www.gw.test:${door.httpPort}`)
  })

  it('streams a few MiB of request and response body both ways', async t => {
    const backend = await startHttpBackend('www', t)
    const door = await startFrontDoor(t)
    door.routes.set('www.gw.test', { tls: 'none', connect: tcpBackend('127.0.0.1', backend.port) })
    const upload = patternBytes(5 * 1024 * 1024 + 3)
    const digest = await send(door.httpPort, 'www.gw.test', '/digest', { method: 'POST', body: upload })
    assert.deepEqual(JSON.parse(digest.body.toString()), { sha256: sha256(upload), length: upload.length })
    const download = await send(door.httpPort, 'www.gw.test', `/bytes?n=${4 * 1024 * 1024 + 1}`)
    assert.equal(download.status, 200)
    assert.equal(download.body.length, 4 * 1024 * 1024 + 1)
    assert.equal(sha256(download.body), sha256(patternBytes(4 * 1024 * 1024 + 1)))
  })

  it('answers 404 naming the host for an unknown name, and at once on a kept-alive connection after the route is removed', async t => {
    const backend = await startHttpBackend('www', t)
    const door = await startFrontDoor(t)
    const unknown = await curl(`http://nobody.gw.test:${door.httpPort}/`, resolveTo127(['nobody.gw.test'], [door.httpPort]))
    assert.equal(unknown.status, 404)
    assert.match(unknown.body, /No site named nobody\.gw\.test/)

    door.routes.set('www.gw.test', { tls: 'none', connect: tcpBackend('127.0.0.1', backend.port) })
    const agent = new Agent({ keepAlive: true, maxSockets: 1 })
    t.after(() => { agent.destroy() })
    const before = await send(door.httpPort, 'www.gw.test', '/', { agent })
    assert.equal(before.body.toString(), 'hello from www')
    const connections = (agent as any).totalSocketCount
    assert.ok(door.routes.delete('www.gw.test'))
    const after = await send(door.httpPort, 'www.gw.test', '/', { agent })
    assert.equal(after.status, 404)
    assert.match(after.body.toString(), /No site named www\.gw\.test/)
    assert.equal((agent as any).totalSocketCount, connections, 'the same kept-alive connection answered')
  })

  it('redirects a name served over HTTPS only to its HTTPS port', async t => {
    const door = await startFrontDoor(t)
    door.routes.set('secure.gw.test', { tls: 'terminate', connect: tcpBackend('127.0.0.1', await deadPort()) })
    const response = await send(door.httpPort, 'secure.gw.test', '/a?b=c')
    assert.equal(response.status, 308)
    assert.equal(response.headers.location, `https://secure.gw.test:${door.httpsPort}/a?b=c`)
  })

  it('passes a WebSocket through and echoes, then closes it when idle', async t => {
    const backend = await startHttpBackend('www', t)
    const door = await startFrontDoor(t, { limits: { idleTimeoutMs: 1000 } })
    door.routes.set('www.gw.test', { tls: 'none', connect: tcpBackend('127.0.0.1', backend.port) })
    const socket = new WebSocket(`ws://127.0.0.1:${door.httpPort}/chat`, { headers: { host: 'www.gw.test' } })
    t.after(() => { socket.terminate() })
    await new Promise((resolve, reject) => { socket.once('open', resolve).once('error', reject) })
    const echoed = new Promise(resolve => socket.once('message', (data: Buffer) => resolve(data.toString())))
    socket.send('ping through the gateway')
    assert.equal(await echoed, 'echo: ping through the gateway')
    assert.equal(door.routes.openConnections('www.gw.test'), 1)
    await new Promise(resolve => socket.once('close', resolve))
    await waitFor('the idle WebSocket to give back its slot', () => door.routes.openConnections('www.gw.test') === 0)
  })

  it('answers 502 in plain words when the backend is down, and 504 when it does not answer in time', async t => {
    const backend = await startHttpBackend('www', t)
    const door = await startFrontDoor(t, { limits: { backendResponseTimeoutMs: 500 } })
    door.routes.set('down.gw.test', { tls: 'none', connect: tcpBackend('127.0.0.1', await deadPort()) })
    door.routes.set('slow.gw.test', { tls: 'none', connect: tcpBackend('127.0.0.1', backend.port) })
    const down = await send(door.httpPort, 'down.gw.test', '/')
    assert.equal(down.status, 502)
    assert.match(down.body.toString(), /could not reach the backend of down\.gw\.test: the connection was refused/)
    const slow = await send(door.httpPort, 'slow.gw.test', '/never')
    assert.equal(slow.status, 504)
    assert.match(slow.body.toString(), /did not answer within 0\.5 seconds/)
  })
})

describe('front door: limits against hostile clients', () => {
  it('answers 431 to a request whose headers are over the limit', async t => {
    const backend = await startHttpBackend('www', t)
    const door = await startFrontDoor(t)
    door.routes.set('www.gw.test', { tls: 'none', connect: tcpBackend('127.0.0.1', backend.port) })
    const response = await curl(`http://www.gw.test:${door.httpPort}/`, [...resolveTo127(['www.gw.test'], [door.httpPort]),
      '-H', `X-Big: ${'a'.repeat(door.limits.maxHeaderBytes + 1)}`])
    assert.equal(response.status, 431)
    assert.deepEqual(backend.seen, [])
  })

  it('cuts a client that sends its headers too slowly (slowloris) with 408', async t => {
    const door = await startFrontDoor(t, { limits: { headerTimeoutMs: 600 } })
    const client = await rawConnection(door.httpPort)
    client.socket.write('GET / HTTP/1.1\r\nHost: www.gw.test\r\n')
    const drip = setInterval(() => { if (!client.closed()) client.socket.write('X-Drip: 1\r\n') }, 100)
    t.after(() => { clearInterval(drip); client.socket.destroy() })
    await waitFor('the slow client to be cut', client.closed)
    assert.match(client.received(), /^HTTP\/1\.1 408 /)
  })

  it('answers 503 with Retry-After when a name has all its connections open, and serves it again after', async t => {
    const backend = await startHttpBackend('www', t)
    const door = await startFrontDoor(t, { limits: { maxConnectionsPerName: 1 } })
    door.routes.set('www.gw.test', { tls: 'none', connect: tcpBackend('127.0.0.1', backend.port) })
    const hanging = send(door.httpPort, 'www.gw.test', '/never').catch(() => undefined)
    await waitFor('the first request to hold the name\'s one connection', () => door.routes.openConnections('www.gw.test') === 1)
    const refused = await send(door.httpPort, 'www.gw.test', '/')
    assert.equal(refused.status, 503)
    assert.equal(refused.headers['retry-after'], String(door.limits.retryAfterSeconds))
    door.routes.delete('www.gw.test')
    await hanging
    door.routes.set('www.gw.test', { tls: 'none', connect: tcpBackend('127.0.0.1', backend.port) })
    assert.equal((await send(door.httpPort, 'www.gw.test', '/')).status, 200)
  })

  it('closes connections over the limit of a port', async t => {
    const door = await startFrontDoor(t, { limits: { maxConnectionsPerPort: 2 } })
    const held = [await rawConnection(door.httpPort), await rawConnection(door.httpPort)]
    t.after(() => { for (const c of held) c.socket.destroy() })
    const extra = await rawConnection(door.httpPort)
    await waitFor('the connection over the limit to be closed', extra.closed)
    assert.equal(held.some(c => c.closed()), false)
  })
})
