import { mkdir, rename, writeFile } from 'node:fs/promises'
import { join } from 'node:path'

/** What one benchmark measures: our figure and the same figure for the thing we compare against. */
export interface Measurement {
  metric: string
  value: number
  unit: string
  /** What `baselineValue` was measured on, e.g. "node:net TCP on 127.0.0.1". */
  baseline: string
  baselineValue: number
  /** Optional detail (percentiles, sizes) that does not change the required shape. */
  extra?: Record<string, number>
}

export interface Benchmark {
  /** Also the result file name: `bench/results/<name>.json`. */
  name: string
  run: () => Promise<Measurement>
}

/** One line of `bench/results/`, committed so that figures can be compared across changes. */
export interface BenchResult {
  name: string
  metric: string
  value: number
  unit: string
  baseline: string
  baselineValue: number
  ratio: number
  date: string
  extra?: Record<string, number>
}

function round (value: number, decimals: number): number {
  const scale = 10 ** decimals
  return Math.round(value * scale) / scale
}

export function toResult (name: string, measurement: Measurement, date = new Date()): BenchResult {
  const value = round(measurement.value, 3)
  const baselineValue = round(measurement.baselineValue, 3)
  const result: BenchResult = {
    name,
    metric: measurement.metric,
    value,
    unit: measurement.unit,
    baseline: measurement.baseline,
    baselineValue,
    // from the rounded figures, so that the file agrees with itself
    ratio: round(value / baselineValue, 4),
    date: date.toISOString()
  }
  if (measurement.extra != null) {
    result.extra = Object.fromEntries(Object.entries(measurement.extra).map(([key, figure]) => [key, round(figure, 3)]))
  }
  return result
}

/**
 * Write `<dir>/<name>.json`, creating `dir`. Written to a temporary file and
 * renamed, so an interrupted run never leaves a truncated result behind.
 */
export async function writeResult (dir: string, result: BenchResult): Promise<string> {
  await mkdir(dir, { recursive: true })
  const path = join(dir, `${result.name}.json`)
  const temporary = `${path}.tmp`
  await writeFile(temporary, JSON.stringify(result, null, 2) + '\n')
  await rename(temporary, path)
  return path
}
