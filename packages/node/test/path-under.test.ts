import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { MAX_PATH_NAME_BYTES, pathUnder } from '../src/index.js'

const ROOT = '/srv/p2pcloud/volumes'

describe('pathUnder', () => {
  const hostile: Array<[string, RegExp]> = [
    ['..', /is a relative directory/],
    ['.', /is a relative directory/],
    ['/etc', /contains "\/"/],
    ['a/../..', /contains "\/"/],
    ['../../../../..', /contains "\/"/],
    ['', /is empty/],
    ['data\0etc', /contains a NUL byte/],
    ['x'.repeat(MAX_PATH_NAME_BYTES + 1), /is longer than 255 bytes/],
    ['é'.repeat(128), /is longer than 255 bytes/]
  ]
  for (const [name, problem] of hostile) {
    it(`refuses ${JSON.stringify(name.slice(0, 20))}${name.length > 20 ? '…' : ''} with UnsafeNameError`, () => {
      assert.throws(() => pathUnder(ROOT, 'aaaa', name), (err: any) => {
        assert.equal(err.name, 'UnsafeNameError')
        assert.equal(err.unsafeName, name)
        assert.match(err.message, problem)
        return true
      })
    })
  }

  it('joins plain names, also ones with dots inside, and a name of exactly 255 bytes', () => {
    assert.equal(pathUnder(ROOT, 'ab12', 'data'), `${ROOT}/ab12/data`)
    assert.equal(pathUnder(ROOT, 'a..b', '.hidden', 'v1.volume.json'), `${ROOT}/a..b/.hidden/v1.volume.json`)
    const longest = 'x'.repeat(MAX_PATH_NAME_BYTES)
    assert.equal(pathUnder(ROOT, longest), `${ROOT}/${longest}`)
  })

  it('a long hostile name is cut short in the message', () => {
    assert.throws(() => pathUnder(ROOT, `../${'y'.repeat(1000)}`), (err: any) => err.message.length < 200 && /^"\.\.\/y+…" cannot name a file or directory: it contains "\/"$/.test(err.message))
  })
})
