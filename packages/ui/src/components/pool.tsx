import { useState } from 'preact/hooks'
import { call, progressed } from '../api.js'
import { formatSize, shortId } from '../format.js'
import { useAction, useApi } from '../hooks.js'
import type { PoolUsage, StoragePool } from '../types.js'
import { CapacityBar } from './bar.js'
import { ErrorBox, Show } from './feedback.js'
import { Objects } from './objects.js'

const HEALTH_CLASS: Record<PoolUsage['health'], string> = { healthy: 'ok', degraded: 'state-init', unreadable: 'state-error' }

/** Growing moves every object to new namespaces, each a deploy: it may take minutes. */
const GROW_TIMEOUT_MS = 600_000

/** How full the pool is and whether every namespace answers, as its farmers say now. */
function PoolUse ({ use }: { use: PoolUsage }) {
  return (
    <>
      <CapacityBar label="Used" free={use.sizeBytes - use.usedBytes} total={use.sizeBytes} format={formatSize} />
      <ul class="paths">
        {use.usage.map(m => (
          <li key={m.deployment} data-member={m.deployment}>
            {m.farm} ({m.country}, <code>{shortId(m.farmer)}</code>): {m.health === 'ok'
              ? `${formatSize(m.usedBytes)} of ${formatSize(m.maxBytes)}, ${m.entries} entries`
              : <span class="tag state-error">not answering</span>}
            {m.health === 'unreachable' && <span class="muted"> {m.reason}</span>}
          </li>
        ))}
      </ul>
    </>
  )
}

/** Grow every namespace to a new size, or remove the pool (past farmers that do not answer, if the user says so). */
function PoolActions ({ pool, changed }: { pool: StoragePool, changed: () => void }) {
  // "128 MiB" is a size the daemon reads too
  const [size, setSize] = useState(formatSize(pool.namespaceBytes * 2))
  const [steps, setSteps] = useState<string[]>([])
  const { busy, error, run } = useAction()
  const path = `/v1/store/pools/${encodeURIComponent(pool.name)}`
  const grow = async (): Promise<void> => {
    setSteps([])
    await progressed<string, unknown>('POST', `${path}/grow`, { size }, step => { setSteps(s => [...s, step]) }, AbortSignal.timeout(GROW_TIMEOUT_MS))
    changed()
  }
  const remove = async (force: boolean): Promise<void> => { await call('DELETE', `${path}${force ? '?force=1' : ''}`, undefined, GROW_TIMEOUT_MS); changed() }
  return (
    <div class="actions">
      <form name="grow" onSubmit={e => { e.preventDefault(); void run('growing', grow) }}>
        <label>Namespace size <input name="grow" value={size} onInput={e => { setSize(e.currentTarget.value) }} /></label>
        <button type="submit" class="secondary" disabled={busy != null}>Grow</button>
      </form>
      <button type="button" name="remove" class="danger" disabled={busy != null} onClick={() => { if (confirm(`Remove pool ${pool.name} and every object in it?`)) void run('removing', async () => remove(false)) }}>Remove pool</button>
      {error?.name === 'FarmerNotAnswering' && <button type="button" class="danger" onClick={() => { void run('removing', async () => remove(true)) }}>Remove it anyway</button>}
      {busy != null && <span class="muted">{busy}…</span>}
      {steps.length > 0 && <ul class="steps">{steps.map((s, i) => <li key={i}>{s}</li>)}</ul>}
      {error != null && <ErrorBox error={error} />}
    </div>
  )
}

/** A storage pool: its shape, its use and health (asked of its farmers), its objects, grow and remove. */
export function PoolCard ({ pool, changed }: { pool: StoragePool, changed: () => void }) {
  const use = useApi<PoolUsage>(`/v1/store/pools/${encodeURIComponent(pool.name)}`)
  const health = use.data?.health
  return (
    <article class="card pool" data-pool={pool.name}>
      <header>
        <strong>{pool.name}</strong>
        <span class="tag">{pool.dataShards}+{pool.parityShards}</span>
        {health != null && <span class={`tag ${HEALTH_CLASS[health]}`} data-health={health}>{health}</span>}
        <span class="muted">{formatSize(pool.namespaceBytes)} per namespace; any {pool.dataShards} of {pool.members.length} farmers give every object back</span>
      </header>
      <Show loaded={use} what="how full its namespaces are">{u => <PoolUse use={u} />}</Show>
      <Objects pool={pool.name} changed={use.reload} />
      <PoolActions pool={pool} changed={() => { changed(); use.reload() }} />
    </article>
  )
}
