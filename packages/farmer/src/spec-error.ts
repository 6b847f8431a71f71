/** Where in a spec file a problem is; line and column are 1-based. */
export interface SpecLocation {
  source: string
  field?: string
  line?: number
  column?: number
}

const where = (location: SpecLocation): string =>
  [location.source, location.line, location.line != null ? location.column : undefined].filter(part => part != null).join(':')

/**
 * A spec file that cannot be deployed. The message reads like a compiler's,
 * `app.yaml:7:11: workloads[1].size: "10X" is not a size; …`, so that editors and
 * people can jump to the line; `field`, `line`, `column` and `problem` carry the parts.
 * Without a location it is a request that cannot be done as asked (a pool's name or
 * stripe, a contract's farmer), and the message is the problem alone.
 */
export class SpecError extends Error {
  override name = 'SpecError'
  readonly kind = 'invalid'
  readonly source: string | undefined
  readonly field: string | undefined
  readonly line: number | undefined
  readonly column: number | undefined
  /** The message without its location prefix. */
  readonly problem: string

  constructor (problem: string, location?: SpecLocation) {
    super(location == null ? problem : `${where(location)}: ${location.field != null ? `${location.field}: ` : ''}${problem}`)
    this.source = location?.source
    this.field = location?.field
    this.line = location?.line
    this.column = location?.column
    this.problem = problem
  }
}
