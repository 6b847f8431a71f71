import { useCallback, useEffect, useState } from 'preact/hooks'
import { get, lines } from './api.js'

export interface Loaded<T> {
  data?: T
  error?: Error
  loading: boolean
  reload: () => void
}

/**
 * GET `path` (again every `refreshMs` when given, for state that changes on the farmer's side);
 * null `path` waits. A failed refresh keeps the last data beside the error; another path starts
 * afresh, so that no answer to an earlier query shows as this one's.
 */
export function useApi<T> (path: string | null, refreshMs?: number): Loaded<T> {
  const [state, setState] = useState<{ path: string | null, data?: T, error?: Error, loading: boolean }>({ path, loading: path != null })
  const [round, setRound] = useState(0)
  const reload = useCallback(() => { setRound(r => r + 1) }, [])
  useEffect(() => {
    if (path == null) return
    let live = true
    let timer: ReturnType<typeof setTimeout> | undefined
    const load = async (): Promise<void> => {
      setState(s => s.path === path ? { ...s, loading: true } : { path, loading: true })
      try {
        const data = await get<T>(path)
        if (live) setState({ path, data, loading: false })
      } catch (error: any) {
        if (live) setState(s => ({ path, data: s.data, error, loading: false }))
      }
      if (live && refreshMs != null) timer = setTimeout(() => { void load() }, refreshMs)
    }
    void load()
    return () => { live = false; clearTimeout(timer) }
  }, [path, refreshMs, round])
  // the render right after the path changed, before the effect ran: nothing of the old path's
  if (state.path !== path) return { loading: path != null, reload }
  return { data: state.data, error: state.error, loading: state.loading, reload }
}

/** The page the location hash names: `#/deployments/web` → ['deployments', 'web']. */
export function useRoute (): string[] {
  const parse = (): string[] => location.hash.replace(/^#\/?/, '').split('/').filter(part => part !== '').map(decodeURIComponent)
  const [route, setRoute] = useState(parse)
  useEffect(() => {
    const changed = (): void => { setRoute(parse()) }
    addEventListener('hashchange', changed)
    return () => { removeEventListener('hashchange', changed) }
  }, [])
  return route
}

/**
 * The latest line of the NDJSON stream at `path`; when the stream ends or fails, it is opened
 * again after `retryMs` (a failure kept beside the last line until then).
 */
export function useLatestLine<T> (path: string, retryMs = 2_000): { data?: T, error?: Error, live: boolean } {
  const [state, setState] = useState<{ data?: T, error?: Error, live: boolean }>({ live: false })
  useEffect(() => {
    const stop = new AbortController()
    void (async () => {
      while (!stop.signal.aborted) {
        try {
          for await (const line of lines<T>(path, stop.signal)) setState({ data: line, live: true })
          setState(s => ({ ...s, live: false }))
        } catch (error: any) {
          if (!stop.signal.aborted) setState(s => ({ data: s.data, error, live: false }))
        }
        await new Promise(resolve => setTimeout(resolve, retryMs))
      }
    })()
    return () => { stop.abort() }
  }, [path, retryMs])
  return state
}

export interface Action {
  /** What runs now ("removing"), if anything. */
  busy?: string
  /** The last run's failure, in the daemon's words, until the next run. */
  error?: Error
  run: (what: string, work: () => Promise<unknown>) => Promise<void>
}

/** A button's work: one at a time, its failure kept to be shown under it. */
export function useAction (): Action {
  const [busy, setBusy] = useState<string>()
  const [error, setError] = useState<Error>()
  const run = async (what: string, work: () => Promise<unknown>): Promise<void> => {
    setBusy(what)
    setError(undefined)
    try {
      await work()
    } catch (err: any) {
      setError(err)
    } finally {
      setBusy(undefined)
    }
  }
  return { busy, error, run }
}
