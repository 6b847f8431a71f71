import {
  ErrorCodes, ProtocolError, ZDB_LIMITS, ZDB_MAX_SCAN_LIMIT, ZDB_PROTOCOL, ZdbErrorCodes, contractIdFromBytes, handleRequests, zdbMessages,
  type Responder
} from '@p2pcloud/wire'
import type { KindServiceComponents } from '@p2pcloud/farmer'
import type { PeerId, Startable } from '@libp2p/interface'
import type { NamespaceStore } from './namespace-store.js'
import type { OpenNamespace, ZdbDriver } from './zdb-driver.js'

type Request = zdbMessages.ZdbRequest
type Response = zdbMessages.ZdbResponse
const { Op } = zdbMessages

export const zdbCodecs = { protocol: ZDB_PROTOCOL, request: zdbMessages.ZdbRequest, response: zdbMessages.ZdbResponse, limits: ZDB_LIMITS }

const EMPTY = new Uint8Array(0)
const answer = (fields: Partial<Response>): Response => ({ key: EMPTY, value: EMPTY, found: false, entries: [], next: EMPTY, ...fields })
const WRITES = new Set([Op.SET, Op.DELETE])

/** The store's refusals in the protocol's words (zdb.md §6). */
const CODE_OF: Record<string, string> = {
  ZdbInputError: ErrorCodes.BAD_REQUEST,
  ZdbQuotaError: ZdbErrorCodes.QUOTA_EXCEEDED,
  ZdbCorruptRecordError: ZdbErrorCodes.CORRUPT,
  // a failed disk write, in the farmer's words; here nothing of it was kept
  ZdbDiskFullError: ErrorCodes.INTERNAL
}

async function run (store: NamespaceStore, request: Request): Promise<Response> {
  switch (request.op) {
    case Op.SET: return answer({ key: await store.set(request.key, request.value) as Uint8Array<ArrayBuffer> })
    case Op.GET: {
      const value = await store.get(request.key)
      return answer(value != null ? { found: true, value: value as Uint8Array<ArrayBuffer> } : {})
    }
    case Op.DELETE: return answer({ found: await store.delete(request.key) })
    case Op.EXISTS: return answer({ found: await store.exists(request.key) })
    case Op.SCAN: {
      if (request.limit < 1 || request.limit > ZDB_MAX_SCAN_LIMIT) throw new ProtocolError(ErrorCodes.BAD_REQUEST, `scan limit ${request.limit}: 1 to ${ZDB_MAX_SCAN_LIMIT}`)
      const page = await store.scan({ after: request.key, limit: request.limit })
      return answer({ entries: page.entries as zdbMessages.ScanEntry[], next: (page.next ?? EMPTY) as Uint8Array<ArrayBuffer> })
    }
    case Op.INFO: {
      const info = store.info()
      return answer({ info: { mode: info.mode === 'seq' ? zdbMessages.Mode.SEQ : zdbMessages.Mode.USER, maxBytes: info.maxBytes, usedBytes: info.usedBytes, entries: info.entries } })
    }
    default: throw new ProtocolError(ErrorCodes.BAD_REQUEST, `unknown op ${String(request.op)}`)
  }
}

export interface ZdbResponderInit {
  farmer: () => KindServiceComponents['farmer']
  zdb: () => ZdbDriver | undefined
}

/**
 * `/p2pcloud/zdb/2.0.0`, farmer side: one operation per stream on a zdb namespace, for the
 * deployment's twin and the peers its workload lists (readers: any read; writers: also
 * SET and DELETE). Anyone else is told the namespace does not exist, from the request's first
 * fields: a value it sent is never read (zdb.md §3).
 */
export function zdbResponder (init: ZdbResponderInit): Responder<Request, Response> {
  /** The namespace `who` may use for `request`'s op, or the refusal (zdb.md §3, §6). */
  const authorise = (request: Request, remotePeer: PeerId): OpenNamespace => {
    const provisioner = init.farmer()?.provisioner
    const driver = init.zdb()
    if (provisioner == null || driver == null) throw new ProtocolError(ErrorCodes.UNAVAILABLE, 'this farmer is starting; its deployments are not loaded yet', 1000)
    const contractId = contractIdFromBytes(request.contractId)
    const record = provisioner.get(contractId)
    const workload = record?.deployment.workloads.find(w => w.name === request.namespace && w.type === driver.type)
    const namespace = workload != null ? driver.namespace(contractId, workload.name) : undefined
    const who = remotePeer.toString()
    const isTwin = record?.deployment.twin === who
    const acl = namespace?.workload
    if (record == null || workload == null || (!isTwin && acl?.readers.has(who) !== true && acl?.writers.has(who) !== true)) {
      throw new ProtocolError(ErrorCodes.NOT_FOUND, 'no such namespace')
    }
    if (namespace == null) throw new ProtocolError(ErrorCodes.UNAVAILABLE, `namespace "${workload.name}" is stopped (its lease ended); renew the contract to use it again`)
    if (WRITES.has(request.op) && !isTwin && !namespace.workload.writers.has(who)) {
      throw new ProtocolError(ZdbErrorCodes.FORBIDDEN, `${who} may read namespace "${workload.name}" but not write it`)
    }
    return namespace
  }
  return {
    ...zdbCodecs,
    admit (head, { remotePeer }) {
      authorise(head, remotePeer)
    },
    async respond (request, { remotePeer }) {
      const namespace = authorise(request, remotePeer)
      try {
        return await run(namespace.store, request)
      } catch (err: any) {
        const code = CODE_OF[err?.name]
        if (code != null) throw new ProtocolError(code, err.message)
        throw err
      }
    },
    errorResponse: (error) => answer({ error })
  }
}

/** Serves the zdb protocol on a farmer; add after the farmer extension. */
export class ZdbService implements Startable {
  constructor (private readonly components: KindServiceComponents, private readonly zdb: () => ZdbDriver | undefined) {}

  async start (): Promise<void> {
    await handleRequests(this.components.registrar, zdbResponder({ farmer: () => this.components.farmer, zdb: this.zdb }), this.components.metrics)
  }

  async stop (): Promise<void> {
    await this.components.registrar.unhandle(ZDB_PROTOCOL)
  }
}
