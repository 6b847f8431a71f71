import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { DEFAULT_NETWORK_PORTS, networkKind } from '@p2pcloud/network'
import { containerKind } from '@p2pcloud/runtime'
import { tempDir } from '@p2pcloud/test-utils'
import { daemonConfigSchema, daemonExtension } from '../src/index.js'

const missing = await networkKind.missing?.()
const containersMissing = missing ?? await containerKind.missing?.()
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

  it('egress is optional and off by default, a boolean when given', () => {
    assert.equal(daemonConfigSchema.parse({ farmer: { network: { ports: { first: 40000, last: 40000 } } } }).farmer.network?.egress, undefined)
    assert.equal(daemonConfigSchema.parse({ farmer: { network: { egress: true } } }).farmer.network?.egress, true)
    assert.equal(daemonConfigSchema.safeParse({ farmer: { network: { egress: 'yes' } } }).success, false)
  })

  it('a farmer that turns egress on where iptables does not run refuses to start, naming the setting', async () => {
    const path = process.env.PATH
    // a PATH with no iptables: every command is missing
    process.env.PATH = await tempDir('no-iptables')
    try {
      await assert.rejects(daemonExtension(daemonConfigSchema.parse({ farmer: { ...farmer, network: { egress: true } } }), await tempDir('network-config')),
        (err: Error) => err.name === 'ConfigError' && /farmer\.network\.egress is on, but iptables is not installed/.test(err.message))
    } finally {
      process.env.PATH = path
    }
  })

  it('a farmer offering networks runs the relay after the farmer, and its machine cannot join a network live (one relay handler per peer)', { skip: missing }, async () => {
    const extension = await daemonExtension(daemonConfigSchema.parse({ farmer }), await tempDir('network-config'))
    assert.deepEqual(Object.keys(extension.services), ['capacity', 'contracts', 'flists', 'farmer', 'networkRelay', 'machineNetworks', 'twin'])
    // made as libp2p makes it; missing() reads none of its components
    const machine = extension.services.machineNetworks({} as any)
    assert.match(await machine.missing() ?? '', /^this daemon is a farmer offering "network", whose relay serves its farmer's networks; join with --wg-config FILE$/)
    const twinOnly = await daemonExtension(daemonConfigSchema.parse({}), await tempDir('network-config'))
    assert.equal(await twinOnly.services.machineNetworks({} as any).missing(), undefined)
  })

  it('the backend side of gateway tunnels runs on a farmer offering containers, with or without networks', { skip: containersMissing }, async () => {
    const containers = await daemonExtension(daemonConfigSchema.parse({ farmer: { ...farmer, capabilities: ['container'] } }), await tempDir('network-config'))
    assert.deepEqual(Object.keys(containers.services), ['capacity', 'contracts', 'flists', 'farmer', 'logs', 'exec', 'gatewayTunnel', 'machineNetworks', 'twin'])
  })
})
