import assert from 'node:assert/strict'
import type { IncomingMessage } from 'node:http'
import { describe, it } from 'node:test'
import { LOGIN_CODE_TTL_MS, SESSION_TTL_MS, UiSessions } from '../src/ui-sessions.js'
import { fileUnder } from '../src/ui-static.js'

const request = (headers: Record<string, string>): IncomingMessage => ({ headers }) as unknown as IncomingMessage

describe('web UI sessions', () => {
  it('a login code opens one session, once, within its minute; the session ends after its day', () => {
    let now = 1_000_000
    const sessions = new UiSessions(() => now)
    const { code, expiresAt } = sessions.issueCode()
    assert.equal(expiresAt, now + LOGIN_CODE_TTL_MS)
    const session = sessions.redeem(code)
    assert.ok(session != null)
    assert.equal(sessions.redeem(code), undefined, 'used once')

    const late = sessions.issueCode().code
    now += LOGIN_CODE_TTL_MS
    assert.equal(sessions.redeem(late), undefined, 'expired at its minute')

    const cookie = { host: '127.0.0.1:4321', cookie: `other=1; p2pcloud-session-4321=${session}` }
    assert.equal(sessions.accepts(request(cookie)), true)
    assert.equal(sessions.accepts(request({ ...cookie, host: '127.0.0.1:4322' })), false, 'the cookie of another port')
    assert.equal(sessions.accepts(request({ host: '127.0.0.1:4321' })), false, 'no cookie')
    now += SESSION_TTL_MS
    assert.equal(sessions.accepts(request(cookie)), false, 'expired')
  })

  it('a UI path names a file under the dist root, never one outside it', () => {
    const root = '/srv/ui/dist'
    assert.equal(fileUnder(root, '/'), '/srv/ui/dist/index.html')
    assert.equal(fileUnder(root, '/assets/index-abc.js'), '/srv/ui/dist/assets/index-abc.js')
    assert.equal(fileUnder(root, '/assets/%2e%2e/index.html'), '/srv/ui/dist/index.html')
    for (const escape of ['/..', '/../dist-other/x', '/%2e%2e/%2e%2e/etc/passwd', '/assets/..%2f..%2f..%2fpackage.json', '/a%00b']) {
      assert.equal(fileUnder(root, escape), undefined, escape)
    }
    assert.throws(() => fileUnder(root, '/%E0%A4%A'), { name: 'BadRequest' })
  })
})
