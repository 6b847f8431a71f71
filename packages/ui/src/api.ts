/**
 * The daemon's /v1 API from the page: same origin, so the session cookie goes with every call.
 * Every failure becomes a DaemonError carrying the daemon's (or the farmer's) own words.
 */

/** How long a call may wait for its answer: find asks the DHT for up to 10 s, a deploy longer. */
const DEFAULT_TIMEOUT_MS = 30_000

export class DaemonError extends Error {
  constructor (readonly status: number, override readonly name: string, message: string) {
    super(message)
  }
}

async function send (method: string, path: string, body: unknown, signal?: AbortSignal): Promise<Response> {
  try {
    return await fetch(path, {
      method,
      headers: body !== undefined ? { 'content-type': 'application/json' } : {},
      body: body !== undefined ? JSON.stringify(body) : undefined,
      signal
    })
  } catch (err: any) {
    if (err?.name === 'TimeoutError') throw new DaemonError(0, 'Timeout', `${method} ${path}: no answer from the daemon in time`)
    if (err?.name === 'AbortError') throw err
    throw new DaemonError(0, 'DaemonUnreachable', `the daemon did not answer (${String(err?.message ?? err)}); is "p2pcloud start" still running?`)
  }
}

/** Sent on `window` when the daemon no longer knows this browser (its session expired, or the daemon restarted). */
export const LOGGED_OUT = 'p2pcloud:logged-out'

async function errorOf (response: Response, method: string, path: string): Promise<DaemonError> {
  if (response.status === 401) dispatchEvent(new Event(LOGGED_OUT))
  const value: any = await response.json().catch(() => undefined)
  return new DaemonError(response.status, value?.error?.name ?? 'HttpError', value?.error?.message ?? `${method} ${path} failed with ${response.status}`)
}

/** One JSON call. */
export async function call<T> (method: string, path: string, body?: unknown, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<T> {
  const response = await send(method, path, body, AbortSignal.timeout(timeoutMs))
  if (!response.ok) throw await errorOf(response, method, path)
  try {
    return await response.json() as T
  } catch {
    throw new DaemonError(response.status, 'InvalidResponse', `${method} ${path}: the daemon answered with something that is not JSON`)
  }
}

/** An answer to be read as it comes (NDJSON lines, raw bytes), once its status says it is no error. */
export async function open (path: string, signal?: AbortSignal, method = 'GET', body?: unknown): Promise<Response> {
  const response = await send(method, path, body, signal)
  if (!response.ok) throw await errorOf(response, method, path)
  return response
}

/** Each line of an NDJSON answer as it arrives, until `signal` ends it; an error line throws its error. */
export async function * lines<T> (path: string, signal: AbortSignal, method = 'GET', body?: unknown): AsyncGenerator<T> {
  const response = await open(path, signal, method, body)
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader()
  let buffered = ''
  for (let next = await reader.read(); next.done !== true; next = await reader.read()) {
    buffered += next.value
    const parts = buffered.split('\n')
    buffered = parts.pop() ?? ''
    for (const line of parts.filter(part => part.trim() !== '')) {
      const value = JSON.parse(line)
      if (value?.error?.name != null) throw new DaemonError(200, value.error.name, value.error.message)
      yield value as T
    }
  }
}

/** The `done` value of long work answered as `{"progress"}` lines and a last `{"done"}` line, each progress line given to `onProgress`. */
export async function progressed<P, R> (method: string, path: string, body: unknown, onProgress: (progress: P) => void, signal: AbortSignal): Promise<R> {
  for await (const line of lines<{ progress?: P, done?: R }>(path, signal, method, body)) {
    if (line.done !== undefined) return line.done
    if (line.progress !== undefined) onProgress(line.progress)
  }
  throw new DaemonError(200, 'InvalidResponse', `${method} ${path}: the answer ended without its result`)
}

export const get = async <T>(path: string): Promise<T> => call<T>('GET', path)
