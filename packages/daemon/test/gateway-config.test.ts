import assert from 'node:assert/strict'
import { createServer, type AddressInfo } from 'node:net'
import { describe, it } from 'node:test'
import { tempDir } from '@p2pcloud/test-utils'
import { daemonConfigSchema, daemonExtension } from '../src/index.js'

const farmer = { enabled: true, farm: 'edge', country: 'BE', capacity: { cru: 1, mru: '1G', sru: '1G', hru: '0' }, capabilities: ['gateway' as const] }

/** A port nothing listens on now, on 127.0.0.1. */
async function freePort (): Promise<number> {
  const server = createServer()
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  await new Promise(resolve => server.close(resolve))
  return port
}
const loopback = { http: { host: '127.0.0.1', port: await freePort() }, https: { host: '127.0.0.1', port: await freePort() } }

describe('a gateway farmer\'s settings', () => {
  it('are optional: ports 80 and 443 on every address and Let\'s Encrypt\'s production directory by default', () => {
    assert.equal(daemonConfigSchema.parse({}).farmer.gateway, undefined)
    assert.deepEqual(daemonConfigSchema.parse({ farmer: { gateway: {} } }).farmer.gateway, {
      http: { host: '0.0.0.0', port: 80 },
      https: { host: '0.0.0.0', port: 443 },
      acme: { directoryUrl: 'https://acme-v02.api.letsencrypt.org/directory' }
    })
    for (const gateway of [{ http: { port: 0 } }, { acme: { directoryUrl: 'not a url' } }, { acme: { email: 'nobody' } }, { tls: true }]) {
      assert.equal(daemonConfigSchema.safeParse({ farmer: { gateway } }).success, false, JSON.stringify(gateway))
    }
  })

  it('a farmer offering gateway with no domain, or a port it cannot listen on, refuses to start, naming what to set', async () => {
    await assert.rejects(daemonExtension(daemonConfigSchema.parse({ farmer: { ...farmer, gateway: loopback } }), await tempDir('gateway-config')),
      (err: Error) => err.name === 'ConfigError' && /offers "gateway", but no domain is set: set farmer\.gatewayDomain/.test(err.message))
    const taken = createServer()
    await new Promise<void>(resolve => taken.listen(0, '127.0.0.1', resolve))
    try {
      const port = (taken.address() as AddressInfo).port
      const config = daemonConfigSchema.parse({ farmer: { ...farmer, gatewayDomain: 'gw.test', gateway: { ...loopback, https: { host: '127.0.0.1', port } } } })
      await assert.rejects(daemonExtension(config, await tempDir('gateway-config')),
        (err: Error) => err.name === 'ConfigError' && err.message.includes(`it cannot listen on 127.0.0.1:${port} for HTTPS (EADDRINUSE: something else listens there); see farmer.gateway.https`))
    } finally {
      taken.close()
    }
  })

  it('with a domain and free ports, a gateway farmer runs the gateway service after the farmer', async () => {
    const extension = await daemonExtension(daemonConfigSchema.parse({ farmer: { ...farmer, gatewayDomain: 'gw.test', gateway: loopback } }), await tempDir('gateway-config'))
    assert.deepEqual(Object.keys(extension.services), ['capacity', 'contracts', 'flists', 'farmer', 'gateway', 'machineNetworks', 'twin'])
  })
})
