import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { ByteBudget } from '../src/index.js'

describe('ByteBudget: the bytes all remote requests may hold at once', () => {
  it('grants what fits, makes the rest wait in arrival order, and gives back once per release', async () => {
    const budget = new ByteBudget(100)
    const first = await budget.acquire(60, 1000)
    const granted: string[] = []
    const big = budget.acquire(70, 1000).then(release => { granted.push('big'); return release })
    const small = budget.acquire(10, 1000).then(release => { granted.push('small'); return release })
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
    const budget = new ByteBudget(2 ** 20)
    const held = await budget.acquire(2 ** 20 - 10, 1000)
    const behind = budget.acquire(2 ** 20, 5000)
    await assert.rejects(budget.acquire(2 ** 20, 50), (err: any) => {
      assert.equal(err.name, 'BudgetExhaustedError')
      assert.match(err.message, /limit of 1\.0 MiB/)
      return true
    })
    const aborted = new AbortController()
    const gaveUp = budget.acquire(5, 5000, aborted.signal)
    aborted.abort(new Error('the caller went away'))
    await assert.rejects(gaveUp, /the caller went away/)
    held()
    const release = await behind
    assert.equal(budget.inUse, 2 ** 20)
    release()
  })
})
