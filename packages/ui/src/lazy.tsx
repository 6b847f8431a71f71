import type { FunctionComponent } from 'preact'
import { useEffect, useState } from 'preact/hooks'
import { ErrorBox } from './components/feedback.js'

/**
 * A page whose module is fetched when it is first shown, so that the first load carries only
 * what the first page needs; once fetched it stays. A failed fetch (the daemon stopped, a new
 * build replaced the files) shows as an error, and the next visit tries again.
 */
export function lazyPage<P extends object> (load: () => Promise<FunctionComponent<P>>): FunctionComponent<P> {
  let loaded: FunctionComponent<P> | undefined
  return function LazyPage (props: P) {
    const [page, setPage] = useState<{ component?: FunctionComponent<P>, error?: Error }>({ component: loaded })
    useEffect(() => {
      if (loaded != null) return
      let live = true
      load().then(component => {
        loaded = component
        if (live) setPage({ component })
      }, (error: Error) => {
        if (live) setPage({ error: new Error(`this page could not be loaded from the daemon (${error.message}); reload to try again`) })
      })
      return () => { live = false }
    }, [])
    const Page = page.component
    if (Page != null) return <Page {...props} />
    if (page.error != null) return <ErrorBox error={page.error} />
    return <p class="muted">Loading the page…</p>
  }
}
