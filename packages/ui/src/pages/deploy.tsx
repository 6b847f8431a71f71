import { useEffect, useState } from 'preact/hooks'
import { call, get } from '../api.js'
import { ErrorBox, Show } from '../components/feedback.js'
import { SpecEditor } from '../components/spec-editor.js'
import { formatSize, shortId } from '../format.js'
import { useApi } from '../hooks.js'
import type { Advert, Kinds, SpecCheck } from '../types.js'
import { EMPTY_FORM, specYaml, type WizardForm } from '../wizard-spec.js'
import { Choice, Field, GatewayFields, NetworkFields, gatewayKinds } from './deploy-fields.js'

/** How long the YAML must rest before the daemon checks it. */
const CHECK_DELAY_MS = 300

interface Choice { check: SpecCheck, farmers?: Advert[] }

/** The daemon's verdict on the YAML: its spec error, or what it needs and the farmers it would try. */
function useSpecCheck (yaml: string): { choice?: Choice, error?: Error } {
  const [state, setState] = useState<{ choice?: Choice, error?: Error }>({})
  useEffect(() => {
    let live = true
    const timer = setTimeout(() => {
      void (async () => {
        try {
          const check = await call<SpecCheck>('POST', '/v1/ui/check', { spec: yaml, source: 'wizard.yaml' })
          if (live) setState({ choice: { check } })
          if (check.find == null) return
          const farmers = await get<Advert[]>(`/v1/find?${new URLSearchParams(check.find).toString()}`)
          if (live) setState({ choice: { check, farmers } })
        } catch (error: any) {
          if (live) setState({ error })
        }
      })()
    }, CHECK_DELAY_MS)
    return () => { live = false; clearTimeout(timer) }
  }, [yaml])
  return state
}

function needText (need: SpecCheck['need']): string {
  return [need.cru > 0 && `${need.cru} core(s)`, need.mru > 0 && `${formatSize(need.mru)} memory`, need.sru > 0 && `${formatSize(need.sru)} SSD`, need.hru > 0 && `${formatSize(need.hru)} HDD`]
    .filter(Boolean).join(', ')
}

/** Which farmer the deploy will try first, and why that one. */
function FarmerChoice ({ choice }: { choice: Choice }) {
  const { check } = choice
  if (check.find == null) return <p class="choice">The spec names its farmer; the deploy goes there or fails in its words.</p>
  const where = Object.entries(check.find).filter(([k]) => !['cru', 'mru', 'sru', 'hru', 'sort', 'capability'].includes(k)).map(([k, v]) => `${k} ${v}`)
  const filters = [...where, ...(check.capabilities.length > 0 ? [`offering ${check.capabilities.join(' and ')}`] : [])].join(', ')
  if (choice.farmers == null) return <p class="choice muted">Looking for farmers with room for {needText(check.need)}…</p>
  // find searched by one capability: the deploy tries only those offering every one the spec needs
  const farmers = choice.farmers.filter(f => check.capabilities.every(c => f.capabilities.includes(c)))
  if (farmers.length === 0) return <p class="choice error">No farmer {filters !== '' ? `matching ${filters} ` : ''}has room for {needText(check.need)}.</p>
  const first = farmers[0]
  return (
    <p class="choice" data-farmer={first.peerId}>
      Will try <strong>{first.farm}</strong> ({first.country}, <code>{shortId(first.peerId)}</code>) first: the cheapest at {first.price.cuHour} {first.price.currency}/CU-h
      of {farmers.length} farmer(s) {filters !== '' ? `matching ${filters} ` : ''}with room for {needText(check.need)}; the next ones if it does not answer or take it.
    </p>
  )
}

/**
 * The spec as it will be sent, editable, checked by the daemon as it changes, and the button that
 * sends it; `send` answers with the deployment's name (the page goes to it), or throws the
 * daemon's error, shown under the button.
 */
function SpecPane ({ yaml, onChange, action, send, farmerChoice }: { yaml: string, onChange: (yaml: string) => void, action: string, send: () => Promise<string>, farmerChoice: boolean }) {
  const [sending, setSending] = useState(false)
  const [sendError, setSendError] = useState<Error>()
  const { choice, error } = useSpecCheck(yaml)
  // a failed send's words stand for the spec that was sent, not for the next one
  useEffect(() => { setSendError(undefined) }, [yaml])
  const submit = async (): Promise<void> => {
    setSending(true)
    setSendError(undefined)
    try {
      location.hash = `#/deployments/${encodeURIComponent(await send())}`
    } catch (err: any) {
      setSendError(err)
      setSending(false)
    }
  }
  return (
    <div>
      <h2>The spec it sends</h2>
      <SpecEditor yaml={yaml} error={error} onChange={onChange} />
      {error != null ? <ErrorBox error={error} /> : farmerChoice && choice != null && <FarmerChoice choice={choice} />}
      <button type="button" name="send" disabled={sending || error != null} onClick={() => { void submit() }}>{sending ? `${action}…` : action}</button>
      {sendError != null && <ErrorBox error={sendError} />}
    </div>
  )
}

/** A deploy or an update quotes, contracts and waits for the farmer: longer than a plain call. */
const SEND_TIMEOUT_MS = 120_000

/** The deploy wizard: a form that writes the spec, the spec editable, checked by the daemon as it changes. */
export function Deploy () {
  const [form, setFormState] = useState<WizardForm>(EMPTY_FORM)
  const [yaml, setYaml] = useState(specYaml(EMPTY_FORM))
  // the form rewrites the YAML; edits made in the YAML stand until the form changes again
  const setForm = (next: WizardForm): void => { setFormState(next); setYaml(specYaml(next)) }
  const send = async (): Promise<string> => (await call<{ name: string }>('POST', '/v1/deployments', { spec: yaml, source: 'wizard.yaml' }, SEND_TIMEOUT_MS)).name
  const kinds = useApi<Kinds>('/v1/ui/kinds')
  // a gateway the daemon cannot deploy yet is said so in the form; no spec to send
  const unavailable = form.kind === 'gateway' && kinds.data != null && gatewayKinds(kinds.data).length === 0
  return (
    <section>
      <h1>Deploy</h1>
      <div class="wizard">
        <fieldset>
          <Choice label="Kind" name="kind" form={form} set={setForm}>
            <option value="container">Container from a flist</option>
            <option value="volume">Volume</option>
            <option value="zdb">zdb namespace</option>
            <option value="gateway">Gateway to a container</option>
          </Choice>
          <Field label="Name" name="name" form={form} set={setForm} />
          <Field label="Country" name="country" form={form} set={setForm} placeholder="any" />
          <Field label="Lease" name="lease" form={form} set={setForm} />
          {form.kind === 'container' && (
            <>
              <Field label="Flist CID" name="flist" form={form} set={setForm} placeholder="bafi…" />
              <Field label="Command (sh -c)" name="command" form={form} set={setForm} />
              <Field label="Cores" name="cpu" form={form} set={setForm} />
              <Field label="Memory" name="memory" form={form} set={setForm} />
              <Field label="Root filesystem" name="rootfs" form={form} set={setForm} />
              <NetworkFields form={form} set={setForm} />
            </>
          )}
          {(form.kind === 'volume' || form.kind === 'zdb') && <Field label="Size" name="size" form={form} set={setForm} />}
          {form.kind === 'zdb' && (
            <Choice label="Mode" name="mode" form={form} set={setForm}>
              <option value="user">user: you choose the keys</option>
              <option value="seq">seq: the farmer numbers them</option>
            </Choice>
          )}
          {form.kind === 'gateway' && <Show loaded={kinds} what="the kinds it deploys">{k => <GatewayFields form={form} set={setForm} kinds={k} />}</Show>}
        </fieldset>
        {!unavailable && <SpecPane yaml={yaml} onChange={setYaml} action="Deploy" send={send} farmerChoice />}
      </div>
    </section>
  )
}

/** The next version of a deployment: its spec as deployed, edited, sent to the same farmer and contract. */
export function Update ({ name }: { name: string }) {
  const deployed = useApi<{ yaml: string }>(`/v1/ui/deployments/${encodeURIComponent(name)}/spec`)
  const [yaml, setYaml] = useState<string>()
  const send = async (): Promise<string> => {
    await call('PUT', `/v1/deployments/${encodeURIComponent(name)}`, { spec: yaml, source: `${name}.yaml` }, SEND_TIMEOUT_MS)
    return name
  }
  return (
    <section>
      <h1><a href={`#/deployments/${encodeURIComponent(name)}`}>{name}</a> / update</h1>
      <p class="muted">Only the workloads that change are redone, on the same farmer, under the same contract.</p>
      <Show loaded={deployed} what="the spec as deployed">
        {d => <SpecPane yaml={yaml ?? d.yaml} onChange={setYaml} action="Update" send={send} farmerChoice={false} />}
      </Show>
    </section>
  )
}
