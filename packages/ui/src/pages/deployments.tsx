import { ContractsTable } from '../components/contracts.js'
import { Show } from '../components/feedback.js'
import { formatAgo, shortId } from '../format.js'
import { useApi } from '../hooks.js'
import type { Contract, Deployment } from '../types.js'

/** The deployments this 3Bot holds, and their contracts as the farmers' ledgers hold them. */
export function Deployments () {
  const list = useApi<Deployment[]>('/v1/deployments', 5_000)
  const contracts = useApi<Contract[]>('/v1/contracts', 15_000)
  return (
    <section>
      <h1>Deployments <a class="button" href="#/deploy">Deploy…</a></h1>
      <Show loaded={list} what="its deployments">
        {deployments => deployments.length === 0
          ? <p class="muted">No deployment yet. <a href="#/deploy">Deploy one.</a></p>
          : (
            <table>
              <thead><tr><th>Name</th><th>Workloads</th><th>Farmer</th><th>Version</th><th>Created</th></tr></thead>
              <tbody>
                {deployments.map(d => (
                  <tr key={d.name}>
                    <td><a href={`#/deployments/${encodeURIComponent(d.name)}`}>{d.name}</a></td>
                    <td>{d.spec.workloads.map(w => `${w.name} (${w.type})`).join(', ')}</td>
                    <td><code title={d.farmer}>{shortId(d.farmer)}</code></td>
                    <td>{d.version}</td>
                    <td>{formatAgo(d.createdAt)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            )}
      </Show>
      <h2>Contracts</h2>
      <Show loaded={contracts} what="the contracts, from each farmer">{list => <ContractsTable contracts={list} party="farmer" />}</Show>
    </section>
  )
}
