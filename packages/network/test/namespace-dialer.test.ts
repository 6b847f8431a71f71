import assert from 'node:assert/strict'
import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { rm } from 'node:fs/promises'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { tempDir } from '@p2pcloud/test-utils'
import { NamespaceDialer } from '../src/index.js'

const skip = process.getuid?.() !== 0 ? 'needs root for network namespaces' : false

describe('NamespaceDialer: TCP connections made from inside a network namespace the host cannot route to', { skip }, () => {
  const netns = `p2pn-${randomBytes(4).toString('hex')}`
  let dir: string
  let dialer: NamespaceDialer
  let echo: ChildProcess

  before(async () => {
    dir = await tempDir('namespace-dialer')
    dialer = new NamespaceDialer(join(dir, 'sockets'))
    execFileSync('ip', ['netns', 'add', netns])
    execFileSync('ip', ['-n', netns, 'link', 'set', 'lo', 'up'])
    // an echo server on the namespace's own loopback: nothing on the host's reaches it
    echo = spawn('ip', ['netns', 'exec', netns, process.execPath, '-e',
      "require('node:net').createServer({ allowHalfOpen: true }, s => s.pipe(s)).listen(7007, '127.0.0.1', () => console.log('up'))"], { stdio: ['ignore', 'pipe', 'inherit'] })
    await new Promise(resolve => echo.stdout?.once('data', resolve))
  })

  after(async () => {
    await dialer?.close()
    echo?.kill()
    execFileSync('sh', ['-c', `ip netns del ${netns} 2>/dev/null; true`])
    await rm(dir, { recursive: true, force: true })
  })

  const roundTrip = async (payload: Buffer): Promise<Buffer> => {
    const socket = await dialer.dial(netns, '127.0.0.1', 7007, AbortSignal.timeout(10_000))
    const received: Buffer[] = []
    socket.on('data', (chunk: Buffer) => received.push(chunk))
    const ended = new Promise(resolve => socket.once('end', resolve))
    // our end first: the echo's answer still comes back (half-open), then its end
    socket.end(payload)
    await ended
    socket.destroy()
    return Buffer.concat(received)
  }

  it('connects to an address inside the namespace, bytes both ways and each direction ending on its own', async () => {
    const payload = randomBytes(256 * 1024)
    assert.deepEqual(await roundTrip(payload), payload)
  })

  it('keeps a connection open past the signal that bounded its making', async () => {
    const socket = await dialer.dial(netns, '127.0.0.1', 7007, AbortSignal.timeout(100))
    await new Promise(resolve => setTimeout(resolve, 300))
    const received = new Promise<Buffer>(resolve => socket.once('data', resolve))
    socket.write('still here')
    assert.deepEqual(await received, Buffer.from('still here'))
    socket.destroy()
  })

  it('says why a connection failed: the port refused, or the namespace does not exist', async () => {
    await assert.rejects(dialer.dial(netns, '127.0.0.1', 7008, AbortSignal.timeout(10_000)), { name: 'NamespaceDialError', code: 'ECONNREFUSED' })
    await assert.rejects(dialer.dial('p2pn-00000000', '127.0.0.1', 7007, AbortSignal.timeout(10_000)), { name: 'NamespaceDialError', message: /forwarder of p2pn-00000000 exited/ })
  })

  it('refuses a namespace that is not one of our networks\'', async () => {
    await assert.rejects(dialer.dial('../etc', '127.0.0.1', 7007, AbortSignal.timeout(10_000)), /not a network namespace of ours/)
    await assert.rejects(dialer.dial('p2pn-1234567g', '127.0.0.1', 7007, AbortSignal.timeout(10_000)), /not a network namespace of ours/)
  })

  it('enters the namespace of a process by its pid (a container on no network): its loopback, not the host\'s', async () => {
    // `ip netns exec` execs node: the echo server's pid is in the namespace
    const socket = await dialer.dial({ pid: async () => echo.pid }, '127.0.0.1', 7007, AbortSignal.timeout(10_000))
    const received = new Promise<Buffer>(resolve => socket.once('data', resolve))
    socket.write('by pid')
    assert.deepEqual(await received, Buffer.from('by pid'))
    socket.destroy()
  })

  it('refuses a process that does not run, and one whose pid changed while its namespace was opened', async () => {
    await assert.rejects(dialer.dial({ pid: async () => undefined }, '127.0.0.1', 7007, AbortSignal.timeout(10_000)), { name: 'NamespaceDialError', code: 'ESRCH' })
    let reads = 0
    const restarted = async (): Promise<number | undefined> => reads++ === 0 ? echo.pid : process.pid
    await assert.rejects(dialer.dial({ pid: restarted }, '127.0.0.1', 7007, AbortSignal.timeout(10_000)), { name: 'NamespaceDialError', message: /restarted/ })
  })

  it('starts its forwarder again when the last one is gone', async () => {
    await dialer.close()
    assert.deepEqual(await roundTrip(Buffer.from('again')), Buffer.from('again'))
  })

  it('starts one forwarder for a burst of first dials, and every one of them connects', async () => {
    await dialer.close()
    const payloads = Array.from({ length: 16 }, (_, i) => Buffer.from(`dial ${i}`))
    assert.deepEqual(await Promise.all(payloads.map(roundTrip)), payloads)
  })
})
