import { formatSize, shortId } from '../format.js'
import type { Contract, Resources } from '../types.js'

const HOUR_MS = 3_600_000

function resourcesText (r: Resources): string {
  return [r.cru > 0 && `${r.cru} core${r.cru === 1 ? '' : 's'}`, r.mru > 0 && `${formatSize(r.mru)} RAM`, r.sru > 0 && `${formatSize(r.sru)} SSD`, r.hru > 0 && `${formatSize(r.hru)} HDD`, r.ipv4u > 0 && `${r.ipv4u} IPv4`]
    .filter(Boolean).join(', ') || 'nothing'
}

/** Contracts with what they book and cost; `party` names the other side (the farmer for a 3Bot, the twin for a farmer). */
export function ContractsTable ({ contracts, party }: { contracts: Contract[], party: 'farmer' | 'twin' }) {
  if (contracts.length === 0) return <p class="muted">No contract.</p>
  return (
    <table class="contracts">
      <thead><tr><th>Contract</th><th>{party === 'farmer' ? 'Farmer' : 'Twin'}</th><th>State</th><th>Books</th><th>Price</th><th>Lease</th><th>Whole lease</th></tr></thead>
      <tbody>
        {contracts.map(c => {
          const hours = (Date.parse(c.leaseEnd) - Date.parse(c.leaseStart)) / HOUR_MS
          return (
            <tr key={c.id}>
              <td><code title={c.id}>{c.id.slice(0, 12)}…</code></td>
              <td><code title={c[party]}>{shortId(c[party])}</code></td>
              <td><span class={`tag ${c.state === 'active' ? 'ok' : ''}`}>{c.state}</span></td>
              <td>{resourcesText(c.resources)}</td>
              <td>{c.pricePerHour.toFixed(6)} {c.currency}/h</td>
              <td>{new Date(c.leaseStart).toLocaleString()} → {new Date(c.leaseEnd).toLocaleString()}</td>
              <td>{(c.pricePerHour * hours).toFixed(4)} {c.currency}</td>
            </tr>
          )
        })}
      </tbody>
    </table>
  )
}
