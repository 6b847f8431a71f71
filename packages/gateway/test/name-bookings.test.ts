import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { MemoryDatastore } from 'datastore-core'
import { NameBookings, type NameHolder } from '../src/name-bookings.js'

const alice: NameHolder = { contractId: 'a'.repeat(64), workload: 'www', twin: 'alice' }
const bob: NameHolder = { contractId: 'b'.repeat(64), workload: 'www', twin: 'bob' }
const LEASE_END = Date.UTC(2030, 0, 2, 3, 4, 5)

describe('name bookings on a gateway', () => {
  it('a name held by an open contract is refused to another, naming only when the lease ends; released, it is free', async () => {
    const open = new Set([alice.contractId, bob.contractId])
    const bookings = new NameBookings(new MemoryDatastore(), holder => open.has(holder.contractId) ? LEASE_END : undefined)
    await bookings.book('www.gw.test', alice)
    await bookings.book('www.gw.test', alice) // again, by its holder: a restart re-applies
    await assert.rejects(bookings.book('www.gw.test', bob), (err: any) => {
      assert.equal(err.code, 'CONFLICT')
      assert.equal(err.message, 'www.gw.test is booked on this gateway by another contract until its lease ends at 2030-01-02T03:04:05.000Z; choose another name')
      assert.doesNotMatch(err.message, /alice/)
      return true
    })
    await assert.rejects(bookings.book('www.gw.test', { ...alice, contractId: 'c'.repeat(64) }), /by your contract a{64} until/)
    await bookings.release('www.gw.test', bob) // not its holder: nothing changes
    await assert.rejects(bookings.book('www.gw.test', bob), /booked on this gateway/)
    assert.equal(await bookings.hostOf(alice), 'www.gw.test')
    await bookings.release('www.gw.test', alice)
    assert.equal(await bookings.hostOf(alice), undefined)
    await bookings.book('www.gw.test', bob)
  })

  it('a holder whose contract ended holds nothing; the bookings outlive the process (kept in the datastore)', async () => {
    const datastore = new MemoryDatastore()
    const open = new Set([alice.contractId, bob.contractId])
    await new NameBookings(datastore, holder => open.has(holder.contractId) ? LEASE_END : undefined).book('shop.example.org', alice)
    const restarted = new NameBookings(datastore, holder => open.has(holder.contractId) ? LEASE_END : undefined)
    await assert.rejects(restarted.book('shop.example.org', bob), /booked on this gateway/)
    open.delete(alice.contractId)
    await restarted.book('shop.example.org', bob)
  })

  it('two bookings of one name at once: exactly one wins', async () => {
    const bookings = new NameBookings(new MemoryDatastore(), () => LEASE_END)
    const outcomes = await Promise.allSettled([bookings.book('race.gw.test', alice), bookings.book('race.gw.test', bob)])
    assert.deepEqual(outcomes.map(o => o.status).sort(), ['fulfilled', 'rejected'])
  })
})
