import assert from 'node:assert/strict'
import { createHash, randomBytes } from 'node:crypto'
import { after, before, describe, it } from 'node:test'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { waitFor } from '@p2pcloud/test-utils'
import type { Stream } from '@libp2p/interface'
import { createPeer, defaultConfig, parseConfig, type P2PCloudLibp2p } from '../src/index.js'

const ECHO = '/p2pcloud-test/echo/1.0.0'
const PAUSED = '/p2pcloud-test/paused/1.0.0'
const INITIAL_WINDOW = 256 * 1024

async function startPeer (): Promise<P2PCloudLibp2p> {
  const base = defaultConfig()
  const config = parseConfig({ ...base, listen: ['/ip4/127.0.0.1/tcp/0'], mdns: { ...base.mdns, enabled: false } }, 'test peer')
  return await createPeer({ config, privateKey: await generateKeyPair('Ed25519') })
}

describe('the mesh muxer (yamux, each encrypted message one write)', () => {
  let a: P2PCloudLibp2p
  let b: P2PCloudLibp2p
  let paused: Stream | undefined

  before(async () => {
    [a, b] = await Promise.all([startPeer(), startPeer()])
    await b.handle(ECHO, async stream => {
      for await (const chunk of stream) {
        if (!stream.send(chunk)) await stream.onDrain()
      }
      await stream.close()
    })
    await b.handle(PAUSED, stream => {
      stream.pause()
      paused = stream
    })
  })
  after(async () => { await Promise.all([a?.stop(), b?.stop()]) })

  it('32 MiB cross intact both ways', async () => {
    const stream = await a.dialProtocol(b.getMultiaddrs(), ECHO)
    const replies = stream[Symbol.asyncIterator]()
    const bulk = randomBytes(32 * 1024 * 1024)
    const echoed = (async () => {
      const hash = createHash('sha256')
      let length = 0
      for (let next = await replies.next(); next.done !== true; next = await replies.next()) {
        hash.update(next.value.subarray())
        length += next.value.byteLength
      }
      return { length, digest: hash.digest('hex') }
    })()
    for (let at = 0; at < bulk.byteLength; at += 64 * 1024) {
      if (!stream.send(bulk.subarray(at, at + 64 * 1024))) await stream.onDrain()
    }
    await stream.close()
    assert.deepEqual(await echoed, { length: bulk.byteLength, digest: createHash('sha256').update(bulk).digest('hex') })
  })

  it('a reader that does not read is sent no more than its first window', async () => {
    const stream = await a.dialProtocol(b.getMultiaddrs(), PAUSED)
    const chunk = new Uint8Array(64 * 1024)
    // the writer's buffer takes what the window refuses; the reader must hold only the window
    for (let i = 0; i < 64; i++) stream.send(chunk)
    await waitFor('the first window to arrive', () => (paused?.readBufferLength ?? 0) >= INITIAL_WINDOW - 64 * 1024, 10_000, 50)
    await new Promise(resolve => setTimeout(resolve, 500))
    assert.ok((paused?.readBufferLength ?? 0) <= INITIAL_WINDOW, `the paused reader holds ${paused?.readBufferLength} bytes`)
    stream.abort(new Error('done'))
  })
})
