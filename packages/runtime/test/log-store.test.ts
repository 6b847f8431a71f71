import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { rm } from 'node:fs/promises'
import { join } from 'node:path'
import { tempDir } from '@p2pcloud/test-utils'
import { FOLLOW_QUEUE_BYTES, LogStore } from '../src/index.js'

const KiB = 1024

describe('log store', () => {
  let dir: string
  before(async () => { dir = await tempDir('logs') })
  after(async () => { await rm(dir, { recursive: true, force: true }) })

  it('a follower that does not read holds at most FOLLOW_QUEUE_BYTES: the oldest waiting output is dropped, the newest reaches it', async () => {
    const store = new LogStore(join(dir, 'follow'))
    const controller = new AbortController()
    const follower = store.logs({ follow: true, signal: controller.signal })
    const first = follower.next()
    await store.append({ at: 1, stream: 'stdout', data: Buffer.from('first') })
    assert.equal(Buffer.from((await first).value.data).toString(), 'first')
    // 4 MiB while the follower reads nothing
    for (let i = 0; i < 64; i++) await store.append({ at: 2, stream: 'stdout', data: Buffer.alloc(64 * KiB, i) })
    controller.abort()
    const received = []
    for await (const chunk of follower) received.push(chunk.data)
    const bytes = received.reduce((sum, data) => sum + data.byteLength, 0)
    assert.ok(bytes <= FOLLOW_QUEUE_BYTES, `${bytes} bytes waited for the follower`)
    assert.equal(received.at(-1)?.[0], 63, 'the newest chunk is kept')
  })

  it('a tail cuts into the oldest chunk it reaches', async () => {
    const store = new LogStore(join(dir, 'tail'))
    await store.append({ at: 1, stream: 'stdout', data: Buffer.from('0123456789') })
    await store.append({ at: 2, stream: 'stderr', data: Buffer.from('abc') })
    const tail = await store.read(5)
    assert.deepEqual(tail.map(c => [c.stream, Buffer.from(c.data).toString()]), [['stdout', '89'], ['stderr', 'abc']])
  })
})
