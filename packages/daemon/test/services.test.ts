import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { tempDir } from '@p2pcloud/test-utils'
import { daemonConfigSchema, daemonExtension, type DaemonConfigInput } from '../src/index.js'

const farmer = (capabilities: Array<'zdb'>): DaemonConfigInput => ({
  farmer: { enabled: true, farm: 'gent', country: 'BE', capacity: { cru: 2, mru: '4G', sru: '10G', hru: '10G' }, capabilities }
})

/** The services a config runs, in the order libp2p creates them. */
async function servicesOf (config: DaemonConfigInput, tuning = {}): Promise<string[]> {
  const extension = await daemonExtension(daemonConfigSchema.parse(config), await tempDir('daemon-services'), tuning)
  return Object.keys(extension.services)
}

describe('the services a daemon runs', () => {
  it('every peer: the capacity market, contracts, flists, this machine\'s networks and the twin, each after those it uses', async () => {
    assert.deepEqual(await servicesOf({}), ['capacity', 'contracts', 'flists', 'machineNetworks', 'twin'])
  })

  it('a farmer adds its workloads after the contracts and flists they use, and a protocol for what it offers after the farmer', async () => {
    assert.deepEqual(await servicesOf(farmer([])), ['capacity', 'contracts', 'flists', 'farmer', 'machineNetworks', 'twin'])
    assert.deepEqual(await servicesOf(farmer(['zdb'])), ['capacity', 'contracts', 'flists', 'farmer', 'zdb', 'machineNetworks', 'twin'])
  })

  it('a farmer that only advertises (the simulation\'s) runs no workloads', async () => {
    assert.deepEqual(await servicesOf(farmer(['zdb']), { advertiseOnly: true }), ['capacity', 'contracts', 'flists', 'machineNetworks', 'twin'])
  })

  it('gives libp2p the advert record type and the capacity topic\'s scoring', async () => {
    const extension = await daemonExtension(daemonConfigSchema.parse({}), await tempDir('daemon-services'))
    assert.deepEqual(Object.keys(extension.dhtValidators ?? {}), ['p2pcloud-adv'])
    assert.deepEqual(Object.keys(extension.topicScoreParams ?? {}), ['/p2pcloud/capacity/1.0.0'])
  })
})
