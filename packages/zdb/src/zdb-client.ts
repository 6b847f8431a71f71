import { ZDB_MAX_SCAN_LIMIT, contractIdToBytes, request, zdbMessages, type StreamOpener } from '@p2pcloud/wire'
import { zdbCodecs } from './zdb-protocol.js'
import type { NamespaceInfo, ScanPage } from './namespace-store.js'
import type { AbortOptions, PeerId } from '@libp2p/interface'

const { Op } = zdbMessages
const EMPTY = new Uint8Array(0) as Uint8Array<ArrayBuffer>

/** Where a namespace is: the farmer, the contract, the zdb workload's name. */
export interface NamespaceRef {
  farmer: PeerId
  contractId: string
  namespace: string
}

/**
 * The zdb protocol, client side: each call is one request on its own stream. A refusal is the
 * wire's RemoteError with the farmer's code (NOT_FOUND, FORBIDDEN, QUOTA_EXCEEDED, CORRUPT, …).
 */
export class ZdbClient {
  constructor (private readonly node: StreamOpener, readonly ref: NamespaceRef) {}

  private async call (op: zdbMessages.Op, fields: Partial<zdbMessages.ZdbRequest>, options?: AbortOptions): Promise<zdbMessages.ZdbResponse> {
    const message: zdbMessages.ZdbRequest = {
      contractId: contractIdToBytes(this.ref.contractId), namespace: this.ref.namespace, op, key: fields.key ?? EMPTY, value: fields.value ?? EMPTY, limit: fields.limit ?? 0
    }
    return request<zdbMessages.ZdbRequest, zdbMessages.ZdbResponse>(this.node, this.ref.farmer, zdbCodecs, message, options)
  }

  /** Stores the value; resolves with its key (the farmer's choice in seq mode) once it is on the farmer's disk. */
  async set (key: Uint8Array | undefined, value: Uint8Array, options?: AbortOptions): Promise<Uint8Array> {
    return (await this.call(Op.SET, { key: (key ?? EMPTY) as Uint8Array<ArrayBuffer>, value: value as Uint8Array<ArrayBuffer> }, options)).key
  }

  async get (key: Uint8Array, options?: AbortOptions): Promise<Uint8Array | undefined> {
    const response = await this.call(Op.GET, { key: key as Uint8Array<ArrayBuffer> }, options)
    return response.found ? response.value : undefined
  }

  async delete (key: Uint8Array, options?: AbortOptions): Promise<boolean> {
    return (await this.call(Op.DELETE, { key: key as Uint8Array<ArrayBuffer> }, options)).found
  }

  async exists (key: Uint8Array, options?: AbortOptions): Promise<boolean> {
    return (await this.call(Op.EXISTS, { key: key as Uint8Array<ArrayBuffer> }, options)).found
  }

  async scan (page: { after?: Uint8Array, limit?: number } = {}, options?: AbortOptions): Promise<ScanPage> {
    const response = await this.call(Op.SCAN, { key: (page.after ?? EMPTY) as Uint8Array<ArrayBuffer>, limit: page.limit ?? ZDB_MAX_SCAN_LIMIT }, options)
    return { entries: response.entries, ...(response.next.byteLength > 0 ? { next: response.next } : {}) }
  }

  async info (options?: AbortOptions): Promise<NamespaceInfo> {
    const info = (await this.call(Op.INFO, {}, options)).info
    if (info == null) throw new Error(`${this.ref.farmer.toString()} answered INFO without info`)
    return { mode: info.mode === zdbMessages.Mode.SEQ ? 'seq' : 'user', maxBytes: info.maxBytes, usedBytes: info.usedBytes, entries: info.entries }
  }
}
