import assert from 'node:assert/strict'
import { rm } from 'node:fs/promises'
import { join } from 'node:path'
import { after, describe, it } from 'node:test'
import { MemoryDatastore } from 'datastore-core'
import { LevelDatastore } from 'datastore-level'
import { tempDir } from '@p2pcloud/test-utils'
import { CapacityAccount, InsufficientCapacityError } from '../src/account.js'
import { RESOURCE_UNITS, emptyResources, type Resources } from '../src/resources.js'

const GB = 1e9
const TOTAL: Resources = { cru: 8, mru: 32 * GB, sru: 500 * GB, hru: 2000 * GB, ipv4u: 2 }

function amount (partial: Partial<Resources>): Resources {
  return { ...emptyResources(), ...partial }
}

function assertWithin (reserved: Resources, total: Resources): void {
  for (const unit of RESOURCE_UNITS) {
    assert.ok(reserved[unit] <= total[unit], `${unit}: reserved ${reserved[unit]} > total ${total[unit]}`)
  }
}

describe('CapacityAccount', () => {
  const dirs: string[] = []
  after(async () => {
    await Promise.all(dirs.map(async dir => rm(dir, { recursive: true, force: true })))
  })

  async function levelPath (): Promise<string> {
    const dir = await tempDir('account')
    dirs.push(dir)
    return join(dir, 'datastore')
  }

  it('starts with everything free', async () => {
    const account = new CapacityAccount(TOTAL, new MemoryDatastore())
    await account.load()
    assert.deepEqual(account.reserved(), emptyResources())
    assert.deepEqual(account.free(), TOTAL)
  })

  it('reserve takes from free, release gives it back', async () => {
    const account = new CapacityAccount(TOTAL, new MemoryDatastore())
    await account.reserve(amount({ cru: 2, mru: 4 * GB, sru: 50 * GB }))
    assert.deepEqual(account.reserved(), amount({ cru: 2, mru: 4 * GB, sru: 50 * GB }))
    assert.deepEqual(account.free(), { cru: 6, mru: 28 * GB, sru: 450 * GB, hru: 2000 * GB, ipv4u: 2 })
    await account.reserve(amount({ cru: 1, ipv4u: 1 }))
    assert.deepEqual(account.free(), { cru: 5, mru: 28 * GB, sru: 450 * GB, hru: 2000 * GB, ipv4u: 1 })
    await account.release(amount({ cru: 2, mru: 4 * GB, sru: 50 * GB }))
    assert.deepEqual(account.reserved(), amount({ cru: 1, ipv4u: 1 }))
    await account.release(amount({ cru: 1, ipv4u: 1 }))
    assert.deepEqual(account.free(), TOTAL)
  })

  it('the whole capacity can be reserved, and then nothing more', async () => {
    const account = new CapacityAccount(TOTAL, new MemoryDatastore())
    await account.reserve({ ...TOTAL })
    assert.deepEqual(account.free(), emptyResources())
    await assert.rejects(account.reserve(amount({ cru: 1 })), InsufficientCapacityError)
    // an empty reservation always fits
    await account.reserve(emptyResources())
  })

  it('reserved() and free() are copies: changing them changes nothing', async () => {
    const account = new CapacityAccount(TOTAL, new MemoryDatastore())
    await account.reserve(amount({ cru: 1 }))
    account.reserved().cru = 100
    account.free().cru = 100
    assert.equal(account.reserved().cru, 1)
    assert.equal(account.free().cru, 7)
  })

  it('releasing more than is reserved never makes free exceed total', async () => {
    const account = new CapacityAccount(TOTAL, new MemoryDatastore())
    await account.reserve(amount({ cru: 1 }))
    await account.release(amount({ cru: 3, mru: GB }))
    assert.deepEqual(account.reserved(), emptyResources())
    assert.deepEqual(account.free(), TOTAL)
  })

  it('InsufficientCapacityError names the units that do not fit, with wanted and free amounts', async () => {
    const account = new CapacityAccount(TOTAL, new MemoryDatastore())
    await account.reserve(amount({ cru: 6, mru: 30 * GB }))
    const wanted = amount({ cru: 4, mru: 4 * GB, sru: 10 * GB })
    await assert.rejects(account.reserve(wanted), (err: unknown) => {
      assert.ok(err instanceof InsufficientCapacityError)
      assert.equal(err.name, 'InsufficientCapacityError')
      assert.deepEqual(err.units, ['cru', 'mru'])
      assert.deepEqual(err.wanted, wanted)
      assert.deepEqual(err.free, { cru: 2, mru: 2 * GB, sru: 500 * GB, hru: 2000 * GB, ipv4u: 2 })
      assert.equal(err.message, `not enough free cru, mru: wanted cru=4, mru=${4 * GB}, free cru=2, mru=${2 * GB}`)
      assert.doesNotMatch(err.message, /sru/)
      return true
    })
    // a refused reservation books nothing
    assert.deepEqual(account.reserved(), amount({ cru: 6, mru: 30 * GB }))
    await assert.rejects(account.reserve(amount({ ipv4u: 3 })), { name: 'InsufficientCapacityError', units: ['ipv4u'] })
  })

  it('200 concurrent reservations for more than is free: exactly those that fit succeed, never over total', async () => {
    const total: Resources = { cru: 50, mru: 100 * GB, sru: 1000 * GB, hru: 0, ipv4u: 10 }
    const account = new CapacityAccount(total, new MemoryDatastore())
    const seen: Resources[] = []
    account.addEventListener('change', () => {
      const reserved = account.reserved()
      assertWithin(reserved, total)
      seen.push(reserved)
    })
    const one = amount({ cru: 1, mru: 2 * GB, sru: 10 * GB })
    const results = await Promise.allSettled(Array.from({ length: 200 }, async () => account.reserve(one)))
    const ok = results.filter(r => r.status === 'fulfilled').length
    const refused = results.filter(r => r.status === 'rejected')
    assert.equal(ok, 50)
    assert.equal(refused.length, 150)
    for (const r of refused) {
      assert.ok(r.status === 'rejected' && r.reason instanceof InsufficientCapacityError)
      assert.deepEqual(r.reason.units, ['cru', 'mru'])
    }
    assert.deepEqual(account.reserved(), { cru: 50, mru: 100 * GB, sru: 500 * GB, hru: 0, ipv4u: 0 })
    assert.equal(seen.length, 50)
  })

  it('concurrent reservations of different sizes never overbook any unit, on a real LevelDatastore', async () => {
    const datastore = new LevelDatastore(await levelPath())
    await datastore.open()
    try {
      const total: Resources = { cru: 64, mru: 256 * GB, sru: 4000 * GB, hru: 16000 * GB, ipv4u: 8 }
      const account = new CapacityAccount(total, datastore)
      let seed = 42
      const random = (n: number): number => { seed = (seed * 1103515245 + 12345) % 2 ** 31; return seed % n }
      const wants = Array.from({ length: 200 }, () => amount({
        cru: 1 + random(4), mru: (1 + random(8)) * GB, sru: random(100) * GB, hru: random(400) * GB, ipv4u: random(5) === 0 ? 1 : 0
      }))
      const results = await Promise.allSettled(wants.map(async want => account.reserve(want)))
      const booked = emptyResources()
      results.forEach((r, i) => {
        if (r.status === 'fulfilled') for (const unit of RESOURCE_UNITS) booked[unit] += wants[i][unit]
        else assert.ok(r.reason instanceof InsufficientCapacityError, String(r.reason))
      })
      assert.ok(results.some(r => r.status === 'rejected'), 'the test asks for more than there is')
      assert.deepEqual(account.reserved(), booked)
      assertWithin(booked, total)
      // and what is on disk is what is in memory
      const reopened = new CapacityAccount(total, datastore)
      await reopened.load()
      assert.deepEqual(reopened.reserved(), booked)
    } finally {
      await datastore.close()
    }
  })

  it('reservations persist across a new CapacityAccount on the same LevelDatastore, after a close', async () => {
    const path = await levelPath()
    {
      const datastore = new LevelDatastore(path)
      await datastore.open()
      const account = new CapacityAccount(TOTAL, datastore)
      await account.load()
      await account.reserve(amount({ cru: 3, mru: 8 * GB, hru: 100 * GB }))
      await account.reserve(amount({ ipv4u: 1 }))
      await account.release(amount({ cru: 1 }))
      await datastore.close()
    }
    {
      const datastore = new LevelDatastore(path)
      await datastore.open()
      const account = new CapacityAccount(TOTAL, datastore)
      assert.deepEqual(account.reserved(), emptyResources(), 'nothing before load()')
      await account.load()
      assert.deepEqual(account.reserved(), amount({ cru: 2, mru: 8 * GB, hru: 100 * GB, ipv4u: 1 }))
      assert.deepEqual(account.free(), { cru: 6, mru: 24 * GB, sru: 500 * GB, hru: 1900 * GB, ipv4u: 1 })
      // and the reloaded account keeps enforcing the total
      await assert.rejects(account.reserve(amount({ cru: 7 })), { name: 'InsufficientCapacityError', units: ['cru'] })
      await datastore.close()
    }
  })

  it("'change' fires after each reserve and release with the new free capacity, and not on a refusal", async () => {
    const account = new CapacityAccount(TOTAL, new MemoryDatastore())
    const events: Resources[] = []
    account.addEventListener('change', (evt) => { events.push(evt.detail) })
    await account.reserve(amount({ cru: 2 }))
    assert.deepEqual(events, [{ ...TOTAL, cru: 6 }])
    await assert.rejects(account.reserve(amount({ cru: 100 })), InsufficientCapacityError)
    assert.equal(events.length, 1)
    await account.release(amount({ cru: 2 }))
    assert.deepEqual(events, [{ ...TOTAL, cru: 6 }, TOTAL])
  })

  it('a reservation that cannot be written is not booked, and later ones still work', async () => {
    const path = await levelPath()
    const datastore = new LevelDatastore(path)
    await datastore.open()
    const account = new CapacityAccount(TOTAL, datastore)
    await account.reserve(amount({ cru: 1 }))
    await datastore.close()
    const events: Resources[] = []
    account.addEventListener('change', (evt) => { events.push(evt.detail) })
    await assert.rejects(account.reserve(amount({ cru: 2 })))
    assert.deepEqual(account.reserved(), amount({ cru: 1 }))
    assert.deepEqual(events, [])
    await datastore.open()
    await account.reserve(amount({ cru: 2 }))
    assert.deepEqual(account.reserved(), amount({ cru: 3 }))
    await datastore.close()
  })

  it('a reservation is on disk when reserve() resolves', async () => {
    const datastore = new MemoryDatastore()
    const account = new CapacityAccount(TOTAL, datastore)
    await account.reserve(amount({ cru: 5 }))
    const other = new CapacityAccount(TOTAL, datastore)
    await other.load()
    assert.deepEqual(other.reserved(), amount({ cru: 5 }))
  })
})
