import { useState } from 'preact/hooks'
import { progressed } from '../api.js'
import { ErrorBox, Show } from '../components/feedback.js'
import { PoolCard } from '../components/pool.js'
import { useApi } from '../hooks.js'
import type { StoragePool } from '../types.js'

/** Reserving a pool: k+m zdb namespaces on distinct farmers, each step reported as it happens. */
function NewPool ({ created }: { created: () => void }) {
  const [form, setForm] = useState({ name: 'default', data: '2', parity: '1', size: '1G', lease: '30d', country: '' })
  const [steps, setSteps] = useState<string[]>([])
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<Error>()
  const create = async (): Promise<void> => {
    setBusy(true)
    setError(undefined)
    setSteps([])
    try {
      const body = { name: form.name, data: Number(form.data), parity: Number(form.parity), size: form.size, lease: form.lease, where: form.country !== '' ? { country: form.country } : {} }
      // reserving k+m namespaces, each a deploy, takes a while: two minutes before giving up
      await progressed<string, unknown>('POST', '/v1/store/pools', body, step => { setSteps(s => [...s, step]) }, AbortSignal.timeout(120_000))
      created()
    } catch (err: any) {
      setError(err)
    } finally {
      setBusy(false)
    }
  }
  const field = (name: keyof typeof form, label: string) => (
    <label>{label}<input name={name} value={form[name]} onInput={e => { setForm({ ...form, [name]: e.currentTarget.value }) }} /></label>
  )
  return (
    <form class="filters" onSubmit={e => { e.preventDefault(); void create() }}>
      {field('name', 'Pool name')}{field('data', 'Data shards (k)')}{field('parity', 'Parity shards (m)')}{field('size', 'Namespace size')}{field('lease', 'Lease')}{field('country', 'Country')}
      <button type="submit" disabled={busy}>{busy ? 'Reserving…' : 'Reserve pool'}</button>
      {steps.length > 0 && <ul class="steps">{steps.map((s, i) => <li key={i}>{s}</li>)}</ul>}
      {error != null && <ErrorBox error={error} />}
    </form>
  )
}

/** The 3Bot's storage: its pools, and each pool's objects. */
export function Storage () {
  const pools = useApi<StoragePool[]>('/v1/store/pools')
  return (
    <section>
      <h1>Storage</h1>
      <Show loaded={pools} what="its storage pools">
        {list => (
          <>
            {list.length === 0 && <p class="muted">No storage pool yet: reserve one to store files, encrypted and spread over k+m farmers.</p>}
            {list.map(pool => <PoolCard key={`${pool.name} ${pool.namespaceBytes}`} pool={pool} changed={pools.reload} />)}
            <h2>New pool</h2>
            <NewPool created={pools.reload} />
          </>
        )}
      </Show>
    </section>
  )
}
