import { ApiError } from './errors.js'
import { readApiInfo, type ApiInfo } from './api-info.js'
import type { IdView, PeerView, StatusView } from './peer-views.js'

/** The daemon did not answer at all (not running, crashed, wrong port). */
export class DaemonUnreachableError extends Error {
  override name = 'DaemonUnreachableError'
}

/** Typed access to a daemon's local API; used by the CLI, the SDK and tests. */
export class ApiClient {
  readonly url: string
  private readonly token: string
  private readonly timeoutMs: number

  constructor (info: ApiInfo, options: { timeoutMs?: number } = {}) {
    this.url = info.url.replace(/\/$/, '')
    this.token = info.token
    this.timeoutMs = options.timeoutMs ?? 30_000
  }

  /** The client for the daemon running on a home, found through `<home>/api.json`. */
  static async forHome (apiInfoPath: string): Promise<ApiClient> {
    return new ApiClient(await readApiInfo(apiInfoPath))
  }

  async request<T> (method: string, path: string, body?: unknown): Promise<T> {
    let response: Response
    try {
      response = await fetch(`${this.url}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${this.token}`,
          ...(body !== undefined ? { 'content-type': 'application/json' } : {})
        },
        body: body !== undefined ? JSON.stringify(body) : undefined,
        signal: AbortSignal.timeout(this.timeoutMs)
      })
    } catch (err: any) {
      const reason = err.cause?.code ?? err.cause?.message ?? err.message
      throw new DaemonUnreachableError(`the daemon at ${this.url} did not answer (${reason}); is "p2pcloud start" running for this home?`)
    }
    const text = await response.text()
    let value: any
    try {
      value = JSON.parse(text)
    } catch {
      throw new ApiError(response.status, 'InvalidResponse', `${method} ${path}: the daemon answered ${response.status} with non-JSON`)
    }
    if (!response.ok) {
      throw new ApiError(response.status, value?.error?.name ?? 'ApiError', value?.error?.message ?? `${method} ${path} failed with ${response.status}`)
    }
    return value as T
  }

  async id (): Promise<IdView> { return this.request('GET', '/v1/id') }
  async status (): Promise<StatusView> { return this.request('GET', '/v1/status') }
  async peers (): Promise<PeerView[]> { return this.request('GET', '/v1/peers') }
  async connect (multiaddr: string): Promise<PeerView> { return this.request('POST', '/v1/connect', { multiaddr }) }
}
