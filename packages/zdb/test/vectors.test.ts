import assert from 'node:assert/strict'
import { open, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { MemoryDatastore } from 'datastore-core'
import { ProtocolError, ZDB_LIMITS, ZDB_PROTOCOL, deploymentMessages, vectorKit, zdbMessages } from '@p2pcloud/wire'
import { DriverRegistry, Provisioner, signDeployment, type Farmer } from '@p2pcloud/farmer'
import { readVectors, tempDir } from '@p2pcloud/test-utils'
import { RECORD_HEADER_BYTES, ZdbDriver, decodeRecord, encodeRecord, zdbKind, zdbResponder, type RecordKind } from '../src/index.js'

/**
 * The zdb test vectors (protocols/vectors/zdb/*.json and protocols/vectors/deployment/zdb-data.json,
 * written by zdb-vectors.ts): every message decodes to its fields and encodes to the
 * same bytes, the driver's check of ZdbData gives each vector's outcome, the js farmer answers
 * the session's requests with exactly its response frames and writes exactly the record vectors.
 */

type Json = vectorKit.Json
const { hex, unhex } = vectorKit

// ---- a decoded message as the vectors' fields -----------------------------------------------

/** proto3 defaults (enums at their zero name): an encoder leaves them out, and so do the vectors' fields. */
const isDefault = (v: unknown): boolean => v === undefined || v === 0 || v === '' || v === false || v === 'USER' || v === 'OP_UNSPECIFIED' ||
  (Array.isArray(v) && v.length === 0) || (v instanceof Uint8Array && v.byteLength === 0)
/** The uint64 fields of zdb.proto and ZdbData: decimal strings in the vectors (Info.entries is one; ZdbResponse.entries is a list). */
const UINT64 = new Set(['size', 'maxBytes', 'usedBytes', 'entries', 'retryAfterMs'])
const snakeCase = (name: string): string => name.replace(/[A-Z]/g, c => `_${c.toLowerCase()}`)
const fieldValue = (v: unknown): Json => v instanceof Uint8Array ? hex(v) : Array.isArray(v) ? v.map(fieldValue) : typeof v === 'object' && v !== null ? fieldsOf(v) : v

function fieldsOf (message: object): Json {
  const fields: Json = {}
  for (const [name, value] of Object.entries(message)) {
    if (!isDefault(value)) fields[snakeCase(name)] = UINT64.has(name) && typeof value === 'number' ? String(value) : fieldValue(value)
  }
  return fields
}

const messagesFile = readVectors('zdb/messages.json')
const recordsFile = readVectors('zdb/records.json')
const dataFile = readVectors('deployment/zdb-data.json')

describe('ZdbData test vectors', () => {
  it('decode to their fields, encode to the same bytes, and pass or fail the driver\'s check as they say', async () => {
    const keys = await vectorKit.loadKeys(dataFile.keys)
    const peerOf = new Map(Object.values(keys).map(k => [vectorKit.peerIdHex(k), k.id]))
    for (const v of dataFile.vectors) {
      const decoded = deploymentMessages.ZdbData.decode(unhex(v.encoded))
      assert.deepEqual(fieldsOf(decoded), v.fields, v.name)
      assert.equal(hex(deploymentMessages.ZdbData.encode(decoded)), v.encoded, v.name)
      const check = (): ReturnType<typeof zdbKind.decode> => zdbKind.decode({ name: 'ns', type: 'zdb', version: 1, data: unhex(v.encoded) })
      if (v.expect !== 'ACCEPT') {
        assert.throws(check, (err: any) => err instanceof ProtocolError && err.code === v.expect, v.name)
        continue
      }
      const workload = check()
      assert.deepEqual(workload, {
        size: Number(v.fields.size),
        mode: v.fields.mode === 'SEQ' ? 'seq' : 'user',
        readers: new Set((v.fields.readers ?? []).map((p: string) => peerOf.get(p))),
        writers: new Set((v.fields.writers ?? []).map((p: string) => peerOf.get(p)))
      }, v.name)
    }
  })
})

describe('zdb record test vectors', () => {
  it('decode to their fields, encode to the same bytes, and a damaged one is refused', () => {
    for (const v of recordsFile.vectors) {
      const bytes = unhex(v.encoded)
      assert.equal(v.crc32, v.encoded.slice(0, 8), v.name)
      const record = { kind: v.fields.kind as RecordKind, key: unhex(v.fields.key), value: unhex(v.fields.value ?? '') }
      const made = encodeRecord(record)
      if (v.tamper != null) made[v.tamper.byte] ^= v.tamper.xor
      assert.equal(hex(made), v.encoded, v.name)
      assert.equal(bytes.byteLength, RECORD_HEADER_BYTES + record.key.byteLength + record.value.byteLength, v.name)
      const decoded = decodeRecord(bytes)
      if (v.expect === 'CORRUPT') {
        assert.equal(decoded, 'checksum mismatch', v.name)
      } else {
        assert.notEqual(typeof decoded, 'string', v.name)
        assert.deepEqual(fieldsOf(decoded as object), v.fields, v.name)
      }
    }
  })
})

describe('zdb message test vectors', () => {
  const file = messagesFile
  const byName = vectorKit.byName(file.vectors)
  const codec = (v: Json): any => (zdbMessages as any)[v.message]

  it(`are of ${ZDB_PROTOCOL}`, () => {
    assert.equal(file.protocol, ZDB_PROTOCOL)
  })

  it('every request and response decodes to its fields, encodes to the same bytes and fits the limits', () => {
    for (const v of file.vectors) {
      const decoded = codec(v).decode(unhex(v.encoded))
      assert.deepEqual(fieldsOf(decoded), v.fields, v.name)
      assert.equal(hex(codec(v).encode(decoded)), v.encoded, v.name)
      assert.equal(hex(vectorKit.frame(unhex(v.encoded))), v.frame, v.name)
      const limit = v.message === 'ZdbRequest' ? ZDB_LIMITS.maxRequestBytes : ZDB_LIMITS.maxResponseBytes
      assert.ok(v.encoded.length / 2 <= limit, v.name)
    }
  })

  it('the js farmer answers the session with exactly its response frames and writes exactly the record vectors', async t => {
    const root = await tempDir('zdb-vectors', t)
    const keys = await vectorKit.loadKeys(file.keys)
    const data = vectorKit.byName(dataFile.vectors)
    const { deployment } = file
    const driver = new ZdbDriver(root, zdbKind)
    t.after(async () => { await driver.close() })
    const provisioner = new Provisioner(new MemoryDatastore(), new DriverRegistry().register(driver))
    const signed = {
      contractId: deployment.contract_id,
      twin: keys[deployment.twin].id,
      name: 'storage',
      version: 1,
      workloads: deployment.workloads.map((w: Json) => ({ name: w.name, type: w.type, version: 1, data: unhex(data.get(w.data).encoded) })),
      signedAt: 0
    }
    await provisioner.accept(signed, await signDeployment(signed, keys[deployment.twin].privateKey))
    await provisioner.settled(deployment.contract_id)
    assert.deepEqual(provisioner.get(deployment.contract_id)?.workloads.map(w => w.state), ['ok', 'ok'])

    // the responder reads only the farmer's provisioner, and only the remote peer of a request's context
    const responder = zdbResponder({ farmer: () => ({ provisioner }) as unknown as Farmer, zdb: () => driver })
    const answer = async (v: Json): Promise<string> => {
      const context = { remotePeer: keys[v.from].peerId, signal: new AbortController().signal } as any
      try {
        return hex(zdbMessages.ZdbResponse.encode(await responder.respond(zdbMessages.ZdbRequest.decode(unhex(v.encoded)), context)))
      } catch (err: any) {
        assert.ok(err instanceof ProtocolError, `${v.name as string}: ${err.message as string}`)
        return hex(zdbMessages.ZdbResponse.encode(responder.errorResponse({ code: err.code, message: err.message, retryAfterMs: err.retryAfterMs })))
      }
    }
    const records = vectorKit.byName(recordsFile.vectors)
    const dataOf = async (namespace: string): Promise<string> => hex(await readFile(join(root, deployment.contract_id, namespace, 'data')))
    const BEFORE: Record<string, () => Promise<void>> = {
      'damage-record-of-a': async () => {
        // by now the data files hold exactly the record vectors
        assert.equal(await dataOf('store'), ['set-a', 'set-b-empty-value', 'set-c', 'delete-c'].map(name => records.get(name).encoded).join(''))
        assert.ok((await dataOf('journal')).startsWith(records.get('set-seq-0').encoded))
        const { byte, xor } = records.get('set-a-damaged').tamper
        const handle = await open(join(root, deployment.contract_id, 'store', 'data'), 'r+')
        const one = Buffer.alloc(1)
        await handle.read(one, 0, 1, byte)
        one[0] ^= xor
        await handle.write(one, 0, 1, byte)
        await handle.close()
      },
      'lease-expired': async () => { await provisioner.stop(deployment.contract_id) }
    }

    const requests = file.vectors.filter((v: Json) => v.message === 'ZdbRequest')
    assert.ok(requests.length > 20)
    for (const v of requests) {
      if (v.before != null) await BEFORE[v.before]()
      assert.equal(await answer(v), byName.get(v.reply).encoded, `${v.name as string} → ${v.reply as string}`)
    }
  })
})
