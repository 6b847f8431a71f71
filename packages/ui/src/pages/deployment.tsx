import { useState } from 'preact/hooks'
import { call } from '../api.js'
import { ErrorBox, Show } from '../components/feedback.js'
import { Gateways } from '../components/gateways.js'
import { Logs } from '../components/logs.js'
import { formatAgo } from '../format.js'
import { ReceiptsTable } from '../components/receipts.js'
import { useAction, useApi, useLatestLine } from '../hooks.js'
import type { Deployment as DeploymentView, Receipt, WorkloadStatus } from '../types.js'

/** How often the page asks for the deployment's record and contract; the workloads' states are pushed. */
const RECORD_REFRESH_MS = 10_000

/** Each workload's state as the farmer's watch pushes it, else as the last `show` had it. */
function Workloads ({ name, deployment }: { name: string, deployment: DeploymentView }) {
  const watch = useLatestLine<{ workloads: WorkloadStatus[] }>(`/v1/ui/deployments/${encodeURIComponent(name)}/watch`)
  const states = watch.data?.workloads ?? deployment.status?.workloads ?? []
  return (
    <>
      <p class="muted">{watch.live ? <span class="tag ok" data-watch="live">live from the farmer</span> : <span class="tag">connecting to the farmer's watch…</span>}</p>
      {watch.error != null && <ErrorBox error={watch.error} />}
      <table class="workloads">
        <thead><tr><th>Workload</th><th>Type</th><th>Version</th><th>State</th><th>The farmer says</th><th>Changed</th></tr></thead>
        <tbody>
          {states.map(w => (
            <tr key={w.name} data-workload={w.name}>
              <td>{w.name}</td><td>{w.type}</td><td>{w.version}</td>
              <td><span class={`tag state-${w.state}`} data-state={w.state}>{w.state}</span></td>
              <td>{w.message}</td>
              <td>{formatAgo(w.changedAt)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  )
}

/** What the deployment's contract cost so far, in the farmer's signed receipts. */
function Receipts ({ name }: { name: string }) {
  const receipts = useApi<Receipt[]>(`/v1/deployments/${encodeURIComponent(name)}/receipts`, RECORD_REFRESH_MS)
  return <Show loaded={receipts} what="the receipts">{list => <ReceiptsTable receipts={list} />}</Show>
}

/** Renew and remove: the daemon's answer (or the farmer's refusal) shows under the buttons. */
function Actions ({ name, reload }: { name: string, reload: () => void }) {
  const [lease, setLease] = useState('24h')
  const { busy, error, run: act } = useAction()
  const path = `/v1/deployments/${encodeURIComponent(name)}`
  const renew = async (shorten = false): Promise<void> => { await call('POST', `${path}/renew`, { lease, shorten }); reload() }
  const remove = async (force: boolean): Promise<void> => { await call('DELETE', `${path}${force ? '?force=1' : ''}`); location.hash = '#/deployments' }
  return (
    <div class="actions">
      <form onSubmit={e => { e.preventDefault(); void act('renewing', async () => renew()) }}>
        <label>Lease from now <input name="lease" value={lease} onInput={e => { setLease(e.currentTarget.value) }} /></label>
        <button type="submit" disabled={busy != null}>Renew</button>
      </form>
      <a class="button secondary" href={`#/deployments/${encodeURIComponent(name)}/update`}>Update…</a>
      <button type="button" class="danger" disabled={busy != null} onClick={() => { if (confirm(`Remove ${name}? Its farmer deletes everything of it.`)) void act('removing', async () => remove(false)) }}>Remove</button>
      {error?.name === 'LeaseWouldShorten' && <button type="button" class="danger" onClick={() => { void act('renewing', async () => renew(true)) }}>Shorten it anyway</button>}
      {error?.name === 'FarmerNotAnswering' && <button type="button" class="danger" onClick={() => { void act('removing', async () => remove(true)) }}>Forget it here anyway</button>}
      {busy != null && <span class="muted">{busy}…</span>}
      {error != null && <ErrorBox error={error} />}
    </div>
  )
}

/** One deployment: the farmer's live word on each workload, its contract, its logs, renew and remove. */
export function Deployment ({ name }: { name: string }) {
  const deployment = useApi<DeploymentView>(`/v1/deployments/${encodeURIComponent(name)}`, RECORD_REFRESH_MS)
  return (
    <section>
      <h1><a href="#/deployments">Deployments</a> / {name}</h1>
      <Show loaded={deployment} what={`deployment ${name}`}>
        {d => (
          <>
            <p class="muted">
              Version {d.version} on farmer <code>{d.farmer}</code>; contract <code>{d.contractId.slice(0, 16)}…</code>
              {d.contract != null && <> {d.contract.state}, lease until {new Date(d.contract.leaseEnd).toLocaleString()}</>}
            </p>
            {d.unreachable != null && <p class="error">Farmer unreachable since {new Date(d.unreachable.since).toLocaleString()} ({d.unreachable.reason}); below is what this 3Bot knows. Remove, then “Forget it here anyway”, forgets it here.</p>}
            <Workloads name={name} deployment={d} />
            {d.gateways != null && d.gateways.length > 0 && <><h2>Gateway names</h2><Gateways gateways={d.gateways} /></>}
            <Actions name={name} reload={deployment.reload} />
            <h2>Costs</h2>
            <Receipts name={name} />
            {d.spec.workloads.filter(w => w.type === 'container').map(w => <Logs key={w.name} deployment={name} workload={w.name} />)}
          </>
        )}
      </Show>
    </section>
  )
}
