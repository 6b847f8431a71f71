import { formatSize } from '../format.js'

/** How far a transfer got, in bytes. */
export function Progress ({ what, done, total }: { what: string, done: number, total: number }) {
  return (
    <div class="progress" data-what={what}>
      <span>{what}</span>
      <progress value={done} max={total} />
      <span class="muted">{formatSize(done)} of {formatSize(total)}</span>
    </div>
  )
}
