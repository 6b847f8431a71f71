/** Sizes as people write them: `512M`, `4G`, `1.5T`, `4GiB`, or plain bytes. Units are binary (1K = 1024). */
const UNITS: Record<string, number> = { '': 1, K: 2 ** 10, M: 2 ** 20, G: 2 ** 30, T: 2 ** 40, P: 2 ** 50 }

/** A size that does not parse or is out of range; `kind` as in errors.ts. */
export class InvalidSizeError extends Error {
  override name = 'InvalidSizeError'
  readonly kind = 'invalid'
}

export function parseSize (text: string | number): number {
  if (typeof text === 'number') {
    if (!Number.isSafeInteger(text) || text < 0) throw new InvalidSizeError(`size ${text} must be a whole number of bytes ≥ 0`)
    return text
  }
  const match = /^\s*(\d+(?:\.\d+)?)\s*([KMGTP]?)(?:i?B)?\s*$/i.exec(text)
  if (match == null) throw new InvalidSizeError(`"${text}" is not a size; write e.g. 512M, 4G, 1T or a number of bytes`)
  const bytes = Math.round(Number(match[1]) * UNITS[match[2].toUpperCase()])
  if (!Number.isSafeInteger(bytes)) throw new InvalidSizeError(`size "${text}" is too large`)
  return bytes
}

/** The inverse, for people: 4294967296 → "4 GiB". */
export function formatSize (bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB']
  let value = bytes
  let unit = 0
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024
    unit++
  }
  return `${Number.isInteger(value) ? value : value.toFixed(1)} ${units[unit]}`
}
