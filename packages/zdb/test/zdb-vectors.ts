import { ZDB_PROTOCOL, deploymentMessages, vectorKit, zdbMessages } from '@p2pcloud/wire'
import type { VectorFiles } from '@p2pcloud/test-utils'
import { ZdbCorruptRecordError, ZdbQuotaError, encodeRecord, type RecordKind } from '../src/index.js'

/**
 * The generator of the zdb protocol's vectors (protocols/vectors/zdb/messages.json), of the js
 * namespace's record format (protocols/vectors/zdb/records.json) and of the zdb workload's data
 * (protocols/vectors/deployment/zdb-data.json), which vectors.test.ts checks. Deterministic: fixed
 * keys from published seeds and fixed messages, so running it again writes the same bytes. The
 * messages are written from what protocols/zdb.md says the farmer answers, not by running it:
 * vectors.test.ts replays the requests against the js farmer and checks it answers exactly these
 * frames. Run by `npm run vectors`.
 */

type Json = vectorKit.Json
const { hex, unhex, utf8, seedFrom, setOnly } = vectorKit
const EMPTY = new Uint8Array(0)
const MiB = 2 ** 20
const GiB = 2 ** 30

// the contract of the deployment vectors (deployment.md §9)
const CONTRACT = '2b9146a8601e326e2be071a7727329db09c65a1821fd601ad47dc2080d7e60f4'

type KeyName = 'twin' | 'reader' | 'writer' | 'stranger'
type Keys = Record<KeyName, vectorKit.VectorKey>

/** The keys (tests only): the twin of the deployment vectors, a reader, a writer and a peer with no rights. */
const vectorKeys = async (): Promise<Keys> => ({
  twin: await vectorKit.ed25519Key(seedFrom(0x20)),
  reader: await vectorKit.ed25519Key(seedFrom(0x40)),
  writer: await vectorKit.ed25519Key(seedFrom(0x60)),
  stranger: await vectorKit.ed25519Key(seedFrom(0x80))
})

// ---- ZdbData ------------------------------------------------------------------------------

type ModeName = 'USER' | 'SEQ'
const MODES = { USER: deploymentMessages.ZdbMode.USER, SEQ: deploymentMessages.ZdbMode.SEQ }
const zdbData = (name: string, { size, mode = 'USER', readers = [], writers = [] }: { size: number, mode?: ModeName, readers?: string[], writers?: string[] }, expect?: string): Json => {
  const fields = setOnly({ size: String(size), mode: mode === 'USER' ? '' : mode, readers, writers })
  const value = { size, mode: MODES[mode], readers: readers.map(unhex), writers: writers.map(unhex) }
  return { name, message: 'ZdbData', fields, encoded: hex(deploymentMessages.ZdbData.encode(value)), ...(expect != null ? { expect } : {}) }
}

function zdbDataFile (keys: Keys): Json {
  const peer = (name: KeyName): string => vectorKit.peerIdHex(keys[name])
  return {
    protocol: '/p2pcloud/deployment/1.1.0',
    description: 'ZdbData, the data of a "zdb" workload (deployment.md §5.1). "expect" is what the farmer\'s check 15c (deployment.md §4.3) answers a deployment holding it: ACCEPT or BAD_REQUEST. ' +
      'zdb-user-peers has a size above 2^32 (uint64); zdb-65-peers lists the reader 33 times and the writer 32 times (duplicates count). Peer ids are the keys of vectors/zdb/messages.json.',
    keys: vectorKit.keysJson(keys, ['reader', 'writer']),
    vectors: [
      // 10 GiB: size above 2^32 checks the uint64 encoding
      zdbData('zdb-user-peers', { size: 10 * GiB, readers: [peer('reader')], writers: [peer('writer')] }, 'ACCEPT'),
      zdbData('zdb-seq-minimal', { size: MiB, mode: 'SEQ' }, 'ACCEPT'),
      zdbData('zdb-below-minimum', { size: MiB - 1 }, 'BAD_REQUEST'),
      // the first 4 bytes of a peer id: not a multihash
      zdbData('zdb-reader-not-a-peer-id', { size: MiB, readers: [peer('reader').slice(0, 8)] }, 'BAD_REQUEST'),
      zdbData('zdb-65-peers', { size: MiB, readers: Array(33).fill(peer('reader')), writers: Array(32).fill(peer('writer')) }, 'BAD_REQUEST')
    ]
  }
}

// ---- messages -----------------------------------------------------------------------------

const A = utf8('a')
const B = utf8('b')
const C = utf8('c')
const seqKey = (n: number): Uint8Array => { const key = Buffer.alloc(8); key.writeBigUInt64BE(BigInt(n)); return new Uint8Array(key) }

/** A message as the vector lists it (`fields`) and as the codec takes it (`value`), with the extra members of its vector. */
interface Message { name: string, message: 'ZdbRequest' | 'ZdbResponse', fields: Json, value: any, [extra: string]: Json }
interface RequestOptions { namespace?: string, op: keyof typeof zdbMessages.Op, key?: Uint8Array, value?: Uint8Array, limit?: number }
interface Info { mode: ModeName, maxBytes: number, usedBytes: number, entries: number }
interface ResponseOptions { key?: Uint8Array, value?: Uint8Array, found?: boolean, entries?: Array<{ key: Uint8Array, size: number }>, next?: Uint8Array, info?: Info }

const request = (name: string, from: KeyName, { namespace = 'store', op, key = EMPTY, value = EMPTY, limit = 0 }: RequestOptions, reply: string, more: Json = {}): Message => ({
  name,
  message: 'ZdbRequest',
  fields: setOnly({ contract_id: CONTRACT, namespace, op, key: hex(key), value: hex(value), limit }),
  value: { contractId: unhex(CONTRACT), namespace, op: zdbMessages.Op[op], key, value, limit },
  from,
  reply,
  ...more
})
const ANSWER = { key: EMPTY, value: EMPTY, found: false, entries: [], next: EMPTY }
const response = (name: string, { key = EMPTY, value = EMPTY, found = false, entries = [], next = EMPTY, info }: ResponseOptions): Message => ({
  name,
  message: 'ZdbResponse',
  fields: setOnly({
    key: hex(key),
    value: hex(value),
    found,
    entries: entries.map(e => setOnly({ key: hex(e.key), size: String(e.size) })),
    next: hex(next),
    ...(info != null ? { info: setOnly({ mode: info.mode === 'USER' ? '' : info.mode, max_bytes: String(info.maxBytes), used_bytes: String(info.usedBytes), entries: String(info.entries) }) } : {})
  }),
  value: { ...ANSWER, key, value, found, entries, next, ...(info != null ? { info: { ...info, mode: zdbMessages.Mode[info.mode] } } : {}) }
})
const refused = (name: string, code: string, message: string, retryAfterMs = 0): Message => ({
  name,
  message: 'ZdbResponse',
  fields: { error: setOnly({ code, message, retry_after_ms: String(retryAfterMs) }) },
  value: { ...ANSWER, error: { code, message, retryAfterMs } }
})

// A record's bytes on disk, the unit of used_bytes (zdb.md §7.2): 11 + key + value, for each key's current value.
const recordBytes = (key: Uint8Array, value: Uint8Array): number => 11 + key.byteLength + value.byteLength
const afterSets = recordBytes(A, utf8('one')) + recordBytes(B, EMPTY) + recordBytes(C, utf8('three'))
const STORE_SIZE = 10 * GiB

function messagesFile (keys: Keys): Json {
  const exchange = [
    // store: user mode, 10 GiB, reader and writer listed (zdb-user-peers)
    request('request-set-a', 'writer', { op: 'SET', key: A, value: utf8('one') }, 'response-set-a'),
    request('request-set-b-empty-value', 'twin', { op: 'SET', key: B }, 'response-set-b'),
    request('request-set-c', 'writer', { op: 'SET', key: C, value: utf8('three') }, 'response-set-c'),
    request('request-set-by-reader', 'reader', { op: 'SET', key: A, value: utf8('uno') }, 'response-forbidden'),
    request('request-get-a', 'reader', { op: 'GET', key: A }, 'response-get-a'),
    request('request-get-empty-value', 'reader', { op: 'GET', key: B }, 'response-found'),
    request('request-get-missing', 'reader', { op: 'GET', key: utf8('zz') }, 'response-empty'),
    request('request-get-by-stranger', 'stranger', { op: 'GET', key: A }, 'response-not-found'),
    request('request-get-unknown-namespace', 'twin', { namespace: 'nope', op: 'GET', key: A }, 'response-not-found'),
    request('request-exists-c', 'reader', { op: 'EXISTS', key: C }, 'response-found'),
    request('request-scan-first-page', 'reader', { op: 'SCAN', limit: 2 }, 'response-scan-first-page'),
    request('request-scan-with-cursor', 'reader', { op: 'SCAN', key: B, limit: 2 }, 'response-scan-last-page'),
    request('request-scan-limit-zero', 'reader', { op: 'SCAN' }, 'response-bad-scan-limit'),
    request('request-info', 'twin', { op: 'INFO' }, 'response-info'),
    request('request-delete-c', 'writer', { op: 'DELETE', key: C }, 'response-found'),
    request('request-delete-c-again', 'writer', { op: 'DELETE', key: C }, 'response-empty'),
    request('request-info-after-delete', 'reader', { op: 'INFO' }, 'response-info-after-delete'),
    // journal: seq mode, 1 MiB, only the twin (zdb-seq-minimal)
    request('request-set-seq', 'twin', { namespace: 'journal', op: 'SET', value: utf8('first entry') }, 'response-set-seq-0'),
    request('request-set-seq-again', 'twin', { namespace: 'journal', op: 'SET', value: utf8('second entry') }, 'response-set-seq-1'),
    request('request-set-seq-with-key', 'twin', { namespace: 'journal', op: 'SET', key: utf8('mine'), value: utf8('x') }, 'response-seq-key-refused'),
    request('request-get-seq-1', 'twin', { namespace: 'journal', op: 'GET', key: seqKey(1) }, 'response-get-seq-1'),
    request('request-get-seq-by-reader', 'reader', { namespace: 'journal', op: 'GET', key: seqKey(1) }, 'response-not-found'),
    // events between requests
    request('request-get-a-damaged', 'reader', { op: 'GET', key: A }, 'response-corrupt', { before: 'damage-record-of-a' }),
    request('request-get-a-stopped', 'twin', { op: 'GET', key: A }, 'response-stopped', { before: 'lease-expired' }),

    response('response-set-a', { key: A }),
    response('response-set-b', { key: B }),
    response('response-set-c', { key: C }),
    response('response-get-a', { found: true, value: utf8('one') }),
    // found with an empty value: `found` is the only field on the wire
    response('response-found', { found: true }),
    // not found, nothing else: the empty message, frame 00
    response('response-empty', {}),
    response('response-scan-first-page', { entries: [{ key: A, size: 3 }, { key: B, size: 0 }], next: B }),
    response('response-scan-last-page', { entries: [{ key: C, size: 5 }] }),
    response('response-info', { info: { mode: 'USER', maxBytes: STORE_SIZE, usedBytes: afterSets, entries: 3 } }),
    // c's value no longer counts: its 17 bytes less, one entry less
    response('response-info-after-delete', { info: { mode: 'USER', maxBytes: STORE_SIZE, usedBytes: afterSets - recordBytes(C, utf8('three')), entries: 2 } }),
    response('response-set-seq-0', { key: seqKey(0) }),
    response('response-set-seq-1', { key: seqKey(1) }),
    response('response-get-seq-1', { found: true, value: utf8('second entry') }),
    refused('response-not-found', 'NOT_FOUND', 'no such namespace'),
    refused('response-forbidden', 'FORBIDDEN', `${keys.reader.id} may read namespace "store" but not write it`),
    refused('response-bad-scan-limit', 'BAD_REQUEST', 'scan limit 0: 1 to 1000'),
    refused('response-seq-key-refused', 'BAD_REQUEST', 'this namespace is in seq mode: the farmer chooses the keys, send none'),
    refused('response-corrupt', 'CORRUPT', new ZdbCorruptRecordError(`the record of key ${hex(A)} at offset 0 is damaged (checksum mismatch)`).message),
    refused('response-stopped', 'UNAVAILABLE', 'namespace "store" is stopped (its lease ended); renew the contract to use it again'),
    // not answers of the session: a SET of 'first entry' into a journal with 1 048 560 of its 1 MiB used; a peer over its rate
    refused('response-quota-exceeded', 'QUOTA_EXCEEDED', new ZdbQuotaError(recordBytes(seqKey(0), utf8('first entry')), 1048560, MiB).message),
    refused('response-rate-limited', 'RATE_LIMITED', 'too many requests; retry in 5 ms', 5)
  ]
  return {
    protocol: ZDB_PROTOCOL,
    description: 'Requests and response frames of the zdb protocol (zdb.md §4, §5); "frame" is what goes on the stream. ' +
      'The requests are one session, in order, against the deployment in "deployment" (signed by twin, its zdb workloads running, both namespaces empty at the start): ' +
      'each request is sent by the key "from" and answered with the response vector "reply". ' +
      '"before" is an event just before the request: damage-record-of-a = the stored record of key a is damaged on disk (the js test flips its last byte), ' +
      'lease-expired = the contract\'s lease expired and the farmer stopped the namespaces (deployment.md §4.6). ' +
      'response-quota-exceeded and response-rate-limited answer no request of the session. Error messages are the js farmer\'s words.',
    keys: vectorKit.keysJson(keys, ['twin', 'reader', 'writer', 'stranger']),
    deployment: {
      contract_id: CONTRACT,
      twin: 'twin',
      workloads: [
        { name: 'store', type: 'zdb', data: 'zdb-user-peers' },
        { name: 'journal', type: 'zdb', data: 'zdb-seq-minimal' }
      ],
      data_vectors: 'vectors/deployment/zdb-data.json'
    },
    vectors: exchange.map(({ name, message, fields, value, ...more }) => ({
      name, message, fields, ...vectorKit.encodedAndFrame(zdbMessages[message].encode(value)), ...more
    }))
  }
}

// ---- records (informative: the js farmer's data file) -------------------------------------

const record = (name: string, kind: RecordKind, key: Uint8Array, value: Uint8Array, tamper?: vectorKit.Tamper): Json => {
  const bytes = encodeRecord({ kind, key, value })
  if (tamper != null) bytes[tamper.byte] ^= tamper.xor
  return {
    name,
    fields: setOnly({ kind, key: hex(key), value: hex(value) }),
    crc32: hex(bytes.subarray(0, 4)),
    encoded: hex(bytes),
    ...(tamper != null ? { tamper, expect: 'CORRUPT' } : { expect: 'ACCEPT' })
  }
}
const recordsFile: Json = {
  format: 'p2pcloud zdb data file record, js farmer (informative)',
  description: 'Records of a namespace\'s data file (zdb.md §7.3): u32 crc32 (IEEE) of every byte after it | u8 kind (1 set, 2 delete) | u16 key length | u32 value length | key | value, big-endian. ' +
    'set-a, set-b-empty-value, set-c, delete-c are the first four records of the store namespace of vectors/zdb/messages.json, in that order (a data file is their concatenation); set-seq-0 is the first of its journal. ' +
    'set-a-damaged is set-a with its last byte flipped after the checksum was computed: a reader reports it as CORRUPT.',
  vectors: [
    record('set-a', 'set', A, utf8('one')),
    record('set-b-empty-value', 'set', B, EMPTY),
    record('set-c', 'set', C, utf8('three')),
    record('delete-c', 'delete', C, EMPTY),
    record('set-seq-0', 'set', seqKey(0), utf8('first entry')),
    record('set-a-damaged', 'set', A, utf8('one'), { byte: 14, xor: 1 })
  ]
}

export async function generateVectors (): Promise<VectorFiles> {
  const keys = await vectorKeys()
  return {
    'deployment/zdb-data.json': zdbDataFile(keys),
    'zdb/messages.json': messagesFile(keys),
    'zdb/records.json': recordsFile
  }
}
