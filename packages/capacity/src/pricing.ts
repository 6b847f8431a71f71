import type { Resources } from './resources.js'

const GB = 1e9

/** Prices per hour, in units of `currency` (e.g. 0.1 TFT per CU-hour). */
export interface PricePolicy {
  currency: string
  cuHour: number
  suHour: number
  ipv4Hour: number
}

/**
 * ThreeFold's compute unit: the most generous of three machine shapes, so a
 * workload pays for whichever of cores or memory it uses most of.
 *   CU = min( max(MRU/4, CRU/2), max(MRU/8, CRU), max(MRU/2, CRU/4) )   (MRU in GB)
 */
export function computeUnits (r: Resources): number {
  const mru = r.mru / GB
  return Math.min(Math.max(mru / 4, r.cru / 2), Math.max(mru / 8, r.cru), Math.max(mru / 2, r.cru / 4))
}

/** ThreeFold's storage unit: SU = HRU/1200 + SRU/200 (GB): 1 SU ≈ 200 GB of SSD or 1.2 TB of HDD. */
export function storageUnits (r: Resources): number {
  return r.hru / GB / 1200 + r.sru / GB / 200
}

/** What `r` costs per hour under `price`. */
export function pricePerHour (r: Resources, price: PricePolicy): number {
  return computeUnits(r) * price.cuHour + storageUnits(r) * price.suHour + r.ipv4u * price.ipv4Hour
}

/** Prices travel as integer millionths of the currency unit, so no float reaches the wire. */
export const MICRO = 1_000_000

export function toMicro (value: number): number {
  return Math.round(value * MICRO)
}

export function fromMicro (value: number): number {
  return value / MICRO
}
