import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { MemoryDatastore } from 'datastore-core'
import type { PrivateKey } from '@libp2p/interface'
import { CapacityAccount, type Resources } from '@p2pcloud/capacity'
import { MIN_LEASE_MS, QUOTE_VALIDITY_MS, contractMessages } from '@p2pcloud/wire'
import { Key } from 'interface-datastore'
import { Ledger } from '../src/ledger.js'
import { signProposal } from '../src/records.js'
import { openReceipt } from '../src/receipts.js'

const HOUR = 3_600_000
const GiB = 2 ** 30
const price = { currency: 'TFT', cuHour: 0.1, suHour: 0.05, ipv4Hour: 0.02 }

function amount (cru: number, mruGiB: number, sruGiB = 0): Resources {
  return { cru, mru: mruGiB * GiB, sru: sruGiB * GiB, hru: 0, ipv4u: 0 }
}

interface Party { key: PrivateKey, id: string }

async function party (): Promise<Party> {
  const key = await generateKeyPair('Ed25519')
  return { key, id: peerIdFromPrivateKey(key).toString() }
}

async function setUp (total = amount(8, 32, 100), limits: { maxOpenPerTwin?: number, maxOpen?: number } = {}): Promise<{ ledger: Ledger, account: CapacityAccount, farmer: Party, datastore: MemoryDatastore, clock: { now: number } }> {
  const farmer = await party()
  const datastore = new MemoryDatastore()
  const account = new CapacityAccount(total, datastore)
  const clock = { now: Date.UTC(2030, 0, 1) }
  const ledger = new Ledger({ datastore, account, farmerId: farmer.id, privateKey: farmer.key, price, graceMs: HOUR, now: () => clock.now, ...limits })
  await ledger.start(60_000)
  return { ledger, account, farmer, datastore, clock }
}

async function proposal (ledger: Ledger, twin: Party, resources: Resources, leaseMs = HOUR, at = Date.UTC(2030, 0, 1)): Promise<Uint8Array> {
  return signProposal(await ledger.quote(twin.id, resources, leaseMs), twin.id, at, twin.key)
}

describe('contract ledger', () => {
  it('books a proposal on its own quote, durably and with the capacity reserved in the same write', async () => {
    const { ledger, account, farmer, datastore } = await setUp()
    const twin = await party()
    const record = await ledger.propose(await proposal(ledger, twin, amount(2, 4, 10)), twin.id)
    assert.equal(record.state, 'active')
    assert.deepEqual(account.free(), amount(6, 28, 90))
    // a second ledger on the same disk sees the same contract and the same reservation
    const account2 = new CapacityAccount(amount(8, 32, 100), datastore)
    await account2.load()
    const ledger2 = new Ledger({ datastore, account: account2, farmerId: farmer.id, privateKey: farmer.key, price, graceMs: HOUR })
    await ledger2.start(60_000)
    assert.equal((await ledger2.get(record.id, twin.id)).state, 'active')
    assert.deepEqual(account2.free(), amount(6, 28, 90))
    ledger.stop()
    ledger2.stop()
  })

  it('a start verifies the signatures of open contracts but not of cancelled or ended ones', async () => {
    const { ledger, farmer, datastore, clock } = await setUp()
    const twin = await party()
    const over = await ledger.propose(await proposal(ledger, twin, amount(1, 1)), twin.id)
    const open = await ledger.propose(await proposal(ledger, twin, amount(1, 1)), twin.id)
    await ledger.cancel(over.id, twin.id)
    ledger.stop()
    // a signature that no longer verifies stands for the work a verification would do
    const spoil = async (id: string): Promise<void> => {
      const key = new Key(`/p2pcloud/contracts/${id}`)
      const stored = contractMessages.Contract.decode(await datastore.get(key))
      const acceptance = Uint8Array.from(stored.acceptanceEnvelope)
      acceptance[acceptance.byteLength - 1] ^= 0xff
      await datastore.put(key, contractMessages.Contract.encode({ ...stored, acceptanceEnvelope: acceptance }))
    }
    const restart = async (): Promise<Ledger> => {
      const account = new CapacityAccount(amount(8, 32, 100), datastore)
      await account.load()
      const again = new Ledger({ datastore, account, farmerId: farmer.id, privateKey: farmer.key, price, graceMs: HOUR, now: () => clock.now })
      await again.start(60_000)
      return again
    }
    await spoil(over.id)
    const restarted = await restart()
    assert.equal((await restarted.get(over.id, twin.id)).state, 'cancelled')
    assert.equal((await restarted.get(open.id, twin.id)).state, 'active')
    restarted.stop()
    await spoil(open.id)
    await assert.rejects(restart(), { code: 'INVALID_SIGNATURE' })
  })

  it('the same proposal twice (a retry) books once and returns the same contract', async () => {
    const { ledger, account } = await setUp()
    const twin = await party()
    const envelope = await proposal(ledger, twin, amount(2, 4))
    const [a, b] = await Promise.all([ledger.propose(envelope, twin.id), ledger.propose(envelope, twin.id)])
    const c = await ledger.propose(envelope, twin.id)
    assert.equal(a.id, b.id)
    assert.equal(a.id, c.id)
    assert.deepEqual(account.free(), amount(6, 28, 100))
    ledger.stop()
  })

  it('a quote books once: a re-signed proposal on the same quote gets the same contract', async () => {
    const { ledger, account } = await setUp()
    const twin = await party()
    const quote = await ledger.quote(twin.id, amount(2, 2), HOUR)
    const first = await ledger.propose(await signProposal(quote, twin.id, 1, twin.key), twin.id)
    const second = await ledger.propose(await signProposal(quote, twin.id, 2, twin.key), twin.id)
    assert.equal(second.id, first.id)
    assert.deepEqual(account.reserved(), amount(2, 2))
    ledger.stop()
  })

  it('200 concurrent proposals for more than the free capacity: exactly those that fit are accepted', async () => {
    const { ledger, account } = await setUp(amount(50, 100, 100))
    const twins = await Promise.all(Array.from({ length: 20 }, party))
    const proposals = await Promise.all(Array.from({ length: 200 }, async (_, i) => {
      const twin = twins[i % twins.length]
      return { twin, envelope: await proposal(ledger, twin, amount(1, 1)) }
    }))
    const results = await Promise.allSettled(proposals.map(async p => ledger.propose(p.envelope, p.twin.id)))
    const accepted = results.filter(r => r.status === 'fulfilled')
    const refused = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected')
    assert.equal(accepted.length, 50, 'as many as there are cores')
    assert.ok(refused.every(r => r.reason.code === 'INSUFFICIENT_CAPACITY'), 'every refusal says why')
    assert.match(refused[0].reason.message, /free cru=0/)
    assert.deepEqual(account.reserved(), amount(50, 50))
    assert.equal(ledger.all().length, 50)
    ledger.stop()
  })

  it('refuses an expired quote, a proposal sent by someone else, and a quote of another farmer', async () => {
    const { ledger, clock } = await setUp()
    const other = await setUp()
    const twin = await party()
    const mallory = await party()
    const stale = await proposal(ledger, twin, amount(1, 1))
    clock.now += QUOTE_VALIDITY_MS + 1
    await assert.rejects(ledger.propose(stale, twin.id), { code: 'QUOTE_EXPIRED' })
    await assert.rejects(ledger.propose(await proposal(ledger, twin, amount(1, 1)), mallory.id), { code: 'UNAUTHORIZED' })
    await assert.rejects(ledger.propose(await proposal(other.ledger, twin, amount(1, 1)), twin.id), { code: 'UNAUTHORIZED' })
    ledger.stop()
    other.ledger.stop()
  })

  it('a proposal with a forged twin signature is refused as INVALID_SIGNATURE', async () => {
    const { ledger } = await setUp()
    const twin = await party()
    const envelope = await proposal(ledger, twin, amount(1, 1))
    envelope[envelope.length - 1] ^= 1
    await assert.rejects(ledger.propose(envelope, twin.id), { code: 'INVALID_SIGNATURE' })
    ledger.stop()
  })

  it('open contracts are counted per twin and for all twins together: one more than either limit is TOO_MANY_CONTRACTS, a cancel or an end makes room, and a restart counts the same', async () => {
    const limits = { maxOpenPerTwin: 2, maxOpen: 3 }
    const { ledger, farmer, datastore, clock } = await setUp(amount(8, 32, 100), limits)
    const [a, b, c] = await Promise.all([party(), party(), party()])
    const small = amount(1, 1)
    const [first] = await Promise.all([ledger.propose(await proposal(ledger, a, small), a.id), ledger.propose(await proposal(ledger, a, small), a.id)])
    await assert.rejects(ledger.propose(await proposal(ledger, a, small), a.id), (err: any) => {
      assert.equal(err.code, 'TOO_MANY_CONTRACTS')
      assert.match(err.message, new RegExp(`${a.id} already holds 2 open contracts on this farmer, its limit of 2`))
      return true
    })
    // a Sybil twin under its own limit meets the farmer's
    const shortLease = await ledger.propose(await proposal(ledger, b, small, MIN_LEASE_MS), b.id)
    const sybil = await proposal(ledger, c, small)
    await assert.rejects(ledger.propose(sybil, c.id), (err: any) => {
      assert.equal(err.code, 'TOO_MANY_CONTRACTS')
      assert.match(err.message, /this farmer already holds 3 open contracts of all twins together, its limit of 3/)
      return true
    })

    // a restart loads the same counts: still full, for the twin and for the farmer
    ledger.stop()
    const account = new CapacityAccount(amount(8, 32, 100), datastore)
    await account.load()
    const restarted = new Ledger({ datastore, account, farmerId: farmer.id, privateKey: farmer.key, price, graceMs: HOUR, now: () => clock.now, ...limits })
    await restarted.start(60_000)
    await assert.rejects(restarted.propose(await proposal(restarted, a, small), a.id), { code: 'TOO_MANY_CONTRACTS', message: /limit of 2;/ })
    await assert.rejects(restarted.propose(sybil, c.id), { code: 'TOO_MANY_CONTRACTS', message: /all twins together/ })

    // a cancel frees a place of the twin and of the farmer; a renewal takes none
    await restarted.cancel(first.id, a.id)
    await restarted.renew(shortLease.id, HOUR, b.id)
    const third = await restarted.propose(sybil, c.id)
    await assert.rejects(restarted.propose(await proposal(restarted, a, small), a.id), { code: 'TOO_MANY_CONTRACTS', message: /all twins together/ })
    // an expired contract still holds its place during its grace; an ended one no longer
    clock.now += 2 * HOUR
    await restarted.sweep()
    assert.equal((await restarted.get(third.id, c.id)).state, 'expired')
    await assert.rejects(restarted.propose(await proposal(restarted, a, small, HOUR, clock.now), a.id), { code: 'TOO_MANY_CONTRACTS' })
    clock.now += HOUR
    await restarted.sweep()
    assert.equal((await restarted.get(third.id, c.id)).state, 'ended')
    await restarted.propose(await proposal(restarted, a, small, HOUR, clock.now), a.id)
    restarted.stop()
  })

  it('only the twin sees, renews and cancels its contract', async () => {
    const { ledger, account } = await setUp()
    const a = await party()
    const b = await party()
    const record = await ledger.propose(await proposal(ledger, a, amount(2, 2)), a.id)
    await assert.rejects(ledger.get(record.id, b.id), { code: 'NOT_FOUND' })
    await assert.rejects(ledger.renew(record.id, HOUR, b.id), { code: 'NOT_FOUND' })
    await assert.rejects(ledger.cancel(record.id, b.id), { code: 'NOT_FOUND' })
    assert.deepEqual(await ledger.list(b.id), [])
    assert.equal((await ledger.list(a.id)).length, 1)
    const cancelled = await ledger.cancel(record.id, a.id)
    assert.equal(cancelled.state, 'cancelled')
    assert.deepEqual(account.reserved(), amount(0, 0))
    await assert.rejects(ledger.renew(record.id, HOUR, a.id), { code: 'CONTRACT_ENDED' })
    ledger.stop()
  })

  it('a lease expires unless renewed, and the capacity returns after the grace period', async () => {
    const { ledger, account, clock } = await setUp()
    const twin = await party()
    const renewed = await ledger.propose(await proposal(ledger, twin, amount(1, 1), HOUR), twin.id)
    const lapsing = await ledger.propose(await proposal(ledger, twin, amount(2, 2), HOUR), twin.id)
    const states: string[] = []
    ledger.addEventListener('change', event => { if (event.detail.id === lapsing.id) states.push(event.detail.state) })

    clock.now += HOUR / 2
    const extended = await ledger.renew(renewed.id, 2 * HOUR, twin.id)
    assert.equal(extended.acceptance.version, 2)
    assert.equal(extended.acceptance.leaseEnd, clock.now + 2 * HOUR)

    clock.now += HOUR / 2
    await ledger.sweep()
    assert.equal((await ledger.get(lapsing.id, twin.id)).state, 'expired')
    assert.deepEqual(account.reserved(), amount(3, 3), 'held during the grace period')
    clock.now += HOUR
    await ledger.sweep()
    assert.equal((await ledger.get(lapsing.id, twin.id)).state, 'ended')
    assert.equal((await ledger.get(renewed.id, twin.id)).state, 'active')
    assert.deepEqual(account.reserved(), amount(1, 1))
    assert.deepEqual(states, ['expired', 'ended'])
    ledger.stop()
  })

  it('a short lease keeps its capacity after it ends no longer than it lasted, not the whole grace', async () => {
    const { ledger, account, clock } = await setUp()
    const twin = await party()
    const short = await ledger.propose(await proposal(ledger, twin, amount(1, 1), MIN_LEASE_MS), twin.id)
    clock.now += MIN_LEASE_MS
    await ledger.sweep()
    assert.equal((await ledger.get(short.id, twin.id)).state, 'expired')
    assert.deepEqual(account.reserved(), amount(1, 1), 'held for a renewal')
    // the grace setting is an hour; the lease was a minute
    clock.now += MIN_LEASE_MS
    await ledger.sweep()
    assert.equal((await ledger.get(short.id, twin.id)).state, 'ended')
    assert.deepEqual(account.reserved(), amount(0, 0))
    ledger.stop()
  })

  it('signs usage receipts that cover the lease without gap or overlap, up to a cancellation', async () => {
    const farmer = await party()
    const datastore = new MemoryDatastore()
    const account = new CapacityAccount(amount(8, 32, 100), datastore)
    const clock = { now: Date.UTC(2030, 0, 1) }
    const ledger = new Ledger({ datastore, account, farmerId: farmer.id, privateKey: farmer.key, price, graceMs: HOUR, receiptPeriodMs: HOUR / 3, now: () => clock.now })
    await ledger.start(60_000)
    const twin = await party()
    const full = await ledger.propose(await proposal(ledger, twin, amount(2, 8, 50), HOUR), twin.id)
    const cut = await ledger.propose(await proposal(ledger, twin, amount(1, 1), HOUR), twin.id)
    const start = clock.now
    for (let minutes = 10; minutes <= 90; minutes += 10) {
      clock.now = start + minutes * 60_000
      if (minutes === 30) await ledger.cancel(cut.id, twin.id)
      await ledger.sweep()
    }
    const receipts = await Promise.all((await ledger.receipts(full.id, twin.id, 0)).map(async e => openReceipt(e, farmer.id)))
    assert.deepEqual(receipts.map(r => r.seq), [1, 2, 3])
    assert.equal(receipts[0].periodStart, start)
    assert.equal(receipts[2].periodEnd, start + HOUR, 'the grace period is not billed')
    for (let i = 1; i < receipts.length; i++) assert.equal(receipts[i].periodStart, receipts[i - 1].periodEnd)
    const total = receipts.reduce((sum, r) => sum + r.amountMicro, 0)
    assert.ok(Math.abs(total - full.proposal.quote.pricePerHourMicro) <= 3, `${total} ≈ one hour at ${full.proposal.quote.pricePerHourMicro}`)
    const cutReceipts = await Promise.all((await ledger.receipts(cut.id, twin.id, 0)).map(async e => openReceipt(e, farmer.id)))
    assert.equal(cutReceipts[cutReceipts.length - 1].periodEnd, start + 30 * 60_000, 'billed up to the cancellation')
    assert.deepEqual((await ledger.receipts(full.id, twin.id, 2)).length, 1)
    const other = await party()
    await assert.rejects(ledger.receipts(full.id, other.id, 0), { code: 'NOT_FOUND' })
    ledger.stop()
  })

  it('refuses leases out of bounds and empty quotes with BAD_REQUEST, and too much with INSUFFICIENT_CAPACITY', async () => {
    const { ledger } = await setUp()
    const twin = await party()
    await assert.rejects(ledger.quote(twin.id, amount(1, 1), 1000), { code: 'BAD_REQUEST' })
    await assert.rejects(ledger.quote(twin.id, amount(0, 0), HOUR), { code: 'BAD_REQUEST' })
    await assert.rejects(ledger.quote(twin.id, amount(9, 1), HOUR), (err: any) => {
      assert.equal(err.code, 'INSUFFICIENT_CAPACITY')
      assert.match(err.message, /asked cru=9, free cru=8/)
      return true
    })
    ledger.stop()
  })

  it('a contract that is over leaves the live ledger once its quote cannot book, stays readable, and is dropped with its receipts after the retention', async () => {
    const { ledger, account, farmer, datastore, clock } = await setUp()
    const twin = await party()
    const quote = await ledger.quote(twin.id, amount(1, 1), HOUR)
    const first = await ledger.propose(await signProposal(quote, twin.id, clock.now, twin.key), twin.id)
    clock.now += 60_000
    await ledger.cancel(first.id, twin.id)
    await ledger.sweep()
    // the quote is still valid: a re-signed proposal on it finds the contract it booked
    const resigned = await ledger.propose(await signProposal(quote, twin.id, clock.now, twin.key), twin.id)
    assert.equal(resigned.id, first.id)
    assert.equal(ledger.all().length, 1)
    const receipts = await ledger.receipts(first.id, twin.id, 0)
    assert.equal(receipts.length, 1)

    clock.now += QUOTE_VALIDITY_MS
    await ledger.sweep()
    assert.equal(ledger.all().length, 0, 'out of the live ledger')
    assert.equal((await ledger.get(first.id, twin.id)).state, 'cancelled')
    assert.deepEqual(await ledger.receipts(first.id, twin.id, 0), receipts)
    assert.deepEqual((await ledger.list(twin.id)).map(c => c.id), [first.id])
    assert.equal((await ledger.cancel(first.id, twin.id)).state, 'cancelled')
    assert.equal((await ledger.propose(first.proposalEnvelope, twin.id)).id, first.id, 'a resent proposal still answers')
    await assert.rejects(ledger.get(first.id, farmer.id), { code: 'NOT_FOUND' })
    // a start loads nothing of it
    const restarted = new Ledger({ datastore, account, farmerId: farmer.id, privateKey: farmer.key, price, graceMs: HOUR, now: () => clock.now })
    await restarted.start(60_000)
    assert.equal(restarted.all().length, 0)
    assert.equal((await restarted.get(first.id, twin.id)).state, 'cancelled')
    restarted.stop()

    clock.now += 30 * 24 * HOUR
    await ledger.sweep()
    await assert.rejects(ledger.get(first.id, twin.id), { code: 'NOT_FOUND' })
    await assert.rejects(ledger.receipts(first.id, twin.id, 0), { code: 'NOT_FOUND' })
    const left = []
    for await (const key of datastore.queryKeys({})) if (key.toString().includes(first.id)) left.push(key.toString())
    assert.deepEqual(left, [], 'nothing of it is left on disk')
    ledger.stop()
  })
})
