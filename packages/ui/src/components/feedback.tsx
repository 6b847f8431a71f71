import type { ComponentChildren } from 'preact'
import type { Loaded } from '../hooks.js'

/** An error as the daemon (or the farmer behind it) worded it, with its name. */
export function ErrorBox ({ error }: { error: Error }) {
  return <div class="error" role="alert"><strong>{error.name}</strong> {error.message}</div>
}

/**
 * The content of a load: its error in the daemon's words, a line saying what is awaited, or the
 * data. Calls time out (see api.ts), so the wait always ends.
 */
export function Show<T> ({ loaded, what, children }: { loaded: Loaded<T>, what: string, children: (data: T) => ComponentChildren }) {
  return (
    <>
      {loaded.error != null && <ErrorBox error={loaded.error} />}
      {loaded.data != null ? children(loaded.data) : loaded.error == null && <p class="muted">Asking the daemon for {what}…</p>}
    </>
  )
}
