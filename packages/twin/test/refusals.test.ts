import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { DirectoryEntry } from '@p2pcloud/capacity'
import { checkRenewal } from '../src/contract-rules.js'
import { noMatchMessage } from '../src/farmer-filter.js'
import { parseDeploymentSpec, specResources } from '../src/spec.js'

const GiB = 2 ** 30

/** A directory entry with only what the message reads. */
function known (peerId: string, country: string, sruGiB: number, capabilities: string[] = [], cuHour = 0.1): DirectoryEntry {
  const free = { cru: 2, mru: 4 * GiB, sru: sruGiB * GiB, hru: 0, ipv4u: 0 }
  return { advert: { peerId, farm: `farm-${peerId}`, country, city: '', free, total: free, capabilities, price: { currency: 'TFT', cuHour, suHour: 0.05, ipv4Hour: 0.02 } } } as unknown as DirectoryEntry
}

describe('what a twin says when no farmer matches', () => {
  const spec = parseDeploymentSpec('name: app\nwhere:\n  country: BE\n  max-price: 0.2\nlease: 1h\nworkloads:\n  - name: data\n    type: volume\n    size: 8G\n')
  const need = specResources(spec)

  it('names what was asked in binary sizes, and the closest farmers first (fewest reasons, then in the order known), three at most, each with every reason', () => {
    const message = noMatchMessage(spec, need, [
      known('far', 'US', 1, [], 0.5),
      known('near', 'BE', 3),
      known('other-country', 'DE', 100),
      known('nearer-but-later', 'BE', 7)
    ])
    assert.equal(message, 'no farmer in BE, at most 0.2/CU-hour has 8 GiB SSD free; closest of the 4 farmer(s) this peer knows: ' +
      'near (farm farm-near, BE): 8 GiB SSD needed, 3 GiB free; ' +
      'other-country (farm farm-other-country, DE): in DE, not BE; ' +
      'nearer-but-later (farm farm-nearer-but-later, BE): 8 GiB SSD needed, 7 GiB free')
  })

  it('says so when this peer knows no farmer, and names a capability a farmer lacks', () => {
    assert.equal(noMatchMessage(spec, need, []), 'no farmer in BE, at most 0.2/CU-hour has 8 GiB SSD free; this peer knows no farmer yet (p2pcloud find asks the mesh)')
    const zdb = parseDeploymentSpec('name: ns\nlease: 1h\nworkloads:\n  - name: n\n    type: zdb\n    size: 1G\n')
    assert.match(noMatchMessage(zdb, specResources(zdb), [known('plain', 'BE', 100)]), /^no farmer offering zdb has 1 GiB HDD free; .*plain \(farm farm-plain, BE\): does not offer zdb, 1 GiB HDD needed, 0 B free$/)
  })
})

describe('renewals', () => {
  const now = Date.parse('2026-12-06T20:00:00.000Z')
  const twoHours = { state: 'active', leaseEnd: now + 2 * 3_600_000 }

  it('refuses a lease that would end an active one sooner, naming both ends and the least lease that does not', () => {
    assert.throws(() => { checkRenewal('app', 10 * 60_000, twoHours, now) }, {
      name: 'LeaseWouldShorten',
      message: 'renewing "app" for 10m would end its lease at 2026-12-06T20:10:00.000Z, 1h 50m before it ends now (2026-12-06T22:00:00.000Z); add --shorten to shorten it, or renew for at least 120m'
    })
  })

  it('lets a longer or equal lease through, and any lease of a contract that is not active (an expired one within its grace)', () => {
    checkRenewal('app', 2 * 3_600_000, twoHours, now)
    checkRenewal('app', 3 * 3_600_000, twoHours, now)
    checkRenewal('app', 60_000, { state: 'expired', leaseEnd: now - 1000 }, now)
  })
})
