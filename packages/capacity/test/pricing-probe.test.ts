import assert from 'node:assert/strict'
import { rm, statfs } from 'node:fs/promises'
import { availableParallelism, tmpdir, totalmem } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { tempDir } from '@p2pcloud/test-utils'
import { MICRO, computeUnits, fromMicro, pricePerHour, storageUnits, toMicro, type PricePolicy } from '../src/pricing.js'
import { isRotational } from '../src/disk-class.js'
import { memoryReserve, probeCapacity } from '../src/probe.js'
import { emptyResources, type Resources } from '../src/resources.js'
import { advertSettingsSchema, directorySettingsSchema, type CapacityOverrides } from '../src/settings.js'

const GB = 1e9
const GiB = 2 ** 30

function r (partial: Partial<Resources>): Resources {
  return { ...emptyResources(), ...partial }
}

function close (actual: number, expected: number, what = ''): void {
  assert.ok(Math.abs(actual - expected) < 1e-9, `${what} ${actual} is not ${expected}`)
}

describe('pricing', () => {
  it('computeUnits: the most generous of the three ThreeFold machine shapes', () => {
    // CU = min(max(MRU/4, CRU/2), max(MRU/8, CRU), max(MRU/2, CRU/4)), MRU in GB
    close(computeUnits(r({ cru: 2, mru: 4 * GB })), 1, '2 cores 4 GB') // min(1, 2, 2)
    close(computeUnits(r({ cru: 4, mru: 8 * GB })), 2, '4 cores 8 GB') // min(2, 4, 4)
    close(computeUnits(r({ cru: 1, mru: 16 * GB })), 2, '1 core 16 GB') // min(4, 2, 8): memory-heavy
    close(computeUnits(r({ cru: 8, mru: 2 * GB })), 2, '8 cores 2 GB') // min(4, 8, 2): core-heavy
    close(computeUnits(r({ cru: 16, mru: 64 * GB })), 16, '16 cores 64 GB') // min(16, 16, 32)
    close(computeUnits(r({ cru: 1, mru: 1 * GB })), 0.5, '1 core 1 GB') // min(0.5, 1, 0.5)
    close(computeUnits(r({ cru: 1, mru: 0.5 * GB })), 0.25, '1 core 0.5 GB') // min(0.5, 1, 0.25)
    close(computeUnits(r({})), 0, 'nothing')
    // storage and addresses are not compute
    close(computeUnits(r({ cru: 2, mru: 4 * GB, sru: 1e12, hru: 1e13, ipv4u: 3 })), 1)
  })

  it('computeUnits grows with cores and memory, never shrinks', () => {
    let last = 0
    for (let n = 1; n <= 32; n++) {
      const cu = computeUnits(r({ cru: n, mru: n * 4 * GB }))
      assert.ok(cu >= last)
      last = cu
    }
    close(last, 32) // 32 cores and 128 GB: min(max(32, 16), max(16, 32), max(64, 8)) = 32
  })

  it('storageUnits: 1 SU is 200 GB of SSD or 1200 GB of HDD', () => {
    close(storageUnits(r({ sru: 200 * GB })), 1)
    close(storageUnits(r({ hru: 1200 * GB })), 1)
    close(storageUnits(r({ sru: 100 * GB, hru: 600 * GB })), 1)
    close(storageUnits(r({ sru: 1e12, hru: 12e12 })), 15)
    close(storageUnits(r({ cru: 64, mru: 256 * GB, ipv4u: 4 })), 0)
  })

  it('pricePerHour: CU × CU price + SU × SU price + addresses × IPv4 price', () => {
    const price: PricePolicy = { currency: 'TFT', cuHour: 0.1, suHour: 0.05, ipv4Hour: 0.02 }
    // 2 CU, 3 SU, 2 IPv4: 0.2 + 0.15 + 0.04
    close(pricePerHour(r({ cru: 4, mru: 8 * GB, sru: 400 * GB, hru: 1200 * GB, ipv4u: 2 }), price), 0.39)
    close(pricePerHour(r({ cru: 2, mru: 4 * GB }), price), 0.1)
    close(pricePerHour(r({ sru: 200 * GB }), price), 0.05)
    close(pricePerHour(r({ ipv4u: 1 }), price), 0.02)
    close(pricePerHour(r({}), price), 0)
    close(pricePerHour(r({ cru: 16, mru: 64 * GB, sru: 1e12 }), { currency: 'TFT', cuHour: 0, suHour: 0, ipv4Hour: 0 }), 0)
  })

  it('prices travel as integer micro units', () => {
    assert.equal(MICRO, 1_000_000)
    assert.equal(toMicro(0.1), 100_000)
    assert.equal(toMicro(0), 0)
    assert.equal(toMicro(12.5), 12_500_000)
    assert.equal(toMicro(0.0000004), 0)
    assert.equal(toMicro(0.0000005), 1)
    assert.equal(toMicro(0.1234567), 123_457)
    assert.equal(fromMicro(100_000), 0.1)
    assert.equal(fromMicro(1), 0.000001)
    assert.equal(fromMicro(0), 0)
    for (const value of [0.1, 0.05, 0.02, 1.5, 123.456789]) assert.equal(fromMicro(toMicro(value)), value)
  })
})

describe('memoryReserve', () => {
  it('10% of RAM on a large machine', () => {
    assert.equal(memoryReserve(64 * GiB), 6_871_947_674) // 6.4 GiB, rounded
    assert.equal(memoryReserve(32 * GiB), 3_435_973_837) // 3.2 GiB
    assert.equal(memoryReserve(20 * GiB), 2 * GiB) // 10% is exactly the floor
  })

  it('at least 2 GiB on a mid-size machine', () => {
    assert.equal(memoryReserve(16 * GiB), 2 * GiB) // 10% would be 1.6 GiB
    assert.equal(memoryReserve(8 * GiB), 2 * GiB) // a quarter is exactly 2 GiB
  })

  it('never more than a quarter of a small machine', () => {
    assert.equal(memoryReserve(4 * GiB), 1 * GiB)
    assert.equal(memoryReserve(1 * GiB), 256 * 2 ** 20)
    assert.equal(memoryReserve(6 * GiB), 1.5 * GiB)
    assert.equal(memoryReserve(0), 0)
  })

  it('leaves something to offer on every machine size', () => {
    for (let gib = 1; gib <= 1024; gib *= 2) {
      const total = gib * GiB
      const reserve = memoryReserve(total)
      assert.ok(reserve >= Math.min(2 * GiB, total / 4), `${gib} GiB`)
      assert.ok(reserve <= Math.max(total / 10, total / 4), `${gib} GiB`)
      assert.ok(total - reserve >= total * 0.75 || total >= 8 * GiB, `${gib} GiB: a small machine keeps three quarters`)
    }
  })
})

describe('probeCapacity', () => {
  let home: string
  const none: CapacityOverrides = { cru: null, mru: null, sru: null, hru: null, ipv4u: 0 }

  before(async () => {
    home = await tempDir('probe')
  })
  after(async () => {
    await rm(home, { recursive: true, force: true })
  })

  async function freeSpace (): Promise<number> {
    const fs = await statfs(home)
    return fs.bavail * fs.bsize
  }

  it('measures cores, memory minus the reserve, and the free space of the home as SSD or HDD', async () => {
    const before = await freeSpace()
    const { total, sources, disk: diskClass } = await probeCapacity(home, none)
    const afterwards = await freeSpace()
    assert.equal(total.cru, availableParallelism())
    assert.equal(total.mru, totalmem() - memoryReserve(totalmem()))
    assert.ok(total.mru > 0)
    assert.equal(total.ipv4u, 0)
    const disk = total.sru + total.hru
    assert.ok(disk > 0)
    assert.ok(disk <= Math.max(before, afterwards), `${disk} > free ${Math.max(before, afterwards)}`)
    assert.ok(disk >= Math.min(before, afterwards), `${disk} < free ${Math.min(before, afterwards)}`)
    assert.ok(total.sru === 0 || total.hru === 0, 'the home is on one disk: SSD or HDD, not both')
    assert.ok(diskClass != null)
    assert.equal(total.hru > 0, diskClass.kind === 'hdd', 'counted as the disk was classified')
    assert.equal(sources.cru, 'logical cores')
    assert.match(sources.mru, /RAM \d+ bytes minus the node's reserve of \d+/)
    assert.match(diskClass.kind === 'hdd' ? sources.hru : sources.sru, new RegExp(`free space of ${home} \\((SSD|HDD): `))
  })

  it('config overrides win over every measured figure', async () => {
    const overrides: CapacityOverrides = { cru: 3, mru: 5 * GB, sru: 7 * GB, hru: 11 * GB, ipv4u: 2 }
    const { total, sources, disk } = await probeCapacity(home, overrides)
    assert.equal(disk, undefined, 'both disk figures set: nothing measured')
    assert.deepEqual(total, { cru: 3, mru: 5 * GB, sru: 7 * GB, hru: 11 * GB, ipv4u: 2 })
    for (const unit of ['cru', 'mru', 'sru', 'hru'] as const) assert.equal(sources[unit], 'config.json farmer.capacity')
    assert.equal(sources.ipv4u, 'config.json farmer.capacity.ipv4u')
  })

  it('an override of zero is an override, and units left unset are measured', async () => {
    const { total, sources } = await probeCapacity(home, { ...none, cru: 0, sru: 0, hru: 0 })
    assert.equal(total.cru, 0)
    assert.equal(total.sru, 0)
    assert.equal(total.hru, 0)
    assert.equal(total.mru, totalmem() - memoryReserve(totalmem()))
    assert.equal(sources.cru, 'config.json farmer.capacity')
    assert.equal(sources.mru.startsWith('RAM'), true)
  })

  it('a home that does not exist is an error, not a zero', async () => {
    await assert.rejects(probeCapacity(join(home, 'missing'), none), { code: 'ENOENT' })
  })
})

describe('isRotational', () => {
  it('is a boolean for a path on a block device, undefined where there is none', async () => {
    const result = await isRotational(tmpdir())
    assert.ok(result === true || result === false || result === undefined)
    assert.equal(await isRotational('/proc'), undefined) // procfs has no block device
    assert.equal(await isRotational('/no/such/path'), undefined)
  })
})

describe('CRU overcommit', () => {
  it('a farmer home with cruOvercommit 4 books four times its cores, and only its cores', async () => {
    const { capacityExtensionForHome } = await import('../src/extension.js')
    const { probeCapacity } = await import('../src/probe.js')
    const home = await tempDir('overcommit')
    const base = advertSettingsSchema.parse({})
    const config = { directory: directorySettingsSchema.parse({}), farmer: { ...base, enabled: true, farm: 'gent', country: 'BE', cruOvercommit: 4, capacity: { ...base.capacity, cru: 8, mru: 16 * 2 ** 30 } } }
    const extension = await capacityExtensionForHome(config, home)
    const probed = await probeCapacity(home, config.farmer.capacity)
    const market = (extension.services.capacity as any)({ datastore: undefined })
    assert.equal(market.account.total.cru, 32)
    assert.equal(market.account.total.mru, probed.total.mru)
  })
})

