import { useState } from 'preact/hooks'
import { progressed } from '../api.js'
import { ErrorBox, Show } from '../components/feedback.js'
import { Objects } from '../components/objects.js'
import { formatSize, shortId } from '../format.js'
import { useApi } from '../hooks.js'

interface Pool {
  name: string
  dataShards: number
  parityShards: number
  namespaceBytes: number
  leaseMs: number
  createdAt: number
  members: Array<{ deployment: string, farmer: string, farm: string, country: string }>
}

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
  const pools = useApi<Pool[]>('/v1/store/pools')
  return (
    <section>
      <h1>Storage</h1>
      <Show loaded={pools} what="its storage pools">
        {list => (
          <>
            {list.length === 0 && <p class="muted">No storage pool yet: reserve one to store files, encrypted and spread over k+m farmers.</p>}
            {list.map(pool => (
              <article class="card pool" key={pool.name} data-pool={pool.name}>
                <header>
                  <strong>{pool.name}</strong>
                  <span class="tag">{pool.dataShards}+{pool.parityShards}</span>
                  <span class="muted">{formatSize(pool.namespaceBytes)} per namespace; any {pool.dataShards} of {pool.members.length} farmers give every object back</span>
                </header>
                <p class="muted">{pool.members.map(m => `${m.farm} (${m.country}, ${shortId(m.farmer)})`).join(' · ')}</p>
                <Objects pool={pool.name} />
              </article>
            ))}
            <h2>New pool</h2>
            <NewPool created={pools.reload} />
          </>
        )}
      </Show>
    </section>
  )
}
