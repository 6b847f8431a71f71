import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { ByteBudget, INBOUND_BUDGET_PER_PEER_BYTES, inboundBudget } from '../src/index.js'

const MiB = 2 ** 20

describe('ByteBudget: the bytes all remote requests may hold at once', () => {
  it('grants what fits, makes the rest wait in arrival order, and gives back once per release', async () => {
    const budget = new ByteBudget(100)
    const first = await budget.acquire('a', 60, 1000)
    const granted: string[] = []
    const big = budget.acquire('b', 70, 1000).then(release => { granted.push('big'); return release })
    const small = budget.acquire('c', 10, 1000).then(release => { granted.push('small'); return release })
    await new Promise(resolve => setTimeout(resolve, 20))
    // 10 would fit beside the 60, but the 70 came first: no starving a large request
    assert.deepEqual(granted, [])
    first()
    first()
    const releaseBig = await big
    const releaseSmall = await small
    assert.deepEqual(granted, ['big', 'small'])
    assert.equal(budget.inUse, 80)
    releaseBig()
    releaseSmall()
    assert.equal(budget.inUse, 0)
  })

  it('refuses with BudgetExhaustedError naming the limit after the wait, and lets those behind it in', async () => {
    const budget = new ByteBudget(MiB)
    const held = await budget.acquire('a', MiB - 10, 1000)
    const behind = budget.acquire('b', MiB, 5000)
    await assert.rejects(budget.acquire('c', MiB, 50), (err: any) => {
      assert.equal(err.name, 'BudgetExhaustedError')
      assert.match(err.message, /limit of 1\.0 MiB/)
      return true
    })
    const aborted = new AbortController()
    const gaveUp = budget.acquire('d', 5, 5000, aborted.signal)
    aborted.abort(new Error('the caller went away'))
    await assert.rejects(gaveUp, /the caller went away/)
    held()
    const release = await behind
    assert.equal(budget.inUse, MiB)
    release()
  })

  it('lets one peer hold at most its share: its next request waits for its own bytes, not holding back other peers', async () => {
    const budget = new ByteBudget(8 * MiB, MiB)
    const first = await budget.acquire('hostile', 600 * 1024, 1000)
    const second = budget.acquire('hostile', 600 * 1024, 5000)
    // the hostile peer's second request waits in line, and the others pass it
    const other = await budget.acquire('tenant', MiB, 50)
    assert.equal(budget.heldBy('hostile'), 600 * 1024)
    assert.equal(budget.heldBy('tenant'), MiB)
    await assert.rejects(budget.acquire('hostile', 600 * 1024, 50), (err: any) => {
      assert.equal(err.name, 'BudgetExhaustedError')
      assert.match(err.message, /peer hostile already holds 0\.6 MiB here, its limit of 1\.0 MiB per peer/)
      return true
    })
    first()
    const releaseSecond = await second
    assert.equal(budget.heldBy('hostile'), 600 * 1024)
    // more than the share is taken as the share, so a frame of that size still goes through
    const whole = budget.acquire('big', 4 * MiB, 1000)
    assert.equal(budget.heldBy('big'), MiB)
    ;(await whole)()
    other()
    releaseSecond()
    assert.equal(budget.inUse, 0)
    assert.equal(budget.heldBy('hostile'), 0)
  })

  it('keeps each peer of this process to an eighth of its inbound budget, room for a 4 MiB zdb value', async () => {
    assert.equal(inboundBudget.perPeer, inboundBudget.capacity / 8)
    assert.equal(inboundBudget.perPeer, INBOUND_BUDGET_PER_PEER_BYTES)
    assert.ok(INBOUND_BUDGET_PER_PEER_BYTES >= 4 * MiB + 1024)
  })
})
