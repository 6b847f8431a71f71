import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'

/**
 * The protocol test vectors, protocols/vectors/<protocol>/*.json (format of protocols/README.md
 * §8.1), found from this package's place in the repository (packages/test-utils/dist/src).
 */
export const VECTORS = new URL('../../../../protocols/vectors/', import.meta.url)

/** A vector file as JSON holds it: proto field names, 64-bit integers as decimal strings, bytes as hex. */
export type VectorFile = any

/** The vector files of one protocol, e.g. `contract`, sorted by name. */
export const vectorFiles = (protocol: string): string[] =>
  readdirSync(new URL(`${protocol}/`, VECTORS)).filter(name => name.endsWith('.json')).sort()

/** One vector file, by its path under protocols/vectors, e.g. `zdb/messages.json`. */
export const readVectors = (path: string): VectorFile => JSON.parse(readFileSync(new URL(path, VECTORS), 'utf8'))

/** What a vector generator makes: each file's content by its path under protocols/vectors. */
export type VectorFiles = Record<string, VectorFile>

/** One vector file, as the generators write it: JSON indented by two spaces, a newline at the end. */
export function writeVectors (path: string, content: VectorFile): void {
  const url = new URL(path, VECTORS)
  mkdirSync(new URL('.', url), { recursive: true })
  writeFileSync(url, JSON.stringify(content, null, 2) + '\n')
}
