import { request as httpRequest } from 'node:http'
import type { Duplex } from 'node:stream'
import { ApiError } from './errors.js'
import { UPGRADE_PROTOCOL } from './server.js'
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

  /** `body`: a value sent as JSON, or bytes sent as they are. */
  private async send (method: string, path: string, body: unknown, signal: AbortSignal): Promise<Response> {
    const raw = body instanceof Uint8Array
    try {
      return await fetch(`${this.url}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${this.token}`,
          ...(body !== undefined ? { 'content-type': raw ? 'application/octet-stream' : 'application/json' } : {})
        },
        body: body === undefined ? undefined : raw ? body as Uint8Array<ArrayBuffer> : JSON.stringify(body),
        signal
      })
    } catch (err: any) {
      const reason = err.cause?.code ?? err.cause?.message ?? err.message
      throw new DaemonUnreachableError(`the daemon at ${this.url} did not answer (${reason}); is "p2pcloud start" running for this home?`)
    }
  }

  async request<T> (method: string, path: string, body?: unknown): Promise<T> {
    const response = await this.send(method, path, body, AbortSignal.timeout(this.timeoutMs))
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

  /** A streamed call: the daemon's answer until it has headers, then its body with no time limit (logs follow, long fetches). */
  private async open (method: string, path: string, body: unknown, signal?: AbortSignal): Promise<Response> {
    const headersIn = new AbortController()
    const timer = setTimeout(() => { headersIn.abort(new Error('no answer in time')) }, this.timeoutMs)
    try {
      const response = await this.send(method, path, body, AbortSignal.any([headersIn.signal, ...(signal != null ? [signal] : [])]))
      if (!response.ok) {
        const value: any = await response.json().catch(() => undefined)
        throw new ApiError(response.status, value?.error?.name ?? 'ApiError', value?.error?.message ?? `${method} ${path} failed with ${response.status}`)
      }
      return response
    } finally {
      clearTimeout(timer)
    }
  }

  /** Each line of an NDJSON answer as it arrives; an error line ends it with that ApiError. */
  async * lines<T> (method: string, path: string, body?: unknown, signal?: AbortSignal): AsyncGenerator<T> {
    const response = await this.open(method, path, body, signal)
    let buffered = ''
    const decoder = new TextDecoder()
    for await (const chunk of response.body ?? []) {
      buffered += decoder.decode(chunk, { stream: true })
      let newline
      while ((newline = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, newline)
        buffered = buffered.slice(newline + 1)
        if (line.trim() === '') continue
        const value = JSON.parse(line)
        if (value?.error != null && typeof value.error.name === 'string') throw new ApiError(502, value.error.name, value.error.message)
        yield value as T
      }
    }
  }

  /** The bytes of a raw answer as they arrive. */
  async * bytes (method: string, path: string, body?: unknown, signal?: AbortSignal): AsyncGenerator<Uint8Array> {
    const response = await this.open(method, path, body, signal)
    for await (const chunk of response.body ?? []) yield chunk
  }

  /** A two-way endpoint (HTTP Upgrade): the connection as a byte stream once the daemon took it; its refusal as an ApiError. */
  async upgrade (method: string, path: string): Promise<Duplex> {
    return new Promise((resolve, reject) => {
      const req = httpRequest(`${this.url}${path}`, {
        method,
        headers: { authorization: `Bearer ${this.token}`, connection: 'Upgrade', upgrade: UPGRADE_PROTOCOL },
        timeout: this.timeoutMs
      })
      req.once('upgrade', (_res, socket, head) => {
        req.setTimeout(0)
        socket.setTimeout(0)
        if (head.byteLength > 0) socket.unshift(head)
        resolve(socket)
      })
      req.once('response', res => {
        const chunks: Buffer[] = []
        res.on('data', (chunk: Buffer) => chunks.push(chunk))
        res.once('end', () => {
          let value: any
          try { value = JSON.parse(Buffer.concat(chunks).toString('utf8')) } catch { value = undefined }
          reject(new ApiError(res.statusCode ?? 502, value?.error?.name ?? 'ApiError', value?.error?.message ?? `${method} ${path} failed with ${res.statusCode ?? 'no status'}`))
        })
      })
      req.once('timeout', () => { req.destroy(new Error('no answer in time')) })
      req.once('error', (err: any) => {
        reject(new DaemonUnreachableError(`the daemon at ${this.url} did not answer (${err.code ?? err.message}); is "p2pcloud start" running for this home?`))
      })
      req.end()
    })
  }

  async id (): Promise<IdView> { return this.request('GET', '/v1/id') }
  async status (): Promise<StatusView> { return this.request('GET', '/v1/status') }
  async peers (): Promise<PeerView[]> { return this.request('GET', '/v1/peers') }
  async connect (multiaddr: string): Promise<PeerView> { return this.request('POST', '/v1/connect', { multiaddr }) }
}
