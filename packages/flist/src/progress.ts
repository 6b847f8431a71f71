/** What long work reports: a phase, and counts so far. */
export interface Progress {
  phase: string
  files: number
  bytes: number
  totalBytes?: number
}

export type OnProgress = (progress: Progress) => void

/** Reports at most every `intervalMs`, and always when told it is final. */
export function throttle (onProgress: OnProgress | undefined, intervalMs = 250): (progress: Progress, final?: boolean) => void {
  let last = 0
  return (progress, final = false) => {
    if (onProgress === undefined) return
    const now = Date.now()
    if (!final && now - last < intervalMs) return
    last = now
    onProgress({ ...progress })
  }
}
