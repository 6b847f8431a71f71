import { join } from 'node:path'
import { emptyResources } from '@p2pcloud/capacity'
import { peerList, sizeEntry, type DriverFactory, type KindServiceComponents, type WorkloadKind } from '@p2pcloud/farmer'
import { ErrorCodes, ProtocolError, ZDB_MAX_PEERS, ZDB_MIN_SIZE, deploymentMessages, peerIdFromBytes, peerIdToBytes } from '@p2pcloud/wire'
import { ZdbDriver, type ZdbWorkload } from './zdb-driver.js'
import { ZdbService } from './zdb-protocol.js'

/** A zdb namespace on a farmer; the size in bytes, counted against HDD (HRU). */
export interface ZdbWorkloadSpec {
  name: string
  type: 'zdb'
  size: number
  /** user: the client chooses keys; seq: the farmer assigns increasing ones. */
  mode: 'user' | 'seq'
  /** Peer ids that may read (readers) or also write (writers) besides the twin. */
  readers: string[]
  writers: string[]
}

/**
 * zdb namespaces on a farmer: the driver for `farmerService({ drivers })` and the
 * protocol's service (add it after the farmer), sharing one ZdbDriver.
 */
export function zdbCapability (init: { root: string }): { driver: DriverFactory, service: (components: KindServiceComponents) => ZdbService } {
  let driver: ZdbDriver | undefined
  return {
    driver: () => {
      driver = new ZdbDriver(init.root, zdbKind)
      return driver
    },
    service: components => new ZdbService(components, () => driver)
  }
}

/**
 * `zdb`: an append-only key/value namespace of a size, booked against HDD (HRU), that the
 * twin and the peers it lists reach over the zdb protocol. A spec with namespaces goes to
 * farmers offering zdb (unless it also runs containers, which decide).
 */
export const zdbKind: WorkloadKind<ZdbWorkloadSpec, ZdbWorkload, { zdb: ZdbService }> = {
  type: 'zdb',
  capability: 'zdb',
  placement: 1,
  applyOrder: 1,
  specKeys: ['name', 'type', 'size', 'mode', 'readers', 'writers'],
  parseSpec: (reader, entries, at, name) => {
    const size = sizeEntry(reader, reader.required(entries, 'size', at, 'a zdb namespace needs a size such as 10G'), 0, ZDB_MIN_SIZE, 'zdb namespace')
    const modeAt = reader.optional(entries, 'mode')
    const mode = modeAt == null ? 'user' : reader.text(modeAt)
    if (modeAt != null && mode !== 'user' && mode !== 'seq') reader.fail(modeAt, `"${mode}" is not a zdb mode; use user (you choose the keys) or seq (the farmer numbers them)`)
    const readers = peerList(reader, reader.optional(entries, 'readers'))
    const writers = peerList(reader, reader.optional(entries, 'writers'))
    if (readers.length + writers.length > ZDB_MAX_PEERS) reader.fail(at, `${readers.length + writers.length} readers and writers; at most ${ZDB_MAX_PEERS}`)
    return { name, type: 'zdb', size, mode: mode as ZdbWorkloadSpec['mode'], readers, writers }
  },
  encode: spec => deploymentMessages.ZdbData.encode({
    size: spec.size,
    mode: spec.mode === 'seq' ? deploymentMessages.ZdbMode.SEQ : deploymentMessages.ZdbMode.USER,
    readers: spec.readers.map(peerIdToBytes),
    writers: spec.writers.map(peerIdToBytes)
  }),
  decode: workload => {
    const bad = (detail: string): never => { throw new ProtocolError(ErrorCodes.BAD_REQUEST, `zdb "${workload.name}": ${detail}`) }
    let data: deploymentMessages.ZdbData
    try {
      data = deploymentMessages.ZdbData.decode(workload.data)
    } catch (err: any) {
      return bad(`data does not decode: ${err.message as string}`)
    }
    if (data.size < ZDB_MIN_SIZE) bad(`size ${data.size} is below the minimum of ${ZDB_MIN_SIZE / 2 ** 20} MiB`)
    if (data.readers.length + data.writers.length > ZDB_MAX_PEERS) bad(`lists ${data.readers.length + data.writers.length} readers and writers; at most ${ZDB_MAX_PEERS}`)
    const peers = (list: Uint8Array[], what: string): Set<string> => new Set(list.map((bytes, i) => {
      try {
        return peerIdFromBytes(bytes)
      } catch {
        return bad(`${what}[${i}] is not a peer id`)
      }
    }))
    return { size: data.size, mode: data.mode === deploymentMessages.ZdbMode.SEQ ? 'seq' : 'user', readers: peers(data.readers, 'readers'), writers: peers(data.writers, 'writers') }
  },
  resources: data => ({ ...emptyResources(), hru: data.size }),
  farmer: ({ home }) => {
    const zdb = zdbCapability({ root: join(home, 'zdb') })
    return { driver: zdb.driver, services: { zdb: zdb.service } }
  }
}
