import { peerIdFromString } from '@libp2p/peer-id'
import { formatSize, parseSize } from '@p2pcloud/node'
import type { Located, SpecReader } from './spec-reader.js'

/** A size entry (`64M`, bytes) of at least `min`, or `fallback` when absent. */
export function sizeEntry (reader: SpecReader, at: Located | undefined, fallback: number, min: number, what: string): number {
  if (at == null) return fallback
  let bytes: number
  try {
    bytes = parseSize(reader.scalar(at))
  } catch (err: any) {
    reader.fail(at, err.message)
  }
  if (bytes < min) reader.fail(at, `${formatSize(bytes)} is smaller than the smallest ${what}, ${formatSize(min)}`)
  return bytes
}

/** A list of peer ids, in their canonical text; empty when absent. */
export function peerList (reader: SpecReader, at: Located | undefined): string[] {
  if (at == null) return []
  return reader.sequence(at).map(item => {
    const text = reader.text(item)
    try {
      return peerIdFromString(text).toString()
    } catch {
      reader.fail(item, `"${text}" is not a peer id (12D3KooW…)`)
    }
  })
}
