import assert from 'node:assert/strict'
import { setTimeout as sleep } from 'node:timers/promises'
import { describe, it } from 'node:test'
import { MAX_FAILED_CANDIDATES, UnreliableFarmers, place, type PlaceOptions } from '../src/placement.js'

const noAnswer = (farmer: string): Error => Object.assign(new Error(`no answer from ${farmer}`), { name: 'NoAnswerError' })

/** Probes that take `delays[farmer]` ms and fail for the farmers in `dead`; `use` records the order. */
function options (delays: Record<string, number>, dead: string[], used: string[], extra: Partial<PlaceOptions<string>> = {}): PlaceOptions<string> {
  return {
    what: 'no farmer took it',
    probe: async farmer => {
      await sleep(delays[farmer] ?? 0)
      if (dead.includes(farmer)) throw noAnswer(farmer)
    },
    use: async farmer => { used.push(farmer); return farmer },
    tryNextAfter: () => true,
    unreliable: new UnreliableFarmers(),
    ...extra
  }
}

describe('place', () => {
  it('uses the first candidate that answers, in the given order, even when a later probe answers sooner', async () => {
    const used: string[] = []
    assert.deepEqual(await place(['a', 'b', 'c'], options({ a: 80, b: 0, c: 0 }, [], used)), ['a'])
    assert.deepEqual(used, ['a'])
    const next: string[] = []
    const opts = options({ a: 50 }, ['a'], next)
    assert.deepEqual(await place(['a', 'b', 'c'], opts), ['b'])
    assert.ok(opts.unreliable.has('a'))
  })

  it('tries those that recently did not answer last, and gives up after the failure budget naming each', async () => {
    const unreliable = new UnreliableFarmers()
    unreliable.add('a')
    const used: string[] = []
    assert.deepEqual(await place(['a', 'b'], options({}, [], used, { unreliable })), ['b'])
    const many = Array.from({ length: 12 }, (_, i) => `f${i}`)
    await assert.rejects(place(many, options({}, many, [])), (err: any) => {
      assert.equal(err.name, 'PlacementError')
      assert.equal(err.tried.length, MAX_FAILED_CANDIDATES)
      assert.match(err.message, /gave up after 8 failed; tried 8 farmer\(s\): f0: no answer from f0; f1: /)
      return true
    })
  })

  it('remembers a farmer that claimed room and then refused for capacity, not one whose probe said it has too little room', async () => {
    const unreliable = new UnreliableFarmers()
    const refusal = Object.assign(new Error('not enough free capacity'), { name: 'RemoteError', code: 'INSUFFICIENT_CAPACITY' })
    const honestNo = Object.assign(new Error('too little free hru'), { name: 'NoCapacityError' })
    const used: string[] = []
    assert.deepEqual(await place(['liar', 'full', 'ok'], options({}, [], used, {
      unreliable,
      probe: async farmer => { if (farmer === 'full') throw honestNo },
      use: async farmer => { if (farmer === 'liar') throw refusal; used.push(farmer); return farmer }
    })), ['ok'])
    assert.deepEqual(['liar', 'full', 'ok'].map(f => unreliable.has(f)), [true, false, false])
    // the liar's probe answers again next time: only taking the work would clear it
    assert.deepEqual(await place(['liar', 'ok'], options({}, [], used, { unreliable })), ['ok'])
    assert.ok(unreliable.has('liar'))
  })

  it('places several on distinct farmers, and throws a use failure it must not pass over', async () => {
    assert.deepEqual(await place(['a', 'b', 'a', 'c'], options({}, ['b'], [], { wanted: 2 })), ['a', 'c'])
    await assert.rejects(place(['a', 'b'], options({}, [], [], { use: async () => { throw new Error('final') }, tryNextAfter: () => false })), { message: 'final' })
  })

  it('times a probe out and says so', async () => {
    await assert.rejects(place(['slow'], options({}, [], [], { probe: async (_farmer, signal) => { await sleep(10_000, undefined, { signal }) }, probeTimeoutMs: 50 })), (err: any) => {
      assert.match(err.message, /slow: no answer within 50 ms/)
      return true
    })
  })
})

describe('UnreliableFarmers', () => {
  it('forgets a farmer after its time, and the oldest first when full', () => {
    let now = 0
    const set = new UnreliableFarmers(1000, 2, () => now)
    set.add('a')
    set.add('b')
    set.add('c')
    assert.deepEqual(['a', 'b', 'c'].map(f => set.has(f)), [false, true, true])
    now = 1000
    assert.equal(set.has('b'), false)
    assert.deepEqual(set.lastIfUnreliable(['x', 'b', 'y'], f => f), ['x', 'b', 'y'])
  })
})
