import assert from 'node:assert/strict'
import { rm } from 'node:fs/promises'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { lpStream } from '@libp2p/utils'
import { createPeer, defaultConfig, parseConfig, type P2PCloudLibp2p } from '@p2pcloud/node'
import {
  BLOCKS_LIMITS, BLOCKS_PROTOCOL, MAX_CIDS_PER_REQUEST, blocksMessages, handleRequests, requestStream, type StreamOpener
} from '@p2pcloud/wire'
import { tempDir } from '@p2pcloud/test-utils'
import { BlockFetcher, blockCid, blocksResponder, FsBlockStore, requestBlocks, type BlockGetter } from '../src/index.js'
import type { CID } from 'multiformats/cid'

async function startPeer (): Promise<P2PCloudLibp2p> {
  const base = defaultConfig()
  const config = parseConfig({ ...base, listen: ['/ip4/127.0.0.1/tcp/0'], mdns: { ...base.mdns, enabled: false } }, 'test peer')
  return createPeer({ config, privateKey: await generateKeyPair('Ed25519') })
}

/** A provider on its own real peer, serving what `getter` gives through the real responder. */
async function provider (getter: BlockGetter): Promise<P2PCloudLibp2p> {
  const peer = await startPeer()
  await handleRequests(peer, blocksResponder(getter))
  return peer
}

async function assertHolds (got: BlockGetter): Promise<void> {
  for (const { cid, bytes } of blocks) assert.equal(Buffer.compare(await got.get(cid), bytes), 0, `block ${cid.toString()} differs`)
}

const blocks: Array<{ cid: CID, bytes: Uint8Array }> = []

describe('block exchange over real peers on loopback', () => {
  let dir: string
  let store: FsBlockStore
  const peers: P2PCloudLibp2p[] = []
  let fetcherPeer: P2PCloudLibp2p
  let good: P2PCloudLibp2p
  let corrupt: P2PCloudLibp2p
  let empty: P2PCloudLibp2p

  before(async () => {
    dir = await tempDir('exchange')
    store = new FsBlockStore(join(dir, 'source'))
    // 40 blocks: more than one request's worth, one of them full size
    for (let i = 0; i < 40; i++) {
      const bytes = new Uint8Array(i === 0 ? 512 * 1024 : 1000 + i).fill(i)
      const cid = await blockCid(bytes)
      await store.put(cid, bytes)
      blocks.push({ cid, bytes })
    }
    good = await provider(store)
    // answers every block with bytes that do not hash to its CID
    corrupt = await provider({ get: async cid => { const bytes = await store.get(cid); return bytes.map(b => b ^ 0xff) } })
    empty = await provider(new FsBlockStore(join(dir, 'empty')))
    fetcherPeer = await startPeer()
    peers.push(good, corrupt, empty, fetcherPeer)
    for (const p of [good, corrupt, empty]) await fetcherPeer.dial(p.getMultiaddrs())
  })

  after(async () => {
    await Promise.all(peers.map(async p => p.stop()))
    await rm(dir, { recursive: true, force: true })
  })

  const fetchInto = async (providers: P2PCloudLibp2p[], maxFaults?: number): Promise<{ got: FsBlockStore, progress: number[] }> => {
    const got = new FsBlockStore(join(dir, `got-${Math.random().toString(36).slice(2)}`))
    const progress: number[] = []
    await new BlockFetcher({ node: fetcherPeer, maxFaults }).fetch(blocks.map(b => b.cid), providers.map(p => p.peerId), async (cid, bytes) => { await got.put(cid, bytes) }, {
      onProgress: p => progress.push(p.blocks)
    })
    return { got, progress }
  }

  it('fetches every block, verified, from one provider, reporting progress', async () => {
    const { got, progress } = await fetchInto([good])
    await assertHolds(got)
    assert.equal(progress.at(-1), blocks.length)
  })

  it('rejects corrupted blocks from one provider and fetches them from another', async () => {
    // maxFaults high: the corrupt provider keeps being asked, each of its blocks is refused
    const { got } = await fetchInto([corrupt, good], 1000)
    await assertHolds(got)
  })

  it('takes what a provider says it is missing from another provider', async () => {
    const { got } = await fetchInto([empty, good])
    await assertHolds(got)
  })

  it('fails naming the missing blocks and every provider tried when nobody has them', async () => {
    await assert.rejects(fetchInto([empty, corrupt]), (err: any) => {
      assert.equal(err.name, 'BlocksUnavailableError')
      assert.equal(err.missing.length, blocks.length)
      assert.deepEqual(err.providers, [empty.peerId.toString(), corrupt.peerId.toString()])
      assert.match(err.message, new RegExp(empty.peerId.toString()))
      return true
    })
    await assert.rejects(fetchInto([]), { name: 'BlocksUnavailableError', message: /no provider/ })
  })

  it('answers missing for blocks the responder does not hold, in request order', async () => {
    const missing = await blockCid(new Uint8Array([1, 2, 3]))
    const answers = []
    for await (const answer of requestBlocks(fetcherPeer, good.peerId, [blocks[1].cid, missing, blocks[2].cid])) answers.push(answer)
    assert.deepEqual(answers.map(a => [a.cid.toString(), a.bytes != null]), [[blocks[1].cid.toString(), true], [missing.toString(), false], [blocks[2].cid.toString(), true]])
  })

  it('refuses a request for more than MAX_CIDS_PER_REQUEST CIDs with TOO_LARGE, and bad CIDs with BAD_REQUEST', async () => {
    const many = await Promise.all(Array.from({ length: MAX_CIDS_PER_REQUEST + 1 }, async (_, i) => (await blockCid(new Uint8Array([i]))).bytes as Uint8Array<ArrayBuffer>))
    const call = { protocol: BLOCKS_PROTOCOL, request: blocksMessages.BlockRequest, response: blocksMessages.BlockResponse, limits: BLOCKS_LIMITS }
    const drain = async (cids: Array<Uint8Array<ArrayBuffer>>): Promise<void> => { for await (const _ of requestStream(fetcherPeer, good.peerId, call, { cids })) { /* drain */ } }
    await assert.rejects(drain(many), { name: 'RemoteError', code: 'TOO_LARGE' })
    await assert.rejects(drain([new Uint8Array([1, 2, 3])]), { name: 'RemoteError', code: 'BAD_REQUEST' })
    await assert.rejects(drain([]), { name: 'RemoteError', code: 'BAD_REQUEST' })
    await assert.rejects(drain([many[0], many[0]]), { name: 'RemoteError', code: 'BAD_REQUEST' })
  })

  it('resets on a response frame over the limit instead of reading it', async () => {
    const rogue = await startPeer()
    peers.push(rogue)
    await rogue.handle(BLOCKS_PROTOCOL, async (stream) => {
      const lp = lpStream(stream)
      await lp.read()
      // one byte more than any block frame may be
      await lp.write(new Uint8Array(BLOCKS_LIMITS.maxResponseBytes + 1))
      await stream.close()
    })
    await fetcherPeer.dial(rogue.getMultiaddrs())
    const node: StreamOpener = fetcherPeer
    await assert.rejects(async () => { for await (const _ of requestBlocks(node, rogue.peerId, [blocks[0].cid])) { /* drain */ } }, { name: 'NoAnswerError' })
  })
})
