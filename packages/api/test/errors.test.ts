import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { ConfigError, InvalidMultiaddrError, InvalidSizeError } from '@p2pcloud/node'
import { ApiError, toApiError, type ErrorKind } from '../src/index.js'

/** An error as a package of ours throws it: a name for callers, a kind for the API. */
function errorOf (name: string, kind: unknown): Error {
  return Object.assign(new Error(`a ${name}`), { name, kind })
}

describe('toApiError', () => {
  it('answers each kind of error with its status, name and message as thrown', () => {
    const expected: Record<ErrorKind, number> = { invalid: 400, forbidden: 403, 'not-found': 404, conflict: 409 }
    for (const [kind, status] of Object.entries(expected)) {
      const answer = toApiError(errorOf(`Some${kind}`, kind))
      assert.deepEqual({ status: answer.status, name: answer.name, message: answer.message }, { status, name: `Some${kind}`, message: `a Some${kind}` }, kind)
    }
  })

  it('answers the node package\'s caller errors (config, multiaddr, size) with 400', () => {
    assert.equal(toApiError(new ConfigError('bad config')).status, 400)
    assert.equal(toApiError(new InvalidMultiaddrError('bad address')).status, 400)
    assert.equal(toApiError(new InvalidSizeError('"1X" is not a size')).status, 400)
  })

  it('answers an error of no kind, or of a kind it does not know, with 502', () => {
    assert.equal(toApiError(new Error('dial failed')).status, 502)
    assert.equal(toApiError(errorOf('NoAnswerError', undefined)).status, 502)
    for (const kind of ['unavailable', 'toString', 'constructor', '__proto__', 404]) {
      assert.equal(toApiError(errorOf('OddError', kind)).status, 502, String(kind))
    }
  })

  it('keeps an ApiError as it is and names what is not an Error', () => {
    const apiError = new ApiError(413, 'PayloadTooLarge', 'too big')
    assert.equal(toApiError(apiError), apiError)
    const thrown = toApiError('oops')
    assert.deepEqual({ status: thrown.status, name: thrown.name, message: thrown.message }, { status: 502, name: 'InternalError', message: 'oops' })
  })
})
