import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { toApiError } from '@p2pcloud/api'
import { BlockHashMismatchError, BlockNotFoundError, BlocksUnavailableError, BlockTooLargeError, FlistPathError, FlistTooLargeError, InvalidFlistError, NotPinnedError } from '@p2pcloud/flist'

describe('flist errors over the API', () => {
  it('each class answers with the status the API documents', () => {
    const cases: Array<[Error, number]> = [
      [new InvalidFlistError('not a manifest'), 400],
      [new BlockHashMismatchError('bafy'), 400],
      [new BlockTooLargeError('bafy', 2, 1), 400],
      [new FlistPathError('etc', 'no such file'), 404],
      [new BlocksUnavailableError(['bafy'], []), 404],
      [new NotPinnedError('bafy'), 404],
      [new BlockNotFoundError('bafy'), 502],
      [new FlistTooLargeError('bafy', 'too deep'), 502]
    ]
    for (const [err, status] of cases) {
      const answer = toApiError(err)
      assert.deepEqual({ name: answer.name, status: answer.status }, { name: err.name, status }, err.name)
    }
  })
})
