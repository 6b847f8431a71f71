import { setTimeout as delay } from 'node:timers/promises'
import { logger } from '@libp2p/logger'
import { deploymentMessages } from '@p2pcloud/wire'
import type { BackendConnector } from './routes.js'

const log = logger('p2pcloud:gateway:checks')

/**
 * Names checked at once, each slot taking one name a second at most: checks take at most 4 of the
 * 20 tunnels a second a backend's farmer opens to one gateway (GATEWAY_TUNNEL_LIMITS).
 */
const CONCURRENT_CHECKS = 4
const CHECK_SPACING_MS = 1000
const CHECK_TIMEOUT_MS = 10_000
export const DEFAULT_CHECK_INTERVAL_MS = 30_000
/** GatewayResult.detail's bound (deployment.md §5.5). */
const MAX_DETAIL_BYTES = 256

export interface BackendCheck {
  backend: deploymentMessages.GatewayBackendState
  checkedAt: number
  detail: string
}

interface Watched extends BackendCheck {
  connect: BackendConnector
}

/** A detail within GatewayResult's bound, cut at a character. */
export const cutDetail = (text: string): string => Buffer.from(text).subarray(0, MAX_DETAIL_BYTES).toString('utf8').replace(/\uFFFD$/, '')

/**
 * Whether each name's backend accepts a connection, by the path the name's clients take (a
 * tunnel through the backend's farmer to the container's port): checked when a name is added and
 * then every `intervalMs`, a few at a time, each check bounded in time.
 */
export class BackendChecks {
  private readonly watched = new Map<string, Watched>()
  private timer?: NodeJS.Timeout
  private round?: Promise<void>
  private again = false
  private readonly stopping = new AbortController()

  constructor (private readonly intervalMs = DEFAULT_CHECK_INTERVAL_MS) {}

  start (): void {
    this.timer = setInterval(() => { this.soon() }, this.intervalMs)
    this.timer.unref()
    this.soon()
  }

  stop (): void {
    clearInterval(this.timer)
    this.stopping.abort()
  }

  /** Checks `host` through `connect` from now on, the first time at once. */
  watch (host: string, connect: BackendConnector): void {
    this.watched.set(host, { connect, backend: deploymentMessages.GatewayBackendState.UNCHECKED, checkedAt: 0, detail: '' })
    if (this.timer !== undefined) this.soon()
  }

  forget (host: string): void {
    this.watched.delete(host)
  }

  status (host: string): BackendCheck | undefined {
    const watched = this.watched.get(host)
    return watched === undefined ? undefined : { backend: watched.backend, checkedAt: watched.checkedAt, detail: watched.detail }
  }

  /** A round of the names that are due, unless one runs: then one more after it. */
  private soon (): void {
    if (this.round !== undefined) { this.again = true; return }
    this.round = this.checkDue().finally(() => {
      this.round = undefined
      if (this.again && !this.stopping.signal.aborted) { this.again = false; this.soon() }
    })
  }

  private async checkDue (): Promise<void> {
    const due = [...this.watched].filter(([, w]) => Date.now() - w.checkedAt >= this.intervalMs)
    const next = async (): Promise<void> => {
      for (let item = due.shift(); item !== undefined && !this.stopping.signal.aborted; item = due.shift()) {
        await Promise.all([this.check(...item), due.length > 0 ? delay(CHECK_SPACING_MS, undefined, { ref: false }) : undefined])
      }
    }
    await Promise.all(Array.from({ length: CONCURRENT_CHECKS }, next))
  }

  private async check (host: string, watched: Watched): Promise<void> {
    let result: Omit<BackendCheck, 'checkedAt'>
    try {
      const connection = await watched.connect(AbortSignal.any([AbortSignal.timeout(CHECK_TIMEOUT_MS), this.stopping.signal]))
      connection.destroy()
      result = { backend: deploymentMessages.GatewayBackendState.ANSWERS, detail: '' }
    } catch (err: any) {
      log('the backend of %s does not answer - %e', host, err)
      // the backend's farmer's own words are the twin's to read: it runs both ends
      const detail = err.name === 'TimeoutError' || err.name === 'AbortError'
        ? `no connection in ${CHECK_TIMEOUT_MS / 1000} s`
        : [err.message ?? String(err), err.cause?.message].filter(Boolean).join(': ')
      result = { backend: deploymentMessages.GatewayBackendState.NO_ANSWER, detail: cutDetail(detail) }
    }
    // the name may have been removed, or given another backend, meanwhile
    if (this.watched.get(host) === watched) Object.assign(watched, result, { checkedAt: Date.now() })
  }
}
