import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { DEFAULT_NETWORK_PORTS, networkKind } from '@p2pcloud/network'
import { tempDir } from '@p2pcloud/test-utils'
import { daemonConfigSchema, daemonExtension } from '../src/index.js'

const missing = await networkKind.missing?.()
const farmer = { enabled: true, farm: 'gent', country: 'BE', capacity: { cru: 2, mru: '4G', sru: '10G', hru: '10G' }, capabilities: ['network' as const] }

describe('a farmer\'s network settings', () => {
  it('are optional (the network kind\'s ports 51820–52819 by default), and refuse a range that ends before it starts', () => {
    assert.equal(daemonConfigSchema.parse({}).farmer.network, undefined)
    assert.deepEqual(DEFAULT_NETWORK_PORTS, { first: 51820, last: 52819 })
    assert.deepEqual(daemonConfigSchema.parse({ farmer: { network: { ports: { first: 40000, last: 40000 } } } }).farmer.network?.ports, { first: 40000, last: 40000 })
    const refused = daemonConfigSchema.safeParse({ farmer: { network: { ports: { first: 40001, last: 40000 } } } })
    assert.equal(refused.success, false)
    assert.match(JSON.stringify(refused.error?.issues), /first must not be above last/)
    assert.equal(daemonConfigSchema.safeParse({ farmer: { network: { ports: { first: 0, last: 1 } } } }).success, false)
  })

  it('a farmer offering networks runs the relay after the farmer', { skip: missing }, async () => {
    const extension = await daemonExtension(daemonConfigSchema.parse({ farmer }), await tempDir('network-config'))
    assert.deepEqual(Object.keys(extension.services), ['capacity', 'contracts', 'flists', 'farmer', 'networkRelay', 'twin'])
  })
})
