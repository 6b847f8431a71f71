import { parseSize } from '@p2pcloud/node'
import { CAPABILITY_NAME, COUNTRY_CODE, FARM_NAME } from './advert.js'
import type { FindFilter } from './directory.js'

/** A find filter that does not make sense; the message names the parameter. */
export class InvalidFindFilterError extends Error {
  override name = 'InvalidFindFilterError'
}

export const MAX_FIND_LIMIT = 200

/** Raw find parameters, as the CLI flags and the API query string name them. */
export interface FindParams {
  country?: string
  farm?: string
  capability?: string
  cru?: string
  mru?: string
  sru?: string
  hru?: string
  'max-price'?: string
  sort?: string
  limit?: string
}

export const FIND_PARAMS = ['country', 'farm', 'capability', 'cru', 'mru', 'sru', 'hru', 'max-price', 'sort', 'limit'] as const

function wholeNumber (name: string, text: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  const value = Number(text)
  if (!/^\d+$/.test(text) || value < min || value > max) throw new InvalidFindFilterError(`${name} must be a whole number from ${min} to ${max}, not "${text}"`)
  return value
}

/** Cores to the thousandth, as containers book them: `2` or `0.5`. */
function cores (name: string, text: string): number {
  const value = Number(text)
  if (!/^\d{1,9}(\.\d{1,3})?$/.test(text)) throw new InvalidFindFilterError(`${name} must be a number of cores, to the thousandth (2, 0.5), not "${text}"`)
  return value
}

function size (name: string, text: string): number {
  try {
    return parseSize(text)
  } catch (err: any) {
    throw new InvalidFindFilterError(`${name}: ${err.message}`)
  }
}

/** Turn find parameters into a filter, refusing anything unknown or malformed. */
export function parseFindParams (params: FindParams): FindFilter {
  const unknown = Object.keys(params).filter(key => !(FIND_PARAMS as readonly string[]).includes(key))
  if (unknown.length > 0) throw new InvalidFindFilterError(`unknown find parameter ${unknown.join(', ')}; known: ${FIND_PARAMS.join(', ')}`)
  const filter: FindFilter = {}
  if (params.country != null) {
    const country = params.country.toUpperCase()
    if (!COUNTRY_CODE.test(country)) throw new InvalidFindFilterError(`country "${params.country}" is not a two-letter ISO 3166 code such as BE`)
    filter.country = country
  }
  if (params.farm != null) {
    if (!FARM_NAME.test(params.farm)) throw new InvalidFindFilterError(`farm "${params.farm}" is not a valid farm name`)
    filter.farm = params.farm
  }
  if (params.capability != null) {
    if (!CAPABILITY_NAME.test(params.capability)) throw new InvalidFindFilterError(`capability "${params.capability}" is not a capability name`)
    filter.capability = params.capability
  }
  const minFree: FindFilter['minFree'] = {}
  if (params.cru != null) minFree.cru = cores('cru', params.cru)
  if (params.mru != null) minFree.mru = size('mru', params.mru)
  if (params.sru != null) minFree.sru = size('sru', params.sru)
  if (params.hru != null) minFree.hru = size('hru', params.hru)
  if (Object.keys(minFree).length > 0) filter.minFree = minFree
  if (params['max-price'] != null) {
    const price = Number(params['max-price'])
    if (params['max-price'].trim() === '' || !Number.isFinite(price) || price < 0) throw new InvalidFindFilterError(`max-price must be a number ≥ 0 (price of one CU-hour), not "${params['max-price']}"`)
    filter.maxPrice = price
  }
  if (params.sort != null) {
    if (params.sort !== 'price' && params.sort !== 'free') throw new InvalidFindFilterError(`sort must be "price" or "free", not "${params.sort}"`)
    filter.sort = params.sort
  }
  if (params.limit != null) filter.limit = wholeNumber('limit', params.limit, 1, MAX_FIND_LIMIT)
  return filter
}
