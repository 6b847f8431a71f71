import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { InvalidFindFilterError, parseFindParams } from '../src/find-query.js'

describe('parseFindParams', () => {
  it('takes cores to the thousandth, as containers book them', () => {
    assert.deepEqual(parseFindParams({ cru: '2' }).minFree, { cru: 2 })
    assert.deepEqual(parseFindParams({ cru: '0.5' }).minFree, { cru: 0.5 })
    assert.deepEqual(parseFindParams({ cru: '1.125' }).minFree, { cru: 1.125 })
  })

  it('refuses cores that are not a plain number to the thousandth, naming the value', () => {
    for (const text of ['two', '', '-1', '0.0001', '1e3', ' 1', 'NaN', 'Infinity', '0x10', '1.', '9999999999']) {
      assert.throws(() => parseFindParams({ cru: text }), (err: any) => {
        assert.ok(err instanceof InvalidFindFilterError)
        assert.equal(err.message, `cru must be a number of cores, to the thousandth (2, 0.5), not "${text}"`)
        return true
      }, text)
    }
  })
})
