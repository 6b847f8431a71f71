import { BLOCKS_PROTOCOL, blocksMessages, frameOf } from '@p2pcloud/wire'
import type { Stream } from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'
import type { CID } from 'multiformats/cid'
import type { Libp2p } from 'libp2p'

/**
 * A hostile blocks caller: asks `provider` for `cids` on `streams` streams of its own and reads
 * none of the answers. Each stream is paused before anything comes, so Yamux grants no window
 * past its first 256 KiB and the provider's writes wait. Resolves once every request is sent,
 * with the function that resets the streams; the provider resets them at its write timeout.
 */
export async function askBlocksUnread (node: Libp2p, provider: Multiaddr, cids: CID[], streams: number): Promise<() => void> {
  const request = frameOf(blocksMessages.BlockRequest.encode({ cids: cids.map(cid => cid.bytes) }))
  const opened: Stream[] = []
  const stopAll = (): void => { for (const stream of opened) stream.abort(new Error('the hostile caller is done')) }
  try {
    for (let i = 0; i < streams; i++) {
      const stream = await node.dialProtocol(provider, BLOCKS_PROTOCOL, { signal: AbortSignal.timeout(10_000) })
      opened.push(stream)
      stream.pause()
      stream.send(request)
      await stream.close({ signal: AbortSignal.timeout(10_000) })
    }
  } catch (err) {
    stopAll()
    throw err
  }
  return stopAll
}
