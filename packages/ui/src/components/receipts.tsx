import { formatMoney } from '../format.js'
import type { Receipt } from '../types.js'

const time = (ms: number): string => new Date(ms).toLocaleString()

/** Signed usage receipts, newest first, with what each period cost and the sum. */
export function ReceiptsTable ({ receipts, contract = false }: { receipts: Receipt[], contract?: boolean }) {
  if (receipts.length === 0) return <p class="muted">No receipt yet: the farmer signs one per period of a lease, and a last one when it ends.</p>
  const newest = [...receipts].sort((a, b) => b.periodEnd - a.periodEnd)
  const currencies = [...new Set(receipts.map(r => r.currency))]
  const totals = currencies.map(c => formatMoney(receipts.filter(r => r.currency === c).reduce((sum, r) => sum + r.amountMicro, 0), c)).join(' + ')
  return (
    <>
      <p data-receipts={receipts.length}>{receipts.length} receipt{receipts.length === 1 ? '' : 's'}, <strong>{totals}</strong> in all.</p>
      <table class="receipts">
        <thead><tr>{contract && <th>Contract</th>}<th>#</th><th>Period</th><th>CU-h</th><th>SU-h</th><th>Amount</th></tr></thead>
        <tbody>
          {newest.map(r => (
            <tr key={`${r.contractId}/${r.seq}`}>
              {contract && <td><code title={r.contractId}>{r.contractId.slice(0, 12)}…</code></td>}
              <td>{r.seq}</td>
              <td>{time(r.periodStart)} → {time(r.periodEnd)}</td>
              <td>{(r.cuHoursMilli / 1000).toFixed(3)}</td>
              <td>{(r.suHoursMilli / 1000).toFixed(3)}</td>
              <td>{formatMoney(r.amountMicro, r.currency)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  )
}
