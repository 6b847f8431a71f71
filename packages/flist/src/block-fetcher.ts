import { logger } from '@libp2p/logger'
import { verifyBlock } from './block.js'
import { requestBlocks } from './block-protocol.js'
import { MAX_CIDS_PER_REQUEST, type StreamOpener } from '@p2pcloud/wire'
import type { AbortOptions, PeerId } from '@libp2p/interface'
import type { CID } from 'multiformats/cid'

const log = logger('p2pcloud:flist:fetcher')

/** Nobody of the providers tried could give these blocks. */
export class BlocksUnavailableError extends Error {
  override name = 'BlocksUnavailableError'
  readonly kind = 'not-found'
  constructor (readonly missing: string[], readonly providers: string[]) {
    const named = missing.slice(0, 3).join(', ') + (missing.length > 3 ? ` and ${missing.length - 3} more` : '')
    super(providers.length === 0
      ? `no provider to fetch ${missing.length} block(s) from (${named}): nobody provides this flist and no peer was named`
      : `${missing.length} block(s) could not be fetched (${named}); tried ${providers.join(', ')}`)
  }
}

export interface FetchProgress {
  blocks: number
  bytes: number
  totalBlocks: number
}

export interface FetchOptions extends AbortOptions {
  onProgress?: (progress: FetchProgress) => void
}

export interface BlockFetcherInit {
  node: StreamOpener
  /** Requests in flight at once to one provider (default 2). */
  requestsPerProvider?: number
  /** CIDs per request (default and most: MAX_CIDS_PER_REQUEST). */
  cidsPerRequest?: number
  /** Failures (corrupted block, no answer, protocol violation) after which a provider is not asked again in this fetch (default 3). */
  maxFaults?: number
}

/** Where verified blocks go (a BlockStore's put). */
export type BlockSink = (cid: CID, bytes: Uint8Array) => Promise<void>

/** What a provider's failure looks like; anything else is ours. */
const PROVIDER_ERRORS = new Set(['RemoteError', 'NoAnswerError', 'BlockProtocolViolationError'])

interface Want { cid: CID, key: string, tried: Set<string> }

/**
 * Bytes received and not yet verified and stored, across one fetch: past this no new request
 * is made, so a slow disk holds back the requests, not the memory.
 */
const MAX_UNSTORED_BYTES = 32 * 2 ** 20

/** Longest RATE_LIMITED wait honoured before asking the same provider again. */
const MAX_RATE_WAIT_MS = 5000

/**
 * Fetches blocks from several providers at once over `/p2pcloud/blocks/1.0.0`: the wants are
 * one shared queue that every provider's requests draw from, so faster providers take more.
 * Every block is verified against its CID; a provider that says missing is not asked for that
 * block again, one that sends a corrupted block or fails is charged a fault (and dropped after
 * `maxFaults`), and the block goes back to the queue for the others.
 */
export class BlockFetcher {
  constructor (private readonly init: BlockFetcherInit) {}

  async fetch (cids: CID[], providers: PeerId[], sink: BlockSink, options: FetchOptions = {}): Promise<void> {
    const wants = new Map<string, Want>()
    for (const cid of cids) wants.set(cid.toString(), { cid, key: cid.toString(), tried: new Set() })
    const run = new Run([...wants.values()], providers, sink, this.init, options)
    await run.done()
  }
}

/** The state of one fetch. */
class Run {
  private readonly queue: Want[]
  private readonly failed: Want[] = []
  private readonly live = new Map<string, { peer: PeerId, faults: number }>()
  private readonly progress: FetchProgress
  /** Requests, and received blocks being verified and stored. */
  private inFlight = 0
  private unstored = 0
  private wake = Promise.withResolvers<void>()
  private readonly stop = new AbortController()
  private readonly signal: AbortSignal

  constructor (wants: Want[], private readonly providers: PeerId[], private readonly sink: BlockSink, private readonly init: BlockFetcherInit, private readonly options: FetchOptions) {
    this.queue = wants
    for (const peer of providers) this.live.set(peer.toString(), { peer, faults: 0 })
    this.progress = { blocks: 0, bytes: 0, totalBlocks: wants.length }
    this.signal = AbortSignal.any([this.stop.signal, ...(options.signal != null ? [options.signal] : [])])
  }

  async done (): Promise<void> {
    this.recheck()
    const workers: Array<Promise<void>> = []
    for (const id of this.live.keys()) {
      for (let i = 0; i < (this.init.requestsPerProvider ?? 2); i++) workers.push(this.work(id))
    }
    try {
      await Promise.all(workers)
    } catch (err) {
      this.stop.abort(err)
      await Promise.allSettled(workers)
      // the first failure: a block's sink may have failed while the workers only saw the abort
      throw this.stop.signal.reason
    }
    this.options.signal?.throwIfAborted()
    if (this.failed.length > 0) throw new BlocksUnavailableError(this.failed.map(w => w.key), this.providers.map(String))
  }

  private changed (): void {
    this.wake.resolve()
    this.wake = Promise.withResolvers()
  }

  /** Wants that every live provider has tried are given up. */
  private recheck (): void {
    for (let i = 0; i < this.queue.length;) {
      const want = this.queue[i]
      if ([...this.live.keys()].some(id => !want.tried.has(id))) {
        i++
      } else {
        this.failed.push(want)
        this.queue.splice(i, 1)
      }
    }
    this.changed()
  }

  private take (id: string): Want[] {
    const batch: Want[] = []
    const size = Math.min(this.init.cidsPerRequest ?? MAX_CIDS_PER_REQUEST, MAX_CIDS_PER_REQUEST)
    for (let i = 0; i < this.queue.length && batch.length < size;) {
      if (this.queue[i].tried.has(id)) i++
      else batch.push(...this.queue.splice(i, 1))
    }
    return batch
  }

  private async work (id: string): Promise<void> {
    while (this.live.has(id)) {
      this.signal.throwIfAborted()
      const batch = this.unstored < MAX_UNSTORED_BYTES ? this.take(id) : []
      if (batch.length === 0) {
        if (this.inFlight === 0) return
        await Promise.race([this.wake.promise, new Promise(resolve => { this.signal.addEventListener('abort', resolve, { once: true }) })])
        continue
      }
      this.inFlight++
      try {
        await this.ask(id, batch)
      } finally {
        this.inFlight--
        this.changed()
      }
    }
  }

  private fault (id: string, why: string): void {
    const provider = this.live.get(id)
    if (provider == null) return
    provider.faults++
    log('provider %s: %s (fault %d)', id, why, provider.faults)
    if (provider.faults >= (this.init.maxFaults ?? 3)) {
      log('provider %s dropped from this fetch', id)
      this.live.delete(id)
    }
  }

  /** Back to the queue for another provider, or given up when every live one was tried. */
  private retry (want: Want, id: string): void {
    want.tried.add(id)
    this.queue.push(want)
  }

  private async ask (id: string, batch: Want[]): Promise<void> {
    const peer = this.live.get(id)?.peer
    if (peer == null) { this.queue.push(...batch); return }
    const answered = new Set<string>()
    try {
      for await (const answer of requestBlocks(this.init.node, peer, batch.map(w => w.cid), { signal: this.signal })) {
        const want = batch.find(w => w.cid.equals(answer.cid)) as Want
        answered.add(want.key)
        if (answer.bytes == null) {
          this.retry(want, id)
          continue
        }
        // verified and stored while the stream is read on, and the next request may be made
        // before they are: the wire's read buffer (4 MiB) is not flow-controlled, so a reader
        // that waits for hashing or the disk between frames overflows it
        void this.receive(id, want, answer.bytes)
      }
    } catch (err: any) {
      if (this.signal.aborted || !PROVIDER_ERRORS.has(err.name)) throw err
      const rest = batch.filter(w => !answered.has(w.key))
      if (err.name === 'RemoteError' && err.code === 'RATE_LIMITED') {
        // not a fault: wait as told, then the same blocks go back to everyone
        await new Promise(resolve => setTimeout(resolve, Math.min(Math.max(1, err.retryAfterMs), MAX_RATE_WAIT_MS)))
        this.queue.unshift(...rest)
        return
      }
      this.fault(id, err.message)
      for (const want of rest) this.retry(want, id)
    } finally {
      this.recheck()
    }
  }

  /** A block as it arrived: verified, then to the sink; a corrupted one is a fault and goes back to the queue. */
  private async receive (id: string, want: Want, bytes: Uint8Array): Promise<void> {
    this.inFlight++
    this.unstored += bytes.byteLength
    try {
      try {
        await verifyBlock(want.cid, bytes)
      } catch (err: any) {
        this.fault(id, err.message)
        this.retry(want, id)
        return
      }
      await this.sink(want.cid, bytes)
      this.progress.blocks++
      this.progress.bytes += bytes.byteLength
      this.options.onProgress?.({ ...this.progress })
    } catch (err) {
      // the sink's own failures (a full disk) end the whole fetch
      this.stop.abort(err)
    } finally {
      this.inFlight--
      this.unstored -= bytes.byteLength
      this.recheck()
    }
  }
}
