import { CapacityBars } from '../components/bar.js'
import { ContractsTable } from '../components/contracts.js'
import { Show } from '../components/feedback.js'
import { useApi } from '../hooks.js'
import type { Advert, Contract, Resources } from '../types.js'

/** On a farmer: its capacity in use, its live contracts and what they bring in at their prices. */
export function Farmer () {
  const capacity = useApi<Advert & { reserved?: Resources }>('/v1/capacity', 5_000)
  const contracts = useApi<Contract[]>('/v1/farmer/contracts', 5_000)
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
    </section>
  )
}
