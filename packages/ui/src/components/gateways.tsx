import type { GatewayView } from '../types.js'

const BACKEND_CLASS: Record<GatewayView['backend'], string> = { answers: 'ok', 'does not answer': 'state-error', 'not checked yet': 'state-init' }

/** The URL a gateway reported, as a link only when it is http(s): it is the gateway farmer's word, and a `javascript:` one must not be clickable. */
function GatewayUrl ({ url }: { url: string }) {
  const web = URL.canParse(url) && ['http:', 'https:'].includes(new URL(url).protocol)
  return web ? <a href={url} target="_blank" rel="noopener noreferrer">{url}</a> : <code>{url}</code>
}

/** A deployment's gateway names: where each is served and whether its backend answered the gateway's last check. */
export function Gateways ({ gateways }: { gateways: GatewayView[] }) {
  return (
    <table class="gateways">
      <thead><tr><th>Name</th><th>URL</th><th>Backend</th><th>Checked</th></tr></thead>
      <tbody>
        {gateways.map(g => (
          <tr key={g.name} data-gateway={g.name}>
            <td>{g.name}</td>
            <td><GatewayUrl url={g.url} /></td>
            <td><span class={`tag ${BACKEND_CLASS[g.backend] ?? ''}`} data-backend={g.backend}>backend {g.backend}</span>{g.detail != null && <span class="muted"> {g.detail}</span>}</td>
            <td>{g.checkedAt != null ? new Date(g.checkedAt).toLocaleTimeString() : ''}</td>
          </tr>
        ))}
      </tbody>
    </table>
  )
}
