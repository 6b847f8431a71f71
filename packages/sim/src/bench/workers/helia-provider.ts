import { unixfs } from '@helia/unixfs'
import { serveBenchWorker } from '../bench-worker.js'
import { chunksOf } from '../file-chunks.js'
import { startOfflineHelia } from '../offline-helia.js'

export interface HeliaProviderStarted {
  cid: string
  addresses: string[]
  /** How long adding the file took. */
  addMs: number
}

/** A Helia node in a thread of its own that adds the file it is given (unixfs, in memory) and serves it over bitswap. */
serveBenchWorker<{ data: SharedArrayBuffer }>(async ({ data }) => {
  const helia = await startOfflineHelia()
  const started = performance.now()
  const cid = await unixfs(helia).addByteStream(chunksOf(new Uint8Array(data)))
  const addMs = performance.now() - started
  return {
    started: { cid: cid.toString(), addresses: helia.libp2p.getMultiaddrs().map(String), addMs } satisfies HeliaProviderStarted,
    operations: { stop: async () => { await helia.stop() } }
  }
})
