import { formatSize } from '../format.js'
import type { Resources } from '../types.js'

/** How much of a resource is in use: the bar fills with the used part, the label says free of total. */
export function CapacityBar ({ label, free, total, format }: { label: string, free: number, total: number, format: (n: number) => string }) {
  // clamped: the numbers may be a farmer's word
  const used = total > 0 ? Math.min(1, Math.max(0, (total - free) / total)) : 0
  return (
    <div class="bar" title={`${label}: ${format(total - free)} of ${format(total)} in use`}>
      <span class="bar-label">{label}</span>
      <span class="bar-track"><span class="bar-fill" style={{ width: `${Math.round(used * 100)}%` }} /></span>
      <span class="bar-value">{format(free)} free of {format(total)}</span>
    </div>
  )
}

/** A farmer's capacity, one bar per resource it has (HDD only when it has disks). */
export function CapacityBars ({ free, total }: { free: Resources, total: Resources }) {
  return (
    <>
      <CapacityBar label="CPU" free={free.cru} total={total.cru} format={String} />
      <CapacityBar label="Memory" free={free.mru} total={total.mru} format={formatSize} />
      <CapacityBar label="SSD" free={free.sru} total={total.sru} format={formatSize} />
      {total.hru > 0 && <CapacityBar label="HDD" free={free.hru} total={total.hru} format={formatSize} />}
    </>
  )
}
