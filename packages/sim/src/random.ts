/** A deterministic source of numbers in [0, 1): the same seed gives the same simulation. */
export type Random = () => number

/** mulberry32: tiny, fast and good enough to pick topologies and farmer profiles. */
export function seededRandom (seed: number): Random {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6D2B79F5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** An integer in [0, below). */
export function randomInt (random: Random, below: number): number {
  return Math.floor(random() * below)
}

export function pick<T> (random: Random, items: readonly T[]): T {
  if (items.length === 0) throw new Error('pick from an empty list')
  return items[randomInt(random, items.length)]
}

/** `count` distinct items (all of them when there are fewer), in random order. */
export function sample<T> (random: Random, items: readonly T[], count: number): T[] {
  const copy = [...items]
  // partial Fisher-Yates: only the first `count` places are shuffled
  const n = Math.min(count, copy.length)
  for (let i = 0; i < n; i++) {
    const j = i + randomInt(random, copy.length - i)
    ;[copy[i], copy[j]] = [copy[j], copy[i]]
  }
  return copy.slice(0, n)
}
