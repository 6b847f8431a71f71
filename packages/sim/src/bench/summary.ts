import type { BenchResult } from './results.js'

/** A plain-text table of results for people; the JSON files are the exact record. */
export function formatSummary (results: readonly BenchResult[]): string {
  const rows = [
    ['benchmark', 'p2pcloud', 'baseline', 'ratio'],
    ...results.map(result => [
      result.name,
      `${result.value} ${result.unit}`,
      `${result.baselineValue} ${result.unit}`,
      `${result.ratio}`
    ])
  ]
  const widths = rows[0].map((_, column) => Math.max(...rows.map(row => row[column].length)))
  return rows.map(row => row.map((cell, column) => cell.padEnd(widths[column])).join('  ').trimEnd()).join('\n')
}
