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

/**
 * A deployment of one busybox container "web" on farmer `farmer` in `network`: it serves its
 * /www on :8080 and tries every target each second, printing "from T: PAGE" or "no T".
 * (busybox 1.35's wget -T crashes when it cannot connect: timeout bounds it instead.)
 */
export function networkWebSpec (name: string, farmer: string, flist: string, network: string, targets: string[], ip?: string): string {
  const loop = `httpd -p 8080 -h /www; while true; do for t in ${targets.join(' ')}; do p=$(timeout 3 wget -qO- http://$t:8080/ 2>/dev/null) && echo "from $t: $p" || echo "no $t"; done; sleep 1; done`
  return [
    `name: ${name}`, 'where:', `  farmer: ${farmer}`, 'lease: 1h', 'workloads:',
    '  - name: web', '    type: container', `    flist: ${flist}`, `    network: ${network}`, ...(ip != null ? [`    ip: ${ip}`] : []),
    '    entrypoint: [/bin/sh, -c]', `    args: [${JSON.stringify(loop)}]`, '    cpu: 1', '    memory: 64M', '    rootfs: 64M', ''
  ].join('\n')
}
