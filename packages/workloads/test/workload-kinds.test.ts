import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { CAPABILITIES } from '@p2pcloud/capacity'
import { workloadKinds } from '../src/index.js'

const MiB = 2 ** 20
const volume = (name: string) => ({ name, type: 'volume' as const, size: MiB })
const zdb = (name: string) => ({ name, type: 'zdb' as const, size: MiB, mode: 'user' as const, readers: [], writers: [] })

describe('the workload kinds', () => {
  it('are registered once each', () => {
    assert.deepEqual(workloadKinds.types(), ['volume', 'network', 'container', 'zdb', 'gateway-name', 'gateway-fqdn'])
    assert.deepEqual(workloadKinds.planned, [])
    assert.equal(workloadKinds.get('network')?.capability, 'network')
    assert.equal(workloadKinds.get('gateway-fqdn')?.capability, 'gateway')
  })

  it('ask only for capabilities a farmer can offer (capacity\'s CAPABILITIES)', () => {
    for (const kind of workloadKinds.all) assert.ok((CAPABILITIES as readonly string[]).includes(kind.capability), `${kind.type} asks for "${kind.capability}"`)
  })

  it('list the keys of every kind, for a workload whose type is not known yet', () => {
    const keys = workloadKinds.specKeys()
    for (const kind of workloadKinds.all) for (const key of kind.specKeys) assert.ok(keys.includes(key))
    assert.equal(new Set(keys).size, keys.length)
  })

  it('put volumes first and keep the others as listed', () => {
    const order = workloadKinds.inApplyOrder([zdb('a'), volume('b'), zdb('c'), volume('d')]).map(w => w.name)
    assert.deepEqual(order, ['b', 'd', 'a', 'c'])
  })

  it('send a spec with containers to container farmers, one with only namespaces to zdb farmers, one with only volumes anywhere', () => {
    assert.equal(workloadKinds.placementCapability(['volume', 'zdb', 'container']), 'container')
    assert.equal(workloadKinds.placementCapability(['zdb', 'volume']), 'zdb')
    assert.equal(workloadKinds.placementCapability(['volume']), undefined)
    assert.equal(workloadKinds.placementCapability(['gateway-name', 'gateway-fqdn']), 'gateway')
  })

  it('count a workload from its data as the farmer reads it', () => {
    assert.deepEqual(workloadKinds.resources(volume('v')), { cru: 0, mru: 0, sru: MiB, hru: 0, ipv4u: 0 })
    assert.deepEqual(workloadKinds.resources(zdb('z')), { cru: 0, mru: 0, sru: 0, hru: MiB, ipv4u: 0 })
  })

  it('refuse data that does not decode as BAD_REQUEST, naming the workload, as a farmer answers it', () => {
    for (const kind of workloadKinds.all) {
      assert.throws(() => kind.decode({ name: 'w', type: kind.type, version: 1, data: Uint8Array.of(0xff) }), (err: any) => {
        assert.equal(err.code, 'BAD_REQUEST', kind.type)
        assert.match(err.message, new RegExp(`^${kind.type} "w": data does not decode`))
        return true
      })
    }
  })

  it('offer a farmer the kinds of its capabilities', () => {
    assert.deepEqual(workloadKinds.offeredBy(['zdb', 'gateway', 'volume']).map(kind => kind.type), ['volume', 'zdb', 'gateway-name', 'gateway-fqdn'])
  })
})
