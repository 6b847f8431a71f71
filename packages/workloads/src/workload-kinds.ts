import type { Resources } from '@p2pcloud/capacity'
import type { KindSpec, WorkloadKind } from '@p2pcloud/farmer'

// the registry holds kinds of every spec, data and services type; each is used with its own
type AnyKind = WorkloadKind<any, any, any>

/** The spec type of a kind, or of a union of kinds: a union of their specs. */
export type SpecOf<Kind> = Kind extends WorkloadKind<infer Spec, any, any> ? Spec : never
/** The services of a kind on a farmer, by name. */
export type ServicesOf<Kind> = Kind extends WorkloadKind<any, any, infer Services> ? Services : never
type Intersection<U> = (U extends unknown ? (union: U) => void : never) extends (intersection: infer I) => void ? I : never

/**
 * The workload kinds, in registration order, and the types the design names but no kind runs
 * yet. Everything that would otherwise switch on a type name asks this.
 */
export class WorkloadKinds<Kinds extends readonly AnyKind[]> {
  private readonly byType: Map<string, AnyKind>

  constructor (readonly all: Kinds, readonly planned: readonly string[] = []) {
    this.byType = new Map(all.map(kind => [kind.type, kind]))
  }

  /** The kind of `type`, or undefined when no kind runs it. */
  get (type: string): Kinds[number] | undefined {
    return this.byType.get(type)
  }

  types (): string[] {
    return [...this.byType.keys()]
  }

  /** Named by the design but not supported yet: refused as such, not as a typo. */
  isPlanned (type: string): boolean {
    return this.planned.includes(type)
  }

  /** The keys of every kind: what a workload may hold before its type is known. */
  specKeys (): string[] {
    return [...new Set(this.all.flatMap(kind => kind.specKeys))]
  }

  /** The workload's own message (its kind's encode). */
  encode (spec: SpecOf<Kinds[number]>): Uint8Array {
    return this.of(spec.type).encode(spec)
  }

  /** What a workload books, counted as its farmer counts it: from its data as sent. */
  resources (spec: SpecOf<Kinds[number]>): Resources {
    const kind = this.of(spec.type)
    if (kind.specResources !== undefined) return kind.specResources(spec)
    return kind.resources(kind.decode({ name: spec.name, type: spec.type, version: 0, data: kind.encode(spec) }))
  }

  /** The workloads in their kinds' apply order (volumes first), otherwise as listed. */
  inApplyOrder<W extends KindSpec> (workloads: readonly W[]): W[] {
    return [...workloads].sort((a, b) => this.of(a.type).applyOrder - this.of(b.type).applyOrder)
  }

  /** The capability farmers must offer to run workloads of these types: their most demanding kind's, if any asks for one. */
  placementCapability (types: Iterable<string>): string | undefined {
    const placed = [...new Set(types)].map(type => this.of(type)).filter(kind => kind.placement !== undefined)
    return placed.sort((a, b) => (a.placement ?? 0) - (b.placement ?? 0))[0]?.capability
  }

  /** The kinds a farmer offering `capabilities` runs with its own driver and services. */
  offeredBy (capabilities: readonly string[]): Array<Kinds[number]> {
    return this.all.filter(kind => capabilities.includes(kind.capability))
  }

  private of (type: string): AnyKind {
    const kind = this.byType.get(type)
    if (kind == null) throw new Error(`no workload kind "${type}" is registered`)
    return kind
  }
}

/** The services every registered kind may add to a farmer, by name. */
export type ServicesOfKinds<Kinds extends readonly AnyKind[]> = Intersection<ServicesOf<Kinds[number]>>
