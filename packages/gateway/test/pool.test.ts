import assert from 'node:assert/strict'
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from 'node:http'
import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net'
import { duplexPair, type Duplex } from 'node:stream'
import { describe, it } from 'node:test'
import { waitFor, type Cleanup } from '@p2pcloud/test-utils'
import { tcpBackend, type BackendConnector } from '../src/index.js'
import { patternBytes } from './backends.js'
import { send, startFrontDoor } from './front-door.js'

/** Listens on loopback; `connections` counts what the gateway opened to it. */
async function listening (server: Server, t: Cleanup): Promise<{ port: number, connections: () => number }> {
  let connections = 0
  const sockets = new Set<Socket>()
  server.on('connection', (socket: Socket) => {
    connections++
    sockets.add(socket)
    socket.once('close', () => sockets.delete(socket))
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  t.after(async () => {
    for (const socket of sockets) socket.destroy()
    await new Promise(resolve => server.close(resolve))
  })
  return { port: (server.address() as AddressInfo).port, connections: () => connections }
}

/** A keep-alive HTTP backend: `/early` answers 413 without reading the body, anything else `hello <n>` once the body is read. */
async function httpBackend (t: Cleanup, keepAliveTimeoutMs = 30_000): Promise<{ port: number, connections: () => number }> {
  let answered = 0
  const server = createHttpServer((req: IncomingMessage, res: ServerResponse) => {
    if (req.url === '/early') {
      res.writeHead(413, { 'content-length': 8 }).end('too big\n')
      return
    }
    req.resume()
    req.once('end', () => { res.end(`hello ${++answered}`) })
  })
  server.keepAliveTimeout = keepAliveTimeoutMs
  return await listening(server, t)
}

/**
 * A raw backend that answers every request head with `hi` and keep-alive, then does `after` to
 * the connection (close it, send bytes nobody asked for…).
 */
async function rawBackend (t: Cleanup, after: (socket: Socket) => void): Promise<{ port: number, connections: () => number }> {
  const server = createServer(socket => {
    let head = ''
    socket.on('error', () => {})
    socket.on('data', chunk => {
      head += chunk.toString('latin1')
      if (!head.includes('\r\n\r\n')) return
      head = ''
      socket.write('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi', () => { after(socket) })
    })
  })
  return await listening(server, t)
}

/** A connector whose connections are plain Duplexes, not sockets, as the mesh path's libp2p streams are. */
function plainDuplexBackend (port: number): BackendConnector {
  const tcp = tcpBackend('127.0.0.1', port)
  return async signal => {
    const socket = await tcp(signal)
    const [ours, theirs] = duplexPair()
    socket.pipe(theirs).pipe(socket)
    socket.once('close', () => { theirs.destroy() })
    theirs.once('close', () => { socket.destroy() })
    return ours as Duplex
  }
}

const connectors: Array<[string, (port: number) => BackendConnector]> = [
  ['TCP sockets', port => tcpBackend('127.0.0.1', port)],
  ['plain Duplexes (as the mesh path\'s streams)', plainDuplexBackend]
]

for (const [kind, connector] of connectors) {
  describe(`front door: kept-alive backend connections, over ${kind}`, () => {
    it('answers requests in a row on one backend connection, which holds one of the name\'s slots while idle', async t => {
      const backend = await httpBackend(t)
      const door = await startFrontDoor(t)
      door.routes.set('www.gw.test', { tls: 'none', connect: connector(backend.port) })
      for (let i = 1; i <= 3; i++) assert.equal((await send(door.httpPort, 'www.gw.test', '/')).body.toString(), `hello ${i}`)
      assert.equal(backend.connections(), 1)
      assert.equal(door.routes.openConnections('www.gw.test'), 1)
      const upload = patternBytes(256 * 1024)
      assert.equal((await send(door.httpPort, 'www.gw.test', '/', { method: 'POST', body: upload })).status, 200)
      assert.equal(backend.connections(), 1, 'a request with a body reuses it too')
    })

    it('keeps a connection past backendConnectTimeoutMs: that timeout bounds the connecting only', async t => {
      const backend = await httpBackend(t)
      const door = await startFrontDoor(t, { limits: { backendConnectTimeoutMs: 200 } })
      door.routes.set('www.gw.test', { tls: 'none', connect: connector(backend.port) })
      assert.equal((await send(door.httpPort, 'www.gw.test', '/')).status, 200)
      await new Promise(resolve => setTimeout(resolve, 400))
      assert.equal((await send(door.httpPort, 'www.gw.test', '/')).body.toString(), 'hello 2')
      assert.equal(backend.connections(), 1)
    })

    it('closes an idle connection after backendIdleTimeoutMs, giving its slot back', async t => {
      const backend = await httpBackend(t)
      const door = await startFrontDoor(t, { limits: { backendIdleTimeoutMs: 200 } })
      door.routes.set('www.gw.test', { tls: 'none', connect: connector(backend.port) })
      assert.equal((await send(door.httpPort, 'www.gw.test', '/')).status, 200)
      assert.equal(door.routes.openConnections('www.gw.test'), 1)
      await waitFor('the idle connection to be closed', () => door.routes.openConnections('www.gw.test') === 0)
    })

    it('keeps no connection the backend says it will close within a second (Keep-Alive: timeout=1)', async t => {
      const backend = await httpBackend(t, 1000)
      const door = await startFrontDoor(t)
      door.routes.set('www.gw.test', { tls: 'none', connect: connector(backend.port) })
      for (let i = 0; i < 2; i++) assert.equal((await send(door.httpPort, 'www.gw.test', '/')).status, 200)
      assert.equal(backend.connections(), 2)
    })

    it('sends a request without a body once more on a new connection when the backend closes the kept-alive one as it arrives; never one with a body', async t => {
      // answers one request per connection, then closes the connection when the next one arrives
      const requests: string[] = []
      const backend = await rawBackend(t, socket => {
        socket.removeAllListeners('data')
        socket.once('data', chunk => {
          requests.push(chunk.toString('latin1').split(' ')[0])
          socket.destroy()
        })
      })
      const door = await startFrontDoor(t)
      door.routes.set('www.gw.test', { tls: 'none', connect: connector(backend.port) })
      for (let i = 0; i < 5; i++) {
        const answer = await send(door.httpPort, 'www.gw.test', '/')
        assert.equal(answer.status, 200, answer.body.toString())
        assert.equal(answer.body.toString(), 'hi')
      }
      assert.equal(backend.connections(), 5)
      assert.deepEqual(requests, ['GET', 'GET', 'GET', 'GET'], 'each kept connection was tried, then the request went on a new one')
      const post = await send(door.httpPort, 'www.gw.test', '/', { method: 'POST', body: Buffer.from('once') })
      assert.equal(post.status, 502)
      assert.deepEqual(requests.slice(4), ['POST'])
      assert.equal(backend.connections(), 5, 'the POST was not sent again')
    })

    it('closes an idle connection on which the backend sends bytes nobody asked for: they never become the next answer', async t => {
      const backend = await rawBackend(t, socket => {
        setTimeout(() => { socket.write('HTTP/1.1 200 OK\r\nContent-Length: 7\r\n\r\nsmuggle') }, 50)
      })
      const door = await startFrontDoor(t)
      door.routes.set('www.gw.test', { tls: 'none', connect: connector(backend.port) })
      assert.equal((await send(door.httpPort, 'www.gw.test', '/')).body.toString(), 'hi')
      await new Promise(resolve => setTimeout(resolve, 200))
      assert.equal((await send(door.httpPort, 'www.gw.test', '/')).body.toString(), 'hi')
      assert.equal(backend.connections(), 2)
    })

    it('a backend that answers before reading the upload and closes: the client gets the answer, then its connection is closed, and the name serves on', async t => {
      const backend = await httpBackend(t)
      const door = await startFrontDoor(t)
      door.routes.set('www.gw.test', { tls: 'none', connect: connector(backend.port) })
      const early = await send(door.httpPort, 'www.gw.test', '/early', { method: 'POST', body: patternBytes(1024 * 1024), agent: false })
      assert.equal(early.status, 413)
      assert.equal((await send(door.httpPort, 'www.gw.test', '/', { agent: false })).body.toString(), 'hello 1')
    })

    it('closes the backend connection of a client that leaves halfway through its upload: it is never reused out of step', async t => {
      const backend = await httpBackend(t)
      const door = await startFrontDoor(t)
      door.routes.set('www.gw.test', { tls: 'none', connect: connector(backend.port) })
      const client = connect(door.httpPort, '127.0.0.1')
      client.on('error', () => {})
      await new Promise(resolve => client.once('connect', resolve))
      client.write('POST / HTTP/1.1\r\nHost: www.gw.test\r\nContent-Length: 100000\r\n\r\n' + 'x'.repeat(50_000))
      await waitFor('the upload to reach the backend', () => backend.connections() === 1)
      client.destroy()
      await waitFor('the half-sent request\'s connection to be closed', () => door.routes.openConnections('www.gw.test') === 0)
      assert.equal((await send(door.httpPort, 'www.gw.test', '/')).body.toString(), 'hello 1')
      assert.equal(backend.connections(), 2)
    })

    it('cuts the client\'s connection when the backend\'s answer stops short of its length', async t => {
      const server = createServer(socket => {
        socket.on('error', () => {})
        socket.once('data', () => { socket.end('HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n' + 'x'.repeat(50)) })
      })
      const backend = await listening(server, t)
      const door = await startFrontDoor(t)
      door.routes.set('www.gw.test', { tls: 'none', connect: connector(backend.port) })
      // at once, not after send's own 20 s timeout
      await assert.rejects(send(door.httpPort, 'www.gw.test', '/', { agent: false }), (err: Error) => !/no response within/.test(err.message))
    })

    it('closes its kept-alive connections when the route is removed', async t => {
      const backend = await httpBackend(t)
      const door = await startFrontDoor(t)
      door.routes.set('www.gw.test', { tls: 'none', connect: connector(backend.port) })
      assert.equal((await send(door.httpPort, 'www.gw.test', '/')).status, 200)
      assert.equal(door.routes.openConnections('www.gw.test'), 1)
      door.routes.delete('www.gw.test')
      door.routes.set('www.gw.test', { tls: 'none', connect: connector(backend.port) })
      assert.equal(door.routes.openConnections('www.gw.test'), 0)
      assert.equal((await send(door.httpPort, 'www.gw.test', '/')).body.toString(), 'hello 2')
      assert.equal(backend.connections(), 2)
    })
  })
}

describe('front door: a kept-alive backend connection that errors', () => {
  it('an error on an idle pooled connection, and another after it, never reaches the process as an unhandled error', async t => {
    const backend = await httpBackend(t)
    const door = await startFrontDoor(t)
    const opened: Duplex[] = []
    const duplexes = plainDuplexBackend(backend.port)
    door.routes.set('www.gw.test', { tls: 'none', connect: async signal => { const duplex = await duplexes(signal); opened.push(duplex); return duplex } })
    assert.equal((await send(door.httpPort, 'www.gw.test', '/')).status, 200)
    await waitFor('the connection to be idle in the pool', () => door.routes.openConnections('www.gw.test') === 1)
    // as a farmer resetting a tunnel stream twice over would: emit throws when nothing listens
    assert.doesNotThrow(() => {
      opened[0].emit('error', new Error('the stream was reset'))
      opened[0].emit('error', new Error('the stream was reset again'))
    })
    await waitFor('the broken connection to give its slot back', () => door.routes.openConnections('www.gw.test') === 0)
    assert.equal((await send(door.httpPort, 'www.gw.test', '/')).body.toString(), 'hello 2')
  })
})
