/** A deployment spec (YAML) of one 1 GiB volume "data" on a Belgian farmer for an hour. */
export function volumeSpecYaml (name: string): string {
  return `
name: ${name}
where:
  country: BE
lease: 1h
workloads:
  - name: data
    type: volume
    size: 1G
`
}
