import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { parseDeploymentSpec } from '@p2pcloud/twin'
import { specYaml } from '../src/ui-spec-yaml.js'

describe('a deployed spec written back as YAML', () => {
  it('reads back as the same spec: keys as files spell them, sizes in bytes, the lease in its largest unit', () => {
    const spec = parseDeploymentSpec(`
name: app
where: { country: BE, max-price: 0.5 }
lease: 90m
workloads:
  - { name: data, type: volume, size: 1G }
  - name: web
    type: container
    flist: bafibeib4bdizrjfwslqbzkobgpqmw6gmvbfz52x3w4sgsiwstqmz2wnnjq
    entrypoint: [/bin/sh, -c]
    args: ["echo 'quoted: yes' # not a comment"]
    env: { GREETING: "hello: world" }
    mounts: [{ volume: data, path: /data, read-only: true }]
    restart: on-failure
`, 'app.yaml')
    const yaml = specYaml(JSON.parse(JSON.stringify(spec)))
    assert.match(yaml, /lease: 90m\n/)
    assert.match(yaml, /read-only: true/)
    assert.match(yaml, /max-price: 0.5/)
    assert.deepEqual(JSON.parse(JSON.stringify(parseDeploymentSpec(yaml))), JSON.parse(JSON.stringify(spec)))
    assert.doesNotMatch(specYaml(parseDeploymentSpec('name: v\nlease: 2h\nworkloads: [{ name: d, type: volume, size: 1G }]\n')), /where/)
  })

  it('writes a deployment on a private network as its user wrote it: the network by name, its address kept, without the twin\'s network workload', () => {
    const written = parseDeploymentSpec('name: api\nlease: 1h\nworkloads: [{ name: web, type: container, flist: bafibeib4bdizrjfwslqbzkobgpqmw6gmvbfz52x3w4sgsiwstqmz2wnnjq, network: backend }]\n')
    const network = { name: 'net-backend', type: 'network', networkId: '0'.repeat(32), range: '10.20.0.0/16', subnet: 1, members: [] }
    const deployed = { ...written, workloads: [network, { ...written.workloads[0], network: 'net-backend', ip: '10.20.1.2' }] } as typeof written
    const yaml = specYaml(JSON.parse(JSON.stringify(deployed)))
    assert.doesNotMatch(yaml, /net-backend|networkId/)
    assert.deepEqual(parseDeploymentSpec(yaml).workloads, [{ ...written.workloads[0], ip: '10.20.1.2' }])
  })

  it('refuses a spec it cannot write back the same, rather than give a different one', () => {
    const spec = parseDeploymentSpec('name: v\nlease: 2h\nworkloads: [{ name: d, type: volume, size: 1G }]\n')
    assert.throws(() => specYaml({ ...spec, workloads: [{ ...spec.workloads[0], futureField: 1 } as any] }), { name: 'SpecNotWritable' })
  })
})
