// The rules of a contract a twin holds that people trip over: its lease only shortens when asked, and it never grows.
import type { Resources } from '@p2pcloud/capacity'
import { roughDuration } from './duration.js'
import { ContractTooSmallError, LeaseWouldShortenError } from './errors.js'
import { shortWords } from './resource-words.js'

/**
 * A renewal sets the lease to end `leaseMs` from now: one that would end an active lease sooner
 * than it ends now is refused, and the caller asked to say so (`renew --lease 10m` on a 2 h lease
 * once took 1 h 50 m away without a word). The least lease that does not shorten is named in
 * whole minutes, as `--lease` takes it.
 */
export function checkRenewal (name: string, leaseMs: number, current: { state: string, leaseEnd: number }, now = Date.now()): void {
  const end = now + leaseMs
  if (current.state !== 'active' || end >= current.leaseEnd) return
  throw new LeaseWouldShortenError(`renewing "${name}" for ${roughDuration(leaseMs)} would end its lease at ${new Date(end).toISOString()}, ${roughDuration(current.leaseEnd - end)} before it ends now (${new Date(current.leaseEnd).toISOString()}); add --shorten to shorten it, or renew for at least ${Math.ceil((current.leaseEnd - now) / 60_000)}m`)
}

/**
 * A farmer refused an update whose workloads need more than the contract booked (DOES_NOT_FIT):
 * what is short, in people's words, and the way out, since a contract's resources are fixed when it is made.
 */
export function cannotGrow (name: string, booked: Resources, need: Resources): ContractTooSmallError {
  return new ContractTooSmallError(`the new version of "${name}" needs more than its contract holds (${shortWords(booked, need, 'booked').join(', ')}), and a contract cannot grow: make the spec fit, or remove the deployment and deploy it again (p2pcloud rm ${name}, then p2pcloud deploy FILE)`)
}
