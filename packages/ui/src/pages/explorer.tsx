import { useState } from 'preact/hooks'
import { CapacityBars } from '../components/bar.js'
import { Show } from '../components/feedback.js'
import { shortId } from '../format.js'
import { useApi } from '../hooks.js'
import type { Advert, Peer } from '../types.js'

/** The filters of `p2pcloud find`, as its query parameters. */
const FILTERS = [
  { key: 'country', label: 'Country', placeholder: 'BE' },
  { key: 'farm', label: 'Farm', placeholder: 'gent' },
  { key: 'capability', label: 'Capability', placeholder: 'container' },
  { key: 'cru', label: 'Free cores', placeholder: '1' },
  { key: 'mru', label: 'Free memory', placeholder: '1G' },
  { key: 'sru', label: 'Free SSD', placeholder: '10G' },
  { key: 'hru', label: 'Free HDD', placeholder: '0' },
  { key: 'max-price', label: 'Max price / CU-h', placeholder: '0.1' },
  { key: 'limit', label: 'At most', placeholder: '20' }
] as const

/** Whether this peer holds a connection to the farmer now: one it reached or that reached it. */
function Reach ({ peer }: { peer?: Peer }) {
  if (peer == null) return <span class="tag" title="no open connection; a deploy dials it">not connected</span>
  const direct = peer.connections.some(c => !c.remoteAddress.includes('/p2p-circuit'))
  return <span class="tag ok" title={peer.connections.map(c => `${c.direction} ${c.remoteAddress}`).join('\n')}>{direct ? 'connected' : 'relayed'}</span>
}

function FarmerCard ({ farmer, peer }: { farmer: Advert, peer?: Peer }) {
  return (
    <article class="card farmer" data-peer={farmer.peerId}>
      <header>
        <strong>{farmer.farm}</strong>
        <span class="tag">{farmer.country}{farmer.city !== '' ? ` · ${farmer.city}` : ''}</span>
        <Reach peer={peer} />
        <code title={farmer.peerId}>{shortId(farmer.peerId)}</code>
      </header>
      <CapacityBars free={farmer.free} total={farmer.total} />
      <p class="muted">
        {farmer.capabilities.join(', ') || 'no capabilities'} · {farmer.price.cuHour} {farmer.price.currency}/CU-h, {farmer.price.suHour}/SU-h
        {' · '}{farmer.addresses.length} address{farmer.addresses.length === 1 ? '' : 'es'}
        {farmer.source != null && <> · known from {farmer.source}</>}
        {' · '}advert expires {new Date(farmer.expiresAt).toLocaleTimeString()}
      </p>
    </article>
  )
}

/** Farmers per country: a click filters on it. */
function Countries ({ farmers, pick }: { farmers: Advert[], pick: (country: string) => void }) {
  const counts = new Map<string, number>()
  for (const farmer of farmers) counts.set(farmer.country, (counts.get(farmer.country) ?? 0) + 1)
  return (
    <div class="countries">
      {[...counts].sort((a, b) => b[1] - a[1]).map(([country, n]) => (
        <button type="button" class="chip" key={country} onClick={() => { pick(country) }}>{country} <b>{n}</b></button>
      ))}
    </div>
  )
}

/** The farmers this peer knows, filtered as `p2pcloud find` filters them. */
export function Explorer () {
  const [draft, setDraft] = useState<Record<string, string>>({})
  const [applied, setApplied] = useState<Record<string, string>>({})
  const query = new URLSearchParams(Object.entries(applied).filter(([, v]) => v.trim() !== '')).toString()
  // the directory answers at once; the same query with the DHT (up to 10 s when few match) follows
  const known = useApi<Advert[]>(`/v1/find?${query === '' ? '' : `${query}&`}local=1`)
  const found = useApi<Advert[]>(`/v1/find${query === '' ? '' : `?${query}`}`, 15_000)
  const farmers = found.data != null || found.error != null ? found : known
  const peers = useApi<Peer[]>('/v1/peers', 15_000)
  const connected = new Map((peers.data ?? []).map(peer => [peer.peerId, peer]))
  const apply = (filters: Record<string, string>): void => { setDraft(filters); setApplied(filters) }
  return (
    <section>
      <h1>Explorer</h1>
      <form class="filters" onSubmit={e => { e.preventDefault(); apply(draft) }}>
        {FILTERS.map(f => (
          <label key={f.key}>{f.label}
            <input name={f.key} placeholder={f.placeholder} value={draft[f.key] ?? ''} onInput={e => { setDraft({ ...draft, [f.key]: e.currentTarget.value }) }} />
          </label>
        ))}
        <label>Sort
          <select name="sort" value={draft.sort ?? 'price'} onChange={e => { setDraft({ ...draft, sort: e.currentTarget.value }) }}>
            <option value="price">cheapest first</option>
            <option value="free">most free first</option>
          </select>
        </label>
        <button type="submit">Find</button>
        <button type="button" class="secondary" onClick={() => { apply({}) }}>Clear</button>
      </form>
      <Show loaded={farmers} what="the farmers it knows">
        {list => (
          <>
            <p class="muted">
              {list.length} farmer{list.length === 1 ? '' : 's'}{query !== '' ? ` matching ${query.replaceAll('&', ', ')}` : ''}
              {farmers === known && ' in the directory; asking the DHT for more…'}
            </p>
            <Countries farmers={list} pick={country => { apply({ ...applied, country }) }} />
            <div class="grid">{list.map(farmer => <FarmerCard key={farmer.peerId} farmer={farmer} peer={connected.get(farmer.peerId)} />)}</div>
          </>
        )}
      </Show>
    </section>
  )
}
