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

  it('refuses a spec it cannot write back the same, rather than give a different one', () => {
    const spec = parseDeploymentSpec('name: v\nlease: 2h\nworkloads: [{ name: d, type: volume, size: 1G }]\n')
    assert.throws(() => specYaml({ ...spec, workloads: [{ ...spec.workloads[0], futureField: 1 } as any] }), { name: 'SpecNotWritable' })
  })
})
