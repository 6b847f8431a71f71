/**
 * The deploy wizard's form, written as the spec YAML the daemon parses. Strings are written as
 * JSON, which is YAML too: no quoting rule of YAML's own can bite a value typed in the form.
 */

export type WizardKind = 'container' | 'volume' | 'zdb' | 'gateway'

export interface WizardForm {
  kind: WizardKind
  name: string
  country: string
  lease: string
  /** container */
  flist: string
  command: string
  cpu: string
  memory: string
  rootfs: string
  /** container: one of the 3Bot's private networks ('' for none), and its address there ('' for the lowest free) */
  network: string
  ip: string
  /** volume and zdb namespace */
  size: string
  /** zdb: user (the user picks the keys) or seq (the farmer numbers them) */
  mode: string
  /** gateway: a name under the farmer's domain, or an fqdn of the user's pointed at it */
  gatewayType: 'gateway-name' | 'gateway-fqdn'
  fqdn: string
  /** gateway: `deployment/workload:port` */
  backend: string
  tls: 'terminate' | 'passthrough' | 'none'
  /** gateway: the peer id of the gateway farmer ('' for any offering gateway) */
  farmer: string
}

export const EMPTY_FORM: WizardForm = {
  kind: 'container',
  name: 'web',
  country: '',
  lease: '1h',
  flist: '',
  command: 'echo hello; while true; do date; sleep 2; done',
  cpu: '1',
  memory: '64M',
  rootfs: '64M',
  network: '',
  ip: '',
  size: '1G',
  mode: 'user',
  gatewayType: 'gateway-name',
  fqdn: '',
  backend: '',
  tls: 'terminate',
  farmer: ''
}

const text = (value: string): string => JSON.stringify(value)

function workloadYaml (form: WizardForm): string[] {
  if (form.kind === 'volume') {
    return ['  - name: data', '    type: volume', `    size: ${form.size}`]
  }
  if (form.kind === 'zdb') {
    return ['  - name: db', '    type: zdb', `    size: ${form.size}`, `    mode: ${form.mode}`]
  }
  if (form.kind === 'gateway') {
    return [
      `  - name: ${form.name}`,
      `    type: ${form.gatewayType}`,
      ...(form.gatewayType === 'gateway-fqdn' ? [`    fqdn: ${text(form.fqdn)}`] : []),
      `    backend: ${text(form.backend)}`,
      `    tls: ${form.tls}`
    ]
  }
  return [
    '  - name: app',
    '    type: container',
    `    flist: ${form.flist === '' ? '""   # the CID that p2pcloud flist publish printed' : form.flist}`,
    '    entrypoint: [/bin/sh, -c]',
    `    args: [${text(form.command)}]`,
    `    cpu: ${form.cpu}`,
    `    memory: ${form.memory}`,
    `    rootfs: ${form.rootfs}`,
    ...(form.network !== '' ? [`    network: ${text(form.network)}`] : []),
    ...(form.network !== '' && form.ip !== '' ? [`    ip: ${text(form.ip)}`] : [])
  ]
}

function where (form: WizardForm): string[] {
  const lines = [
    ...(form.country !== '' ? [`  country: ${form.country}`] : []),
    ...(form.kind === 'gateway' && form.farmer !== '' ? [`  farmer: ${form.farmer}`] : [])
  ]
  return lines.length > 0 ? ['where:', ...lines] : []
}

export function specYaml (form: WizardForm): string {
  return [
    `name: ${form.name}`,
    ...where(form),
    `lease: ${form.lease}`,
    'workloads:',
    ...workloadYaml(form)
  ].join('\n') + '\n'
}

/** The line and column a SpecError names (`wizard.yaml:5:3: …`), if it names one. */
export function errorPlace (message: string): { line: number, column: number } | undefined {
  const match = /^[^:\n]*:(\d+):(\d+): /.exec(message)
  return match == null ? undefined : { line: Number(match[1]), column: Number(match[2]) }
}
