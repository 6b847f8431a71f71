import { isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml'
import { SpecError, type SpecLocation } from './spec-error.js'

/** One value of the spec, with its field path and where it was written, so errors can point at it. */
export interface Located {
  /** `''` for the whole document, else a path such as `workloads[1].size`. */
  field: string
  /** `null` when the key is there without a value (`name:`). */
  node: Node | null
  offset: number
}

export interface Entry extends Located {
  keyOffset: number
}

/** Longer specs are not hand-written deployments; refuse them before YAML does any work. */
export const MAX_SPEC_CHARS = 1024 * 1024

/**
 * Walks a parsed YAML document for the spec parser: type checks, unknown keys and
 * locations live here so that the twin's spec.ts and each workload kind's parseSpec
 * read as the list of rules.
 */
export class SpecReader {
  private readonly lines = new LineCounter()
  private readonly doc: Document

  constructor (text: string, readonly source: string) {
    if (text.length > MAX_SPEC_CHARS) throw new SpecError(`the spec is longer than ${MAX_SPEC_CHARS} characters`, { source, line: 1, column: 1 })
    // prettyErrors off: we place errors ourselves, and its message carries a source excerpt
    this.doc = parseDocument(text, { lineCounter: this.lines, prettyErrors: false })
    const [error] = this.doc.errors
    if (error != null) throw new SpecError(`not valid YAML: ${error.message}`, { source, ...this.position(error.pos[0]) })
  }

  root (): Located {
    return { field: '', node: this.resolve(this.doc.contents), offset: this.doc.contents?.range?.[0] ?? 0 }
  }

  fail (at: { field: string, offset: number }, problem: string): never {
    throw new SpecError(problem, this.locate(at))
  }

  /** Where `at` was written, for an error that can only be found later (a name the twin looks up when it deploys). */
  locate (at: { field: string, offset: number }): SpecLocation {
    return { source: this.source, field: at.field === '' ? undefined : at.field, ...this.position(at.offset) }
  }

  isEmpty (at: Located): boolean {
    return at.node == null || (isScalar(at.node) && at.node.value == null)
  }

  /**
   * The entries of a mapping by key. With `keys`, any other key is an error naming it, with a
   * guess at the intended one; without, the caller checks them once it knows which keys apply.
   */
  mapping (at: Located, keys?: readonly string[], what?: string): Map<string, Entry> {
    if (!isMap(at.node)) this.fail(at, `${at.field === '' ? 'the spec ' : ''}must be a mapping${keys != null ? ` of ${list(keys)}` : ''}, not ${describe(at.node)}`)
    const entries = new Map<string, Entry>()
    for (const pair of at.node.items) {
      const keyNode = pair.key as Node | null
      const key = isScalar(keyNode) ? String(keyNode.source ?? keyNode.value) : describe(keyNode)
      const keyOffset = keyNode?.range?.[0] ?? at.offset
      const value = pair.value as Node | null
      const empty = value == null || (isScalar(value) && value.value == null)
      // an empty value is reported at its key: the value's own position may already be the next line
      const offset = empty ? keyOffset : value.range?.[0] ?? keyOffset
      entries.set(key, { field: join(at.field, key), node: this.resolve(value), offset, keyOffset })
    }
    if (keys != null) this.onlyKeys(entries, keys, what ?? 'this')
    return entries
  }

  onlyKeys (entries: Map<string, Entry>, keys: readonly string[], what: string): void {
    for (const [key, entry] of entries) {
      if (keys.includes(key)) continue
      const guess = closest(key, keys)
      this.fail({ field: entry.field, offset: entry.keyOffset }, `unknown key "${key}"${guess != null ? ` (did you mean "${guess}"?)` : ''}; ${what} takes ${list(keys)}`)
    }
  }

  /** A required entry; a missing one is reported at the mapping, an empty one at its key. */
  required (entries: Map<string, Entry>, key: string, parent: Located, hint: string): Entry {
    const entry = entries.get(key)
    if (entry == null) this.fail({ field: join(parent.field, key), offset: parent.offset }, `missing; ${hint}`)
    if (this.isEmpty(entry)) this.fail(entry, `has no value; ${hint}`)
    return entry
  }

  /** An optional entry; `key:` with no value counts as absent. */
  optional (entries: Map<string, Entry>, key: string): Entry | undefined {
    const entry = entries.get(key)
    return entry == null || this.isEmpty(entry) ? undefined : entry
  }

  sequence (at: Located): Located[] {
    if (!isSeq(at.node)) this.fail(at, `must be a list, not ${describe(at.node)}`)
    return at.node.items.map((item, index) => {
      const node = item as Node | null
      return { field: `${at.field}[${index}]`, node: this.resolve(node), offset: node?.range?.[0] ?? at.offset }
    })
  }

  /** A plain scalar such as `007` or `true` is text to people, so it keeps its written form. */
  text (at: Located): string {
    const node = at.node
    if (isScalar(node)) {
      if (typeof node.value === 'string') return node.value
      if (node.type === 'PLAIN' && node.source != null && node.value != null) return node.source
    }
    this.fail(at, `must be text, not ${describe(node)}`)
  }

  number (at: Located): number {
    if (isScalar(at.node) && typeof at.node.value === 'number') return at.node.value
    this.fail(at, `must be a number, not ${describe(at.node)}`)
  }

  boolean (at: Located): boolean {
    if (isScalar(at.node) && typeof at.node.value === 'boolean') return at.node.value
    this.fail(at, `must be true or false, not ${String(isScalar(at.node) ? at.node.source ?? at.node.value : 'a list or mapping')}`)
  }

  /** A string or a number, for values such as sizes that may be written either way. */
  scalar (at: Located): string | number {
    const node = at.node
    if (isScalar(node) && (typeof node.value === 'string' || typeof node.value === 'number')) return node.value
    this.fail(at, `must be text or a number, not ${describe(node)}`)
  }

  private resolve (node: unknown): Node | null {
    if (isAlias(node)) return node.resolve(this.doc) ?? null
    return (node as Node | null) ?? null
  }

  private position (offset: number): { line: number, column: number } {
    const { line, col } = this.lines.linePos(offset)
    return { line, column: col }
  }
}

function join (parent: string, key: string): string {
  return parent === '' ? key : `${parent}.${key}`
}

function list (keys: readonly string[]): string {
  return keys.length < 2 ? keys.join('') : `${keys.slice(0, -1).join(', ')} and ${keys[keys.length - 1]}`
}

function describe (node: unknown): string {
  if (isMap(node)) return 'a mapping'
  if (isSeq(node)) return 'a list'
  if (isScalar(node)) {
    if (node.value == null) return 'nothing'
    if (typeof node.value === 'string') return `"${node.value}"`
    return `${typeof node.value} ${String(node.source ?? node.value)}`
  }
  return node == null ? 'nothing' : 'this'
}

/** The known key a typo most likely meant: at most two edits away. */
function closest (key: string, keys: readonly string[]): string | undefined {
  let best: string | undefined
  let bestDistance = 3
  for (const known of keys) {
    const distance = editDistance(key.toLowerCase(), known)
    if (distance < bestDistance) {
      best = known
      bestDistance = distance
    }
  }
  return best
}

function editDistance (a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j)
  for (let i = 1; i <= a.length; i++) {
    const current = [i]
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1))
    }
    previous = current
  }
  return previous[b.length]
}
