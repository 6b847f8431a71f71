import type { ComponentChildren } from 'preact'
import { ErrorBox } from '../components/feedback.js'
import { shortId } from '../format.js'
import { useApi } from '../hooks.js'
import type { Advert, Deployment, Kinds, Network } from '../types.js'
import type { WizardForm } from '../wizard-spec.js'

interface FieldProps { label: string, name: keyof WizardForm, form: WizardForm, set: (form: WizardForm) => void }

export function Field ({ label, name, form, set, placeholder }: FieldProps & { placeholder?: string }) {
  return (
    <label>{label}
      <input name={name} placeholder={placeholder} value={form[name]} onInput={e => { set({ ...form, [name]: e.currentTarget.value }) }} />
    </label>
  )
}

export function Choice ({ label, name, form, set, children }: FieldProps & { children: ComponentChildren }) {
  return (
    <label>{label}
      <select name={name} value={form[name]} onChange={e => { set({ ...form, [name]: e.currentTarget.value }) }}>{children}</select>
    </label>
  )
}

/** A container's private network: one of this 3Bot's, and its address there if the user wants one. */
export function NetworkFields ({ form, set }: { form: WizardForm, set: (form: WizardForm) => void }) {
  const networks = useApi<Network[]>('/v1/networks')
  const picked = networks.data?.find(n => n.name === form.network)
  return (
    <>
      <Choice label="Private network" name="network" form={form} set={set}>
        <option value="">none: loopback only</option>
        {(networks.data ?? []).map(n => <option key={n.name} value={n.name}>{n.name} ({n.range})</option>)}
      </Choice>
      {networks.data?.length === 0 && <p class="hint">No network yet: <a href="#/networks">create one</a>.</p>}
      {picked != null && <Field label="Address in it (optional)" name="ip" form={form} set={set} placeholder="the lowest free of the farmer's /24" />}
    </>
  )
}

/** The gateway kinds this daemon deploys; none until the gateway kinds are registered in it. */
export function gatewayKinds (kinds: Kinds): string[] {
  return kinds.kinds.map(k => k.type).filter(type => type.startsWith('gateway-'))
}

/**
 * A gateway: a name under a gateway farmer's domain (or the user's fqdn pointed at it) in front
 * of a container port of the user's deployments. Offered only when this daemon knows the kind.
 */
export function GatewayFields ({ form, set, kinds }: { form: WizardForm, set: (form: WizardForm) => void, kinds: Kinds }) {
  const available = gatewayKinds(kinds)
  const deployments = useApi<Deployment[]>(available.length > 0 ? '/v1/deployments' : null)
  const gateways = useApi<Advert[]>(available.length > 0 ? '/v1/find?capability=gateway' : null)
  if (available.length === 0) {
    return (
      <p class="error" data-unavailable="gateway">
        Gateways are not available on this daemon: it deploys {kinds.kinds.map(k => k.type).join(', ')}
        {kinds.planned.length > 0 && `; ${kinds.planned.join(', ')} not yet`}.
      </p>
    )
  }
  // the gateway reaches a container from inside its private network: only those on one are backends
  const backends = (deployments.data ?? []).flatMap(d => d.spec.workloads.filter(w => w.type === 'container' && w.network != null).map(w => `${d.name}/${w.name}`))
  const [target = '', port = ''] = form.backend.split(':')
  const setBackend = (next: string, nextPort: string): void => { set({ ...form, backend: next === '' ? '' : `${next}:${nextPort}` }) }
  const farmer = gateways.data?.find(g => g.peerId === form.farmer)
  return (
    <>
      <label>Type
        <select name="gatewayType" value={form.gatewayType} onChange={e => { set({ ...form, gatewayType: e.currentTarget.value as WizardForm['gatewayType'] }) }}>
          {available.includes('gateway-name') && <option value="gateway-name">a name under the gateway's domain</option>}
          {available.includes('gateway-fqdn') && <option value="gateway-fqdn">my own domain name, pointed at the gateway</option>}
        </select>
      </label>
      {form.gatewayType === 'gateway-fqdn' && <Field label="Domain name" name="fqdn" form={form} set={set} placeholder="app.example.org" />}
      <label>Backend container
        <select name="backend" value={target} onChange={e => { setBackend(e.currentTarget.value, port === '' ? '8080' : port) }}>
          <option value="">pick one of your containers</option>
          {backends.map(b => <option key={b} value={b}>{b}</option>)}
        </select>
      </label>
      {deployments.data != null && backends.length === 0 && <p class="hint">No container of yours is on a private network: a gateway reaches only those.</p>}
      {target !== '' && <label>Its port<input name="port" value={port} onInput={e => { setBackend(target, e.currentTarget.value) }} /></label>}
      <Choice label="TLS" name="tls" form={form} set={set}>
        <option value="terminate">terminate: the gateway's certificate (ACME)</option>
        <option value="passthrough">passthrough: the backend's own, by SNI</option>
        <option value="none">none: plain HTTP</option>
      </Choice>
      <Choice label="Gateway farmer" name="farmer" form={form} set={set}>
        <option value="">the cheapest offering gateway</option>
        {(gateways.data ?? []).map(g => <option key={g.peerId} value={g.peerId}>{g.farm} ({g.country}) {g.gatewayDomain ?? ''} {shortId(g.peerId)}</option>)}
      </Choice>
      {gateways.error != null && <ErrorBox error={gateways.error} />}
      {farmer?.gatewayDomain != null && form.gatewayType === 'gateway-name' && <p class="hint">Reachable at <code>{form.name}.{farmer.gatewayDomain}</code></p>}
    </>
  )
}
