/** Nearest-rank percentile (0 < p <= 100) of a non-empty sample. */
export function percentile (samples: readonly number[], p: number): number {
  if (samples.length === 0) throw new Error('percentile of an empty sample')
  const sorted = [...samples].sort((a, b) => a - b)
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)]
}

export function median (samples: readonly number[]): number {
  return percentile(samples, 50)
}
