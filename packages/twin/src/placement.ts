/**
 * Placement: trying candidate farmers in order until enough of them took the work. One forged or
 * dead farmer costs one bounded probe, never the whole placement: candidates are probed a few ahead
 * in parallel, used strictly in the given (price or spread) order, and a farmer that let a placement
 * down (did not answer, or claimed room and then refused for capacity) is remembered for a while so
 * that the next placements try it last.
 */
import { ContractErrorCodes } from '@p2pcloud/wire'

/** A placement gives up once this many candidates failed. */
export const MAX_FAILED_CANDIDATES = 8
/** How long a probe (dial and live capacity query) of one candidate may take: as long as a dial may (the peer's default dial timeout). */
export const PROBE_TIMEOUT_MS = 10_000
/** How many candidates are probed ahead of the one being used. */
export const PROBE_AHEAD = 3
/** How long a farmer that let a placement down is tried last, and how many such farmers are remembered. */
export const UNRELIABLE_MS = 5 * 60_000
export const MAX_UNRELIABLE_REMEMBERED = 1024

/** One candidate that could not take the work, and why, in its or the network's words. */
export interface FailedCandidate {
  farmer: string
  reason: string
}

/** Fewer candidates took the work than it needed; `tried` names every one that failed and why. */
export class PlacementError extends Error {
  static override name = 'PlacementError'
  override name = 'PlacementError'
  readonly kind = 'conflict'
  constructor (readonly what: string, readonly tried: FailedCandidate[]) {
    super(`${what}; tried ${tried.length} farmer(s): ${tried.map(t => `${t.farmer}: ${t.reason}`).join('; ')}`)
  }
}

/** Farmers that recently let a placement down, each until its expiry; the oldest is forgotten first when full. */
export class UnreliableFarmers {
  private readonly until = new Map<string, number>()

  constructor (private readonly ttlMs = UNRELIABLE_MS, private readonly max = MAX_UNRELIABLE_REMEMBERED, private readonly now: () => number = Date.now) {}

  add (farmer: string): void {
    this.until.delete(farmer)
    this.until.set(farmer, this.now() + this.ttlMs)
    // a Map keeps insertion order: the first key is the oldest entry
    while (this.until.size > this.max) this.until.delete(this.until.keys().next().value as string)
  }

  delete (farmer: string): void {
    this.until.delete(farmer)
  }

  has (farmer: string): boolean {
    const until = this.until.get(farmer)
    if (until == null) return false
    if (until > this.now()) return true
    this.until.delete(farmer)
    return false
  }

  get size (): number {
    return this.until.size
  }

  /** The same farmers, those that recently let a placement down moved to the end (each part keeps its order). */
  lastIfUnreliable<T> (candidates: T[], farmerOf: (candidate: T) => string): T[] {
    return [...candidates.filter(c => !this.has(farmerOf(c))), ...candidates.filter(c => this.has(farmerOf(c)))]
  }
}

/** Did this failure mean the farmer could not be reached (rather than that it answered no)? */
export function isNoAnswer (err: any): boolean {
  return err?.name === 'NoAnswerError' || err?.name === 'TimeoutError' || err?.name === 'AbortError' || err?.code === 'UNAVAILABLE'
}

/**
 * Did a farmer whose probe answered with room let the placement down: no answer, a refusal for
 * capacity after all (what a Sybil at price 0 does to spend every placement's failure budget), or
 * a reservation it left pending? The next candidate is tried, and this farmer last for a while.
 */
export function isLetDown (err: any): boolean {
  return isNoAnswer(err) || err?.code === ContractErrorCodes.INSUFFICIENT_CAPACITY || err?.name === 'NoCapacityError' || err?.name === 'DeploymentPending'
}

export interface PlaceOptions<T> {
  /** What is being placed, for the error: e.g. `no farmer could take deployment "app"`. */
  what: string
  /** How many candidates must take the work (distinct farmers); default 1. */
  wanted?: number
  /** Dial and ask the farmer for its live capacity; throws when it cannot take the work. */
  probe: (farmer: string, signal: AbortSignal) => Promise<void>
  /** Do the work on a farmer that answered its probe. */
  use: (farmer: string) => Promise<T>
  /** A failure of `use` after which the next candidate is tried; any other is thrown as is. */
  tryNextAfter: (err: any) => boolean
  unreliable: UnreliableFarmers
  probeTimeoutMs?: number
  maxFailed?: number
  onFailure?: (failure: FailedCandidate) => void
}

/**
 * Use candidates in order (those that recently let a placement down last) until `wanted` took the work; throws
 * a PlacementError naming each farmer that failed once `maxFailed` failed or none are left.
 */
export async function place<T> (candidates: string[], options: PlaceOptions<T>): Promise<T[]> {
  const wanted = options.wanted ?? 1
  const maxFailed = options.maxFailed ?? MAX_FAILED_CANDIDATES
  const ordered = options.unreliable.lastIfUnreliable([...new Set(candidates)], c => c)
  const probes: Array<Promise<void>> = []
  const probeAt = (index: number): Promise<void> => {
    for (let i = probes.length; i < Math.min(ordered.length, index + PROBE_AHEAD); i++) {
      const farmer = ordered[i]
      const timeoutMs = options.probeTimeoutMs ?? PROBE_TIMEOUT_MS
      const signal = AbortSignal.timeout(timeoutMs)
      probes.push(options.probe(farmer, signal).catch(err => {
        throw signal.aborted ? Object.assign(new Error(`no answer within ${timeoutMs} ms (${err?.message as string})`), { name: 'TimeoutError' }) : err
      }))
      // awaited in turn below; no probe result is ever left unhandled
      probes[i].catch(() => {})
    }
    return probes[index]
  }
  const done: T[] = []
  const failed: FailedCandidate[] = []
  const fail = (farmer: string, err: any, afterProbe: boolean): void => {
    // a probe that says "too little room" is honest; the same refusal after a probe that claimed room is not
    if (afterProbe ? isLetDown(err) : isNoAnswer(err)) options.unreliable.add(farmer)
    const failure = { farmer, reason: err?.message ?? String(err) }
    failed.push(failure)
    options.onFailure?.(failure)
  }
  for (let index = 0; index < ordered.length && done.length < wanted && failed.length < maxFailed; index++) {
    const farmer = ordered[index]
    try {
      await probeAt(index)
    } catch (err) {
      // a failed probe always moves on: the farmer (or its advert) is at fault
      fail(farmer, err, false)
      continue
    }
    try {
      done.push(await options.use(farmer))
      // only taking the work clears a farmer: one that claims room in every probe and then refuses must stay last
      options.unreliable.delete(farmer)
    } catch (err) {
      if (!options.tryNextAfter(err)) throw err
      fail(farmer, err, true)
    }
  }
  if (done.length < wanted) {
    const more = wanted > 1 ? ` (${done.length} of ${wanted} placed)` : ''
    const why = failed.length >= maxFailed && ordered.length > failed.length + done.length ? `${options.what}${more}: gave up after ${maxFailed} failed` : `${options.what}${more}`
    throw new PlacementError(why, failed)
  }
  return done
}
