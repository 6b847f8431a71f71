import assert from 'node:assert/strict'
import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { tempDir } from '@p2pcloud/test-utils'
import { toResult, writeResult } from '../src/bench/index.js'

const measurement = {
  metric: 'bulk throughput',
  value: 390.12345,
  unit: 'MB/s',
  baseline: 'node:net TCP',
  baselineValue: 1200.5
}

describe('benchmark results', () => {
  it('have exactly the agreed fields, with ratio = value / baselineValue and an ISO date', () => {
    const date = new Date('2025-01-02T03:04:05.000Z')
    const result = toResult('stream-throughput', measurement, date)
    assert.deepEqual(Object.keys(result), ['name', 'metric', 'value', 'unit', 'baseline', 'baselineValue', 'ratio', 'date'])
    assert.equal(result.value, 390.123)
    assert.equal(result.ratio, Math.round((390.123 / 1200.5) * 1e4) / 1e4)
    assert.equal(result.date, '2025-01-02T03:04:05.000Z')
  })

  it('are written as <name>.json into a directory created on demand, with no temporary file left', async () => {
    const dir = join(await tempDir('bench'), 'bench', 'results')
    const result = toResult('dial-latency', { ...measurement, extra: { p99: 1.23456 } })
    const path = await writeResult(dir, result)
    assert.equal(path, join(dir, 'dial-latency.json'))
    assert.deepEqual(JSON.parse(await readFile(path, 'utf8')), { ...result, extra: { p99: 1.235 } })
    assert.deepEqual(await readdir(dir), ['dial-latency.json'])
  })
})
