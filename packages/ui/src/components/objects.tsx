import { useState } from 'preact/hooks'
import { call, get } from '../api.js'
import { download } from '../download.js'
import { formatSize } from '../format.js'
import { useApi } from '../hooks.js'
import { upload } from '../upload.js'
import { ErrorBox, Show } from './feedback.js'
import { Progress } from './progress.js'

interface ObjectInfo { objectId: string, name: string, size: number, createdAt: string, segments: number }
interface Listing { objects: ObjectInfo[], unreadable: Array<{ objectId: string, error: string }>, unreachable: Array<{ namespace: string, reason: string }> }
interface Health { healthy: boolean, readable: boolean, minGoodShards: number, counts: Record<string, number> }

/** One transfer or check at a time per object list: what it is and how far it got. */
interface Work { what: string, done: number, total: number }

function HealthText ({ health }: { health: Health }) {
  const counts = Object.entries(health.counts).filter(([, n]) => n > 0).map(([state, n]) => `${n} ${state}`).join(', ')
  return <span class={`tag ${health.healthy ? 'ok' : 'state-error'}`}>{health.healthy ? 'healthy' : health.readable ? 'readable, needs repair' : 'unreadable'} ({counts})</span>
}

/** A pool's objects: upload, download (with progress), shard health, delete; `changed` after a store or delete. */
export function Objects ({ pool, changed }: { pool: string, changed?: () => void }) {
  const query = `pool=${encodeURIComponent(pool)}`
  const listing = useApi<Listing>(`/v1/store/objects?${query}`)
  const [work, setWork] = useState<Work>()
  const [error, setError] = useState<Error>()
  const [health, setHealth] = useState<Record<string, Health>>({})
  const run = async (job: () => Promise<void>): Promise<void> => {
    setError(undefined)
    try {
      await job()
    } catch (err: any) {
      setError(err)
    } finally {
      setWork(undefined)
    }
  }
  const put = async (file: File): Promise<void> => {
    setWork({ what: `Storing ${file.name}`, done: 0, total: file.size })
    await upload(`/v1/ui/objects?${query}&name=${encodeURIComponent(file.name)}`, file, sent => { setWork({ what: `Storing ${file.name}`, done: sent, total: file.size }) })
    listing.reload()
    changed?.()
  }
  const fetchObject = async (o: ObjectInfo): Promise<void> => {
    setWork({ what: `Fetching ${o.name}`, done: 0, total: o.size })
    await download(`/v1/store/objects/${o.objectId}?${query}`, o.name, o.size, received => { setWork({ what: `Fetching ${o.name}`, done: received, total: o.size }) })
  }
  const check = async (o: ObjectInfo): Promise<void> => {
    setWork({ what: `Checking ${o.name}`, done: 0, total: 0 })
    const status = await get<Health>(`/v1/store/objects/${o.objectId}/status?${query}`)
    setHealth(h => ({ ...h, [o.objectId]: status }))
  }
  const remove = async (o: ObjectInfo): Promise<void> => {
    await call('DELETE', `/v1/store/objects/${o.objectId}?${query}`)
    listing.reload()
    changed?.()
  }
  return (
    <div class="objects">
      <label class="upload">Store a file
        <input type="file" name="upload" disabled={work != null} onChange={e => {
          const file = e.currentTarget.files?.[0]
          e.currentTarget.value = ''
          if (file != null) void run(async () => put(file))
        }} />
      </label>
      {work != null && (work.total > 0 ? <Progress {...work} /> : <p class="muted">{work.what}…</p>)}
      {error != null && <ErrorBox error={error} />}
      <Show loaded={listing} what="the pool's objects">
        {l => (
          <>
            {l.unreachable.map(u => <p class="error" key={u.namespace}>namespace {u.namespace} could not be listed: {u.reason}</p>)}
            {l.unreadable.map(u => <p class="error" key={u.objectId}>object {u.objectId}: {u.error}</p>)}
            {l.objects.length === 0
              ? <p class="muted">No object in this pool.</p>
              : (
                <table>
                  <thead><tr><th>Name</th><th>Size</th><th>Stored</th><th>Id</th><th>Health</th><th /></tr></thead>
                  <tbody>
                    {l.objects.map(o => (
                      <tr key={o.objectId} data-object={o.name}>
                        <td>{o.name}</td><td>{formatSize(o.size)}</td><td>{new Date(o.createdAt).toLocaleString()}</td><td><code>{o.objectId}</code></td>
                        <td>{health[o.objectId] != null ? <HealthText health={health[o.objectId]} /> : <button type="button" class="secondary" disabled={work != null} onClick={() => { void run(async () => check(o)) }}>Check</button>}</td>
                        <td class="row-actions">
                          <button type="button" name="fetch" disabled={work != null} onClick={() => { void run(async () => fetchObject(o)) }}>Fetch</button>
                          <button type="button" class="danger" disabled={work != null} onClick={() => { if (confirm(`Delete ${o.name} from every namespace?`)) void run(async () => remove(o)) }}>Delete</button>
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
                )}
          </>
        )}
      </Show>
    </div>
  )
}
