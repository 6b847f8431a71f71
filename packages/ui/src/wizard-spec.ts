/**
 * The deploy wizard's form, written as the spec YAML the daemon parses. Strings are written as
 * JSON, which is YAML too: no quoting rule of YAML's own can bite a value typed in the form.
 */

export type WizardKind = 'container' | 'volume' | 'zdb'

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
  /** volume and zdb namespace */
  size: string
  /** zdb: user (the user picks the keys) or seq (the farmer numbers them) */
  mode: string
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
  size: '1G',
  mode: 'user'
}

const text = (value: string): string => JSON.stringify(value)

function workloadYaml (form: WizardForm): string[] {
  if (form.kind === 'volume') {
    return ['  - name: data', '    type: volume', `    size: ${form.size}`]
  }
  if (form.kind === 'zdb') {
    return ['  - name: db', '    type: zdb', `    size: ${form.size}`, `    mode: ${form.mode}`]
  }
  return [
    '  - name: app',
    '    type: container',
    `    flist: ${form.flist === '' ? '""   # the CID that p2pcloud flist publish printed' : form.flist}`,
    '    entrypoint: [/bin/sh, -c]',
    `    args: [${text(form.command)}]`,
    `    cpu: ${form.cpu}`,
    `    memory: ${form.memory}`,
    `    rootfs: ${form.rootfs}`
  ]
}

export function specYaml (form: WizardForm): string {
  return [
    `name: ${form.name}`,
    ...(form.country !== '' ? ['where:', `  country: ${form.country}`] : []),
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
