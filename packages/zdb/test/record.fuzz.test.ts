import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { bytesLike, fuzzDecoder, readVectors } from '@p2pcloud/test-utils'
import { RECORD_HEADER_BYTES, decodeRecord, readHeader } from '../src/index.js'

/**
 * A namespace's data file is read back record by record at every start (a crash may have cut
 * the last one, a disk may have damaged any): decodeRecord and readHeader of any bytes like the
 * vectors' records answer a record or a string saying what is wrong, and never throw.
 */
describe('zdb records, fuzzed', () => {
  const records: Uint8Array[] = readVectors('zdb/records.json').vectors.map((v: any) => new Uint8Array(Buffer.from(v.encoded, 'hex')))
  it('decodeRecord of records like the vectors\'', async () => {
    const report = await fuzzDecoder('zdb decodeRecord', bytesLike(records), bytes => decodeRecord(bytes), [])
    assert.ok(report.accepted > 0)
  })
  it('readHeader of headers like the vectors\'', async () => {
    await fuzzDecoder('zdb readHeader', bytesLike(records.map(r => r.subarray(0, RECORD_HEADER_BYTES))), bytes => readHeader(bytes), [])
  })
})
