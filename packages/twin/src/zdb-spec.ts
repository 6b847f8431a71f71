import { peerIdFromString } from '@libp2p/peer-id'
import { ZDB_MAX_PEERS, ZDB_MIN_SIZE } from '@p2pcloud/wire'
import { sizeEntry } from './container-spec.js'
import type { Entry, Located, SpecReader } from './spec-reader.js'

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

export const ZDB_KEYS = ['name', 'type', 'size', 'mode', 'readers', 'writers']

function peerList (reader: SpecReader, at: Located | undefined): string[] {
  if (at == null) return []
  return reader.sequence(at).map(item => {
    const text = reader.text(item)
    try {
      return peerIdFromString(text).toString()
    } catch {
      reader.fail(item, `"${text}" is not a peer id (12D3KooW…)`)
    }
  })
}

/** The zdb-only keys of one workload (name and type are read by the caller). */
export function parseZdb (reader: SpecReader, entries: Map<string, Entry>, at: Located, name: string): ZdbWorkloadSpec {
  const value = (key: string): Entry | undefined => {
    const entry = entries.get(key)
    return entry == null || reader.isEmpty(entry) ? undefined : entry
  }
  const sizeAt = reader.required(entries, 'size', at, 'a zdb namespace needs a size such as 10G')
  const size = sizeEntry(reader, sizeAt, 0, ZDB_MIN_SIZE, 'zdb namespace')
  const modeAt = value('mode')
  const mode = modeAt == null ? 'user' : reader.text(modeAt)
  if (mode !== 'user' && mode !== 'seq') reader.fail(modeAt as Located, `"${mode}" is not a zdb mode; use user (you choose the keys) or seq (the farmer numbers them)`)
  const readers = peerList(reader, value('readers'))
  const writers = peerList(reader, value('writers'))
  if (readers.length + writers.length > ZDB_MAX_PEERS) reader.fail(at, `${readers.length + writers.length} readers and writers; at most ${ZDB_MAX_PEERS}`)
  return { name, type: 'zdb', size, mode, readers, writers }
}
