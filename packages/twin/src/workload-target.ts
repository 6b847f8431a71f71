import { WorkloadNotFoundError } from './errors.js'
import type { TwinDeploymentRecord } from './twin-store.js'

/** Which workloads of a deployment a call reaches: containers (logs, exec) or zdb namespaces. */
export interface WorkloadSort {
  /** In people's words, singular and plural: "container", "containers". */
  one: string
  many: string
  has: (type: string) => boolean
}

/**
 * The workload of `record` that a call names, or its only one of that sort when none is named;
 * a WorkloadNotFoundError naming the ones it has otherwise.
 */
export function pickWorkload (record: TwinDeploymentRecord, sort: WorkloadSort, named?: string): string {
  const names = record.spec.workloads.filter(w => sort.has(w.type)).map(w => w.name)
  const name = named ?? (names.length === 1 ? names[0] : undefined)
  if (name == null) {
    throw new WorkloadNotFoundError(names.length === 0 ? `deployment "${record.name}" has no ${sort.one}` : `deployment "${record.name}" has several ${sort.many} (${names.join(', ')}); name one`)
  }
  if (!names.includes(name)) throw new WorkloadNotFoundError(`deployment "${record.name}" has no ${sort.one} named "${name}"; its ${sort.many}: ${names.join(', ') || 'none'}`)
  return name
}
