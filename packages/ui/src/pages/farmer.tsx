import { CapacityBars } from '../components/bar.js'
import { ContractsTable } from '../components/contracts.js'
import { Show } from '../components/feedback.js'
import { ReceiptsTable } from '../components/receipts.js'
import { formatAgo, shortId } from '../format.js'
import { useApi } from '../hooks.js'
import type { Advert, Contract, FarmerDeployment, Receipt, Resources } from '../types.js'

/** The twins' deployments this farmer runs, each workload in its state and the farmer's own words. */
function Workloads ({ deployments }: { deployments: FarmerDeployment[] }) {
  if (deployments.length === 0) return <p class="muted">No deployment.</p>
  return (
    <table class="workloads">
      <thead><tr><th>Deployment</th><th>Twin</th><th>Workload</th><th>State</th><th>Message</th><th>Changed</th></tr></thead>
      <tbody>
        {deployments.flatMap(d => d.workloads.map((w, i) => (
          <tr key={`${d.contractId}/${w.name}`} data-workload={`${d.name}/${w.name}`}>
            <td>{i === 0 && <>{d.name} <span class="muted">v{d.version}{d.deleting ? ', being deleted' : ''}</span></>}</td>
            <td>{i === 0 && <code title={d.twin}>{shortId(d.twin)}</code>}</td>
            <td>{w.name} <span class="muted">({w.type})</span></td>
            <td><span class={`tag state-${w.state}`}>{w.state}</span></td>
            <td>{w.message}</td>
            <td>{formatAgo(w.changedAt)}</td>
          </tr>
        )))}
      </tbody>
    </table>
  )
}

/** On a farmer: its capacity in use, its live contracts and what they bring in, what it runs, the receipts it signed. */
export function Farmer () {
  const capacity = useApi<Advert & { reserved?: Resources }>('/v1/capacity', 5_000)
  const contracts = useApi<Contract[]>('/v1/farmer/contracts', 5_000)
  const workloads = useApi<FarmerDeployment[]>('/v1/ui/farmer/workloads', 5_000)
  const receipts = useApi<Receipt[]>('/v1/ui/farmer/receipts', 15_000)
  return (
    <section>
      <h1>Farmer</h1>
      <Show loaded={capacity} what="its capacity">
        {a => (
          <article class="card">
            <header><strong>{a.farm}</strong><span class="tag">{a.country}</span><span class="muted">{a.capabilities.join(', ')}</span></header>
            <CapacityBars free={a.free} total={a.total} />
            <p class="muted">Prices: {a.price.cuHour} {a.price.currency}/CU-h, {a.price.suHour}/SU-h, {a.price.ipv4Hour}/IPv4-h; advert issued {new Date(a.issuedAt).toLocaleTimeString()}, expires {new Date(a.expiresAt).toLocaleTimeString()}</p>
          </article>
        )}
      </Show>
      <h2>Contracts in the live ledger</h2>
      <Show loaded={contracts} what="its contracts">
        {list => (
          <>
            <p class="muted">
              {list.filter(c => c.state === 'active').length} active; {list.filter(c => c.state === 'active').reduce((sum, c) => sum + c.pricePerHour, 0).toFixed(6)} {list[0]?.currency ?? ''}/h booked now
            </p>
            <ContractsTable contracts={list} party="twin" />
          </>
        )}
      </Show>
      <h2>Workloads</h2>
      <Show loaded={workloads} what="its workloads">{list => <Workloads deployments={list} />}</Show>
      <h2>Receipts earned</h2>
      <p class="muted">Signed for the contracts of the live ledger.</p>
      <Show loaded={receipts} what="its receipts">{list => <ReceiptsTable receipts={list} contract />}</Show>
    </section>
  )
}
