import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { GATEWAY_NAME_TYPE, deploymentMessages } from '@p2pcloud/wire'
import { gatewayViews } from '../src/gateway-backends.js'

/** A deployment status with one gateway-name workload whose farmer reported `result`. */
function statusWith (result: deploymentMessages.GatewayResult): Parameters<typeof gatewayViews>[0] {
  return { version: 1, workloads: [{ name: 'www', type: GATEWAY_NAME_TYPE, version: 1, state: 'ok', message: '', result: deploymentMessages.GatewayResult.encode(result) }] } as unknown as Parameters<typeof gatewayViews>[0]
}

describe('gateway views: what a gateway farmer reports, passed on checked', () => {
  it('an http(s) URL and the backend state pass as reported', () => {
    const [view] = gatewayViews(statusWith({ url: 'https://www.gw.example/', backend: deploymentMessages.GatewayBackendState.ANSWERS, checkedAtMs: 1_700_000_000_000, detail: '' }))
    assert.deepEqual(view, { name: 'www', url: 'https://www.gw.example/', backend: 'answers', checkedAt: new Date(1_700_000_000_000).toISOString() })
  })

  it('a hostile gateway\'s javascript: URL, a long URL and a huge detail do not pass', () => {
    const [script] = gatewayViews(statusWith({ url: 'javascript:alert(1)//', backend: deploymentMessages.GatewayBackendState.NO_ANSWER, checkedAtMs: 0, detail: '<img src=x onerror=alert(1)>' }))
    assert.equal(script.url, '')
    assert.equal(script.backend, 'does not answer')
    assert.equal(script.detail, 'the gateway reported no http(s) URL; <img src=x onerror=alert(1)>')
    const [long] = gatewayViews(statusWith({ url: `https://${'a'.repeat(400)}.example/`, backend: deploymentMessages.GatewayBackendState.UNCHECKED, checkedAtMs: 0, detail: 'x'.repeat(10_000) }))
    assert.equal(long.url, '')
    assert.equal(long.detail?.length, 500)
  })

  it('a result that does not decode is left out, not thrown', () => {
    const status = statusWith({ url: 'http://www.gw.example/', backend: deploymentMessages.GatewayBackendState.ANSWERS, checkedAtMs: 0, detail: '' })
    ;(status as any).workloads[0].result = new Uint8Array([0xff, 0xff, 0xff])
    assert.deepEqual(gatewayViews(status), [])
  })
})
