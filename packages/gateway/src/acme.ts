import { createSecureContext, type SecureContext } from 'node:tls'
import { logger } from '@libp2p/logger'
import * as acme from 'acme-client'
import { CertificateStore, type StoredCertificate } from './certificate-store.js'
import { Http01Challenges } from './challenges.js'
import { CertificateOrderError } from './errors.js'
import { parseHostname } from './hostname.js'

const log = logger('p2pcloud:gateway:acme')

export interface AcmeCertificatesInit {
  /** The ACME server's directory, e.g. acme.directory.letsencrypt.production. */
  directoryUrl: string
  /** Where the account key and the certificates are kept (see CertificateStore). */
  dir: string
  /** A contact the ACME server may write to about expiring certificates. */
  email?: string
  /** Renew this long before expiry, or at two thirds of a shorter certificate's life. Default 30 days. */
  renewBeforeMs?: number
  /** A failed renewal is retried after this, doubling up to `retryMaxMs`. Defaults 5 minutes and 6 hours. */
  retryMinMs?: number
  retryMaxMs?: number
  /** How often an order in progress is polled, at first (it backs off from there). Default 1 s. */
  pollMinMs?: number
  /** Orders run at once; more wait their turn (a gateway starting with many names must not flood its CA). Default 4. */
  maxConcurrentOrders?: number
  /** The pending HTTP-01 tokens, when the front door was given its own before this was made. */
  challenges?: Http01Challenges
}

/** What the gateway knows of one name's certificate: for status pages and for tests. */
export interface CertificateStatus {
  hostname: string
  notBefore?: Date
  notAfter?: Date
  serialNumber?: string
  /** When the next order (renewal or retry) is due. */
  renewAt?: Date
  /** Orders that failed since the last success, and the last one's error. */
  failures: number
  lastError?: string
}

interface Managed {
  current?: StoredCertificate & { context: SecureContext }
  timer?: NodeJS.Timeout
  renewAt?: Date
  failures: number
  lastError?: string
  /** The order in flight, shared by everyone who asks meanwhile. */
  ordering?: Promise<void>
}

export const DEFAULT_RENEW_BEFORE_MS = 30 * 24 * 3600_000
// 5 min doubling: at most 4 failed validations in an hour, under Let's Encrypt's 5 per hostname
const DEFAULT_RETRY_MIN_MS = 5 * 60_000
const DEFAULT_RETRY_MAX_MS = 6 * 3600_000
const DEFAULT_POLL_MIN_MS = 1000
const DEFAULT_MAX_CONCURRENT_ORDERS = 4
/** setTimeout's longest delay; later dates are reached in steps. */
const MAX_TIMER_MS = 2 ** 31 - 1

/**
 * Certificates for terminated names from an ACME server with HTTP-01 (answered by the front
 * door's HTTP port through `challenges`), kept on disk, loaded at start, renewed before expiry.
 * A renewal that fails keeps the old certificate in service, is logged, and is retried with
 * backoff. Give the front door `secureContext` and `challenges`.
 */
export class AcmeCertificates {
  /** The HTTP-01 tokens of the orders in flight: give them to the front door (FrontDoorInit.challenges). */
  readonly challenges: Http01Challenges
  private readonly store: CertificateStore
  private readonly names = new Map<string, Managed>()
  private client?: acme.Client
  private stopped = false
  private ordersRunning = 0
  /** Orders waiting for a turn; at most one per managed name (orders of a name are shared). */
  private readonly ordersWaiting: Array<() => void> = []

  constructor (private readonly init: AcmeCertificatesInit) {
    this.store = new CertificateStore(init.dir)
    this.challenges = init.challenges ?? new Http01Challenges()
  }

  /** Loads the account key (made on first start) and every stored certificate, and schedules their renewals. */
  async start (): Promise<void> {
    const accountKey = await this.store.accountKey(async () => await acme.crypto.createPrivateEcdsaKey())
    const pollMinMs = this.init.pollMinMs ?? DEFAULT_POLL_MIN_MS
    this.client = new acme.Client({ directoryUrl: this.init.directoryUrl, accountKey, backoffMin: pollMinMs, backoffMax: pollMinMs * 10, backoffAttempts: 10 })
    for (const certificate of await this.store.load()) {
      const managed: Managed = { failures: 0 }
      this.names.set(certificate.hostname, managed)
      this.use(certificate.hostname, managed, certificate)
    }
    log('loaded %d certificates from %s', this.names.size, this.init.dir)
  }

  stop (): void {
    this.stopped = true
    for (const managed of this.names.values()) clearTimeout(managed.timer)
  }

  /** The TLS context of `hostname` for the front door, while it has a certificate. */
  readonly secureContext = (hostname: string): SecureContext | undefined => this.names.get(hostname)?.current?.context

  /**
   * Resolves once `hostname` has a certificate that is not yet due for renewal, ordering one if
   * needed (the name must already route to the front door: HTTP-01 comes to its HTTP port).
   * Throws CertificateOrderError when the order fails; the name is then retried with backoff.
   */
  async obtain (hostname: string): Promise<void> {
    const name = parseHostname(hostname)
    let managed = this.names.get(name)
    if (managed == null) {
      managed = { failures: 0 }
      this.names.set(name, managed)
    }
    if (managed.current != null && managed.renewAt != null && managed.renewAt.getTime() > Date.now()) return
    await this.order(name, managed, true)
  }

  /**
   * Orders a new certificate for a managed name now, whatever its expiry. A failure is not thrown:
   * the old certificate stays in service and the order is retried with backoff (see status()).
   */
  async renew (hostname: string): Promise<void> {
    const name = parseHostname(hostname)
    const managed = this.names.get(name)
    if (managed == null) throw new Error(`${name} has no certificate managed here`)
    await this.order(name, managed, false)
  }

  /** Stops renewing `hostname` and deletes its certificate (the name's booking ended). */
  async release (hostname: string): Promise<void> {
    const name = parseHostname(hostname)
    const managed = this.names.get(name)
    if (managed != null) clearTimeout(managed.timer)
    this.names.delete(name)
    await this.store.delete(name)
  }

  status (hostname: string): CertificateStatus | undefined {
    const managed = this.names.get(hostname)
    if (managed == null) return undefined
    const { current, renewAt, failures, lastError } = managed
    return { hostname, notBefore: current?.notBefore, notAfter: current?.notAfter, serialNumber: current?.serialNumber, renewAt, failures, lastError }
  }

  private async order (name: string, managed: Managed, throwOnFailure: boolean): Promise<void> {
    managed.ordering ??= this.orderOnce(name, managed).finally(() => { managed.ordering = undefined })
    try {
      await managed.ordering
    } catch (err) {
      if (throwOnFailure) throw err
    }
  }

  private async orderOnce (name: string, managed: Managed): Promise<void> {
    const client = this.client
    if (client == null) throw new Error('AcmeCertificates.start() was not called')
    clearTimeout(managed.timer)
    await this.turn()
    try {
      const [key, csr] = await acme.crypto.createCsr({ commonName: name, altNames: [name] }, await acme.crypto.createPrivateEcdsaKey())
      const chain = await client.auto({
        csr,
        email: this.init.email,
        termsOfServiceAgreed: true,
        challengePriority: ['http-01'],
        // acme-client's own pre-check fetches the token through the system's DNS on port 80; the
        // ACME server's validation is the one that counts, and its errors say what failed.
        skipChallengeVerification: true,
        challengeCreateFn: async (_authz, challenge, keyAuthorization) => {
          if (challenge.type !== 'http-01') throw new Error(`only http-01 is answered, not ${challenge.type}`)
          this.challenges.add(challenge.token, keyAuthorization)
        },
        challengeRemoveFn: async (_authz, challenge) => { this.challenges.remove(challenge.token) }
      })
      if (this.names.get(name) !== managed) return // released while the order ran
      const certificate = await this.store.save(name, key.toString(), chain)
      managed.failures = 0
      managed.lastError = undefined
      this.use(name, managed, certificate)
      log('certificate for %s obtained, serial %s, valid until %s', name, certificate.serialNumber, certificate.notAfter.toISOString())
    } catch (err) {
      const failure = new CertificateOrderError(name, err)
      if (this.names.get(name) !== managed) throw failure // released: no retry
      managed.failures++
      managed.lastError = failure.message
      const retryMin = this.init.retryMinMs ?? DEFAULT_RETRY_MIN_MS
      const delay = Math.min(this.init.retryMaxMs ?? DEFAULT_RETRY_MAX_MS, retryMin * 2 ** (managed.failures - 1))
      log.error('%s; %s, retrying in %d s', failure.message, managed.current != null ? 'the old certificate stays in service' : 'the name has no certificate', Math.round(delay / 1000))
      this.schedule(name, managed, new Date(Date.now() + delay))
      throw failure
    } finally {
      const next = this.ordersWaiting.shift()
      if (next != null) next() // the turn passes straight on
      else this.ordersRunning--
    }
  }

  /** Returns once this order may run: at once while fewer than maxConcurrentOrders run, else when one ends. */
  private async turn (): Promise<void> {
    if (this.ordersRunning < (this.init.maxConcurrentOrders ?? DEFAULT_MAX_CONCURRENT_ORDERS)) {
      this.ordersRunning++
      return
    }
    await new Promise<void>(resolve => this.ordersWaiting.push(resolve))
  }

  /** Serves `certificate` for `name` and schedules its renewal. */
  private use (name: string, managed: Managed, certificate: StoredCertificate): void {
    managed.current = { ...certificate, context: createSecureContext({ key: certificate.key, cert: certificate.chain }) }
    const lifetime = certificate.notAfter.getTime() - certificate.notBefore.getTime()
    const before = Math.min(this.init.renewBeforeMs ?? DEFAULT_RENEW_BEFORE_MS, lifetime / 3)
    this.schedule(name, managed, new Date(certificate.notAfter.getTime() - before))
  }

  private schedule (name: string, managed: Managed, at: Date): void {
    clearTimeout(managed.timer)
    managed.renewAt = at
    if (this.stopped) return
    const wait = at.getTime() - Date.now()
    managed.timer = setTimeout(() => {
      if (at.getTime() > Date.now()) this.schedule(name, managed, at)
      else void this.order(name, managed, false)
    }, Math.max(0, Math.min(wait, MAX_TIMER_MS)))
    managed.timer.unref()
  }
}
