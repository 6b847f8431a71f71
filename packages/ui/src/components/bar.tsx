/** How much of a resource is in use: the bar fills with the used part, the label says free of total. */
export function CapacityBar ({ label, free, total, format }: { label: string, free: number, total: number, format: (n: number) => string }) {
  const used = total > 0 ? (total - free) / total : 0
  return (
    <div class="bar" title={`${label}: ${format(total - free)} of ${format(total)} in use`}>
      <span class="bar-label">{label}</span>
      <span class="bar-track"><span class="bar-fill" style={{ width: `${Math.round(used * 100)}%` }} /></span>
      <span class="bar-value">{format(free)} free of {format(total)}</span>
    </div>
  )
}
