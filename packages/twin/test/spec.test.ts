import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { containerKind, type ContainerWorkloadSpec } from '@p2pcloud/runtime'
import { MAX_WORKLOADS, deploymentMessages } from '@p2pcloud/wire'
import {
  formatDuration, InvalidDurationError, parseDeploymentSpec, parseDuration, SpecError, specResources
} from '../src/index.js'

const FARMER = '12D3KooWKnDdG3iXw9eTFijk3EWSunZcFi54Zka4wmtqtt6rPxc8'
const GiB = 2 ** 30
const MiB = 2 ** 20
const HOUR = 3_600_000
const DAY = 24 * HOUR

/** A minimal valid spec with one line replaced or added, so each error case differs from it in one place. */
function spec (lines: { name?: string, lease?: string, workloads?: string, where?: string } = {}): string {
  return [
    lines.name ?? 'name: my-app',
    ...(lines.where != null ? [lines.where] : []),
    lines.lease ?? 'lease: 24h',
    lines.workloads ?? 'workloads:\n  - name: data\n    type: volume\n    size: 10G'
  ].join('\n') + '\n'
}

interface Expected {
  field: string | undefined
  line: number
  column?: number
  message?: RegExp
}

/** Asserts that `text` is refused with a SpecError at this field and line, and that the message says so too. */
function refused (text: string, expected: Expected): SpecError {
  let error: unknown
  try {
    parseDeploymentSpec(text, 'app.yaml')
  } catch (err) {
    error = err
  }
  assert.ok(error instanceof SpecError, `expected a SpecError, got ${String(error)}`)
  assert.equal(error.name, 'SpecError')
  assert.equal(error.field, expected.field, error.message)
  assert.equal(error.line, expected.line, error.message)
  if (expected.column != null) assert.equal(error.column, expected.column, error.message)
  const prefix = `app.yaml:${expected.line}:${error.column}: ${expected.field != null ? `${expected.field}: ` : ''}`
  assert.ok(error.message.startsWith(prefix), `"${error.message}" should start with "${prefix}"`)
  if (expected.message != null) assert.match(error.problem, expected.message)
  return error
}

describe('parseDeploymentSpec: valid specs', () => {
  it('reads a full spec with comments, filters and several volumes', () => {
    const text = `# my application's storage
name: my-app
where:                 # filters, as in p2pcloud find
  country: be
  farm: gent-dc
  capability: volume
  max-price: 0.5
lease: 7d
workloads:
  - name: data
    type: volume
    size: 10G
  - name: logs
    type: volume
    size: 1048576      # plain bytes
  - name: scratch_1
    type: volume
    size: 1.5GiB
`
    assert.deepEqual(parseDeploymentSpec(text, 'app.yaml'), {
      name: 'my-app',
      where: { country: 'BE', farm: 'gent-dc', capability: 'volume', maxPrice: 0.5 },
      leaseMs: 7 * DAY,
      workloads: [
        { name: 'data', type: 'volume', size: 10 * GiB },
        { name: 'logs', type: 'volume', size: MiB },
        { name: 'scratch_1', type: 'volume', size: 1.5 * GiB }
      ]
    })
  })

  it('reads a spec that names one farmer', () => {
    const parsed = parseDeploymentSpec(spec({ where: `where:\n  farmer: ${FARMER}` }))
    assert.deepEqual(parsed.where, { farmer: FARMER })
  })

  it('leaves where empty when it is absent or has no value', () => {
    assert.deepEqual(parseDeploymentSpec(spec()).where, {})
    assert.deepEqual(parseDeploymentSpec(spec({ where: 'where:' })).where, {})
    assert.deepEqual(parseDeploymentSpec(spec({ where: 'where: {}' })).where, {})
  })

  it('ignores a filter key written without a value', () => {
    assert.deepEqual(parseDeploymentSpec(spec({ where: 'where:\n  country:\n  farm: gent-dc' })).where, { farm: 'gent-dc' })
  })

  it('accepts the bounds: a 1m and a 366d lease, a 1M volume, max-price 0', () => {
    assert.equal(parseDeploymentSpec(spec({ lease: 'lease: 1m' })).leaseMs, 60_000)
    assert.equal(parseDeploymentSpec(spec({ lease: 'lease: 366d' })).leaseMs, 366 * DAY)
    const small = parseDeploymentSpec(spec({ workloads: 'workloads:\n  - {name: a, type: volume, size: 1M}' }))
    assert.deepEqual(small.workloads[0], { name: 'a', type: 'volume', size: MiB })
    assert.equal(parseDeploymentSpec(spec({ where: 'where: {max-price: 0}' })).where.maxPrice, 0)
  })

  it('accepts 64 workloads', () => {
    const items = Array.from({ length: MAX_WORKLOADS }, (_, i) => `  - {name: v${i}, type: volume, size: 1G}`)
    assert.equal(parseDeploymentSpec(spec({ workloads: `workloads:\n${items.join('\n')}` })).workloads.length, MAX_WORKLOADS)
  })

  it('keeps a name that YAML would read as a number as it was written', () => {
    assert.equal(parseDeploymentSpec(spec({ name: 'name: 007' })).name, '007')
  })

  it('resolves YAML anchors and aliases', () => {
    const parsed = parseDeploymentSpec(spec({ workloads: 'workloads:\n  - {name: a, type: volume, size: &size 4G}\n  - {name: b, type: volume, size: *size}' }))
    assert.deepEqual(parsed.workloads.map(w => w.type === 'volume' ? w.size : 0), [4 * GiB, 4 * GiB])
  })

  it('reads JSON, which is YAML too', () => {
    const parsed = parseDeploymentSpec(JSON.stringify({ name: 'j', lease: '1h', workloads: [{ name: 'a', type: 'volume', size: '2G' }] }))
    assert.deepEqual(parsed, { name: 'j', where: {}, leaseMs: HOUR, workloads: [{ name: 'a', type: 'volume', size: 2 * GiB }] })
  })
})

describe('specResources', () => {
  it('counts volumes against SRU and nothing else', () => {
    const parsed = parseDeploymentSpec(spec({ workloads: 'workloads:\n  - {name: a, type: volume, size: 10G}\n  - {name: b, type: volume, size: 512M}' }))
    assert.deepEqual(specResources(parsed), { cru: 0, mru: 0, sru: 10 * GiB + 512 * MiB, hru: 0, ipv4u: 0 })
  })
})

describe('parseDeploymentSpec: errors name the field and its line', () => {
  it('gives the whole message as a compiler would', () => {
    const text = 'name: my-app\nlease: 24h\nworkloads:\n  - {name: data, type: volume, size: 10G}\n  - name: logs\n    type: volume\n    size: 10X\n'
    const error = refused(text, { field: 'workloads[1].size', line: 7, column: 11 })
    assert.equal(error.message, 'app.yaml:7:11: workloads[1].size: "10X" is not a size; write e.g. 512M, 4G, 1T or a number of bytes')
    assert.equal(error.source, 'app.yaml')
  })

  it('names the source "spec" when none is given', () => {
    assert.throws(() => parseDeploymentSpec('name: Bad'), { name: 'SpecError', message: /^spec:1:7: name: / })
  })

  describe('name', () => {
    it('missing', () => {
      refused('lease: 24h\nworkloads: [{name: a, type: volume, size: 1G}]\n', { field: 'name', line: 1, message: /^missing; a spec needs a name/ })
    })
    it('written without a value, reported at its key', () => {
      refused(spec({ name: 'name:' }), { field: 'name', line: 1, column: 1, message: /^has no value/ })
    })
    it('with capitals and spaces', () => {
      refused(spec({ name: 'name: My App' }), { field: 'name', line: 1, column: 7, message: /"My App" is not a valid name; use 1 to 36 of a-z, 0-9, _ and -/ })
    })
    it('longer than 36 characters', () => {
      refused(spec({ name: `name: ${'a'.repeat(37)}` }), { field: 'name', line: 1, message: /is not a valid name/ })
    })
    it('that is not text', () => {
      refused(spec({ name: 'name: [a, b]' }), { field: 'name', line: 1, message: /must be text, not a list/ })
    })
  })

  describe('workload names', () => {
    it('invalid', () => {
      refused(spec({ workloads: 'workloads:\n  - name: Data!\n    type: volume\n    size: 1G' }), { field: 'workloads[0].name', line: 4, column: 11, message: /"Data!" is not a valid name/ })
    })
    it('missing', () => {
      refused(spec({ workloads: 'workloads:\n  - type: volume\n    size: 1G' }), { field: 'workloads[0].name', line: 4, column: 5, message: /^missing/ })
    })
    it('used twice, reported at the second', () => {
      const text = spec({ workloads: 'workloads:\n  - name: data\n    type: volume\n    size: 1G\n  - name: data\n    type: volume\n    size: 2G' })
      refused(text, { field: 'workloads[1].name', line: 7, column: 11, message: /"data" is also the name of workloads\[0\]; workload names must be unique/ })
    })
  })

  describe('sizes', () => {
    it('not a size', () => {
      refused(spec({ workloads: 'workloads:\n  - name: data\n    type: volume\n    size: lots' }), { field: 'workloads[0].size', line: 6, column: 11, message: /"lots" is not a size/ })
    })
    it('below 1M', () => {
      refused(spec({ workloads: 'workloads:\n  - name: data\n    type: volume\n    size: 512K' }), { field: 'workloads[0].size', line: 6, message: /512 KiB is smaller than the smallest volume, 1 MiB/ })
    })
    it('a fraction of a byte', () => {
      refused(spec({ workloads: 'workloads:\n  - {name: data, type: volume, size: 1.5}' }), { field: 'workloads[0].size', line: 4, message: /whole number of bytes/ })
    })
    it('missing', () => {
      refused(spec({ workloads: 'workloads:\n  - name: data\n    type: volume' }), { field: 'workloads[0].size', line: 4, message: /^missing; a volume needs a size such as 10G/ })
    })
    it('adding up to more than can be counted', () => {
      const items = Array.from({ length: 3 }, (_, i) => `  - {name: v${i}, type: volume, size: 3P}`)
      refused(spec({ workloads: `workloads:\n${items.join('\n')}` }), { field: 'workloads[2]', line: 6, message: /add up to more bytes/ })
    })
  })

  describe('unknown keys', () => {
    it('at the top, with a guess', () => {
      refused(spec({ lease: 'laese: 24h' }), { field: 'laese', line: 2, column: 1, message: /^unknown key "laese" \(did you mean "lease"\?\); a spec takes name, where, lease and workloads/ })
    })
    it('in a workload', () => {
      refused(spec({ workloads: 'workloads:\n  - name: data\n    type: volume\n    size: 1G\n    sise: 2G' }), { field: 'workloads[0].sise', line: 7, column: 5, message: /unknown key "sise" \(did you mean "size"\?\)/ })
    })
    it('in a workload that misspells type', () => {
      refused(spec({ workloads: 'workloads:\n  - name: data\n    tpye: volume\n    size: 1G' }), { field: 'workloads[0].tpye', line: 5, message: /did you mean "type"/ })
    })
    it('in where, without a guess when nothing is close', () => {
      const error = refused(spec({ where: 'where:\n  region: europe' }), { field: 'where.region', line: 3, column: 3 })
      assert.equal(error.problem, 'unknown key "region"; where takes farmer, country, farm, capability and max-price')
    })
    it('repeated keys, which YAML itself refuses', () => {
      refused(spec({ workloads: 'workloads:\n  - name: data\n    type: volume\n    size: 1G\n    size: 2G' }), { field: undefined, line: 7, column: 5, message: /not valid YAML: Map keys must be unique/ })
    })
  })

  describe('lease', () => {
    it('missing', () => {
      refused('name: a\nworkloads: [{name: a, type: volume, size: 1G}]\n', { field: 'lease', line: 1, message: /^missing/ })
    })
    it('not a duration', () => {
      refused(spec({ lease: 'lease: 24x' }), { field: 'lease', line: 2, column: 8, message: /"24x" is not a duration; write e.g. 90s, 30m, 24h or 7d/ })
    })
    it('a number without a unit', () => {
      refused(spec({ lease: 'lease: 3600' }), { field: 'lease', line: 2, message: /3600 has no unit/ })
    })
    it('too short', () => {
      refused(spec({ lease: 'lease: 59s' }), { field: 'lease', line: 2, message: /59s is shorter than the shortest lease, 1m/ })
    })
    it('too long', () => {
      refused(spec({ lease: 'lease: 367d' }), { field: 'lease', line: 2, message: /367d is longer than the longest lease, 366d/ })
    })
  })

  describe('workload types', () => {
    it('a container with a URL instead of a CID', () => {
      refused(spec({ workloads: 'workloads:\n  - name: web\n    type: container\n    flist: https://example.org/a.flist' }), { field: 'workloads[0].flist', line: 6, message: /is not a CID/ })
    })
    it('a network is the twin\'s own object, not a workload of a spec', () => {
      refused(spec({ workloads: 'workloads:\n  - {name: net, type: network}' }), { field: 'workloads[0]', line: 4, message: /a network is not a workload of a spec: create it with "p2pcloud network create NAME" and give each container that joins it network: NAME/ })
    })
    it('gateway-name and gateway-fqdn: a backend deployment/workload:port, tls terminate unless said, 16 MiB of memory each', () => {
      const parsed = parseDeploymentSpec(spec({ workloads: 'workloads:\n  - {name: www, type: gateway-name, backend: web/httpd:8080}\n  - {name: shop, type: gateway-fqdn, fqdn: shop.example.org, backend: web/tls:8443, tls: passthrough}' }), 'app.yaml')
      assert.deepEqual(parsed.workloads.map(w => ({ ...w, backend: { ...(w as any).backend, at: undefined } })), [
        { name: 'www', type: 'gateway-name', backend: { deployment: 'web', workload: 'httpd', port: 8080, at: undefined }, tls: 'terminate' },
        { name: 'shop', type: 'gateway-fqdn', fqdn: 'shop.example.org', backend: { deployment: 'web', workload: 'tls', port: 8443, at: undefined }, tls: 'passthrough' }
      ])
      assert.deepEqual((parsed.workloads[0] as any).backend.at, { source: 'app.yaml', field: 'workloads[0].backend', line: 4, column: 46 })
      assert.deepEqual(specResources(parsed), { cru: 0, mru: 32 * 2 ** 20, sru: 0, hru: 0, ipv4u: 0 })
      // an overlay ip:port: the twin finds the container with that address when it deploys
      const byAddress = parseDeploymentSpec(spec({ workloads: 'workloads:\n  - {name: www, type: gateway-name, backend: 10.20.3.2:8080}' }), 'app.yaml')
      assert.deepEqual({ ...(byAddress.workloads[0] as any).backend, at: undefined }, { deployment: '', workload: '', port: 8080, address: '10.20.3.2', at: undefined })
    })
    it('gateways: a name that is no DNS label, a bad backend, an overlay address, a bad tls, an fqdn of one label', () => {
      refused(spec({ workloads: 'workloads:\n  - {name: w_w, type: gateway-name, backend: web/httpd:80}' }), { field: 'workloads[0].name', line: 4, message: /"w_w" cannot be a name under the gateway's domain/ })
      refused(spec({ workloads: 'workloads:\n  - {name: www, type: gateway-name, backend: httpd:80}' }), { field: 'workloads[0].backend', line: 4, message: /"httpd:80" is not a backend; write deployment\/workload:port/ })
      refused(spec({ workloads: 'workloads:\n  - {name: www, type: gateway-name, backend: 10.1.2.300:80}' }), { field: 'workloads[0].backend', line: 4, message: /"10\.1\.2\.300" is not an IPv4 address; write ip:port/ })
      refused(spec({ workloads: 'workloads:\n  - {name: www, type: gateway-name, backend: 10.1.2.3:0}' }), { field: 'workloads[0].backend', line: 4, message: /port 0 is outside 1–65535/ })
      refused(spec({ workloads: 'workloads:\n  - {name: www, type: gateway-name, backend: web/httpd:70000}' }), { field: 'workloads[0].backend', line: 4, message: /port 70000 is outside 1–65535/ })
      refused(spec({ workloads: 'workloads:\n  - {name: www, type: gateway-name, backend: web/httpd:80, tls: yes}' }), { field: 'workloads[0].tls', line: 4, message: /"yes" is not a tls mode/ })
      refused(spec({ workloads: 'workloads:\n  - {name: www, type: gateway-fqdn, fqdn: localhost, backend: web/httpd:80}' }), { field: 'workloads[0].fqdn', line: 4, message: /"localhost" is not a lowercase hostname of at least two labels/ })
      refused(spec({ workloads: 'workloads:\n  - {name: www, type: gateway-name, fqdn: a.b, backend: web/httpd:80}' }), { field: 'workloads[0].fqdn', line: 4, message: /unknown key "fqdn"/ })
    })
    it('zdb: size, mode, readers and writers, counted as HDD', () => {
      const parsed = parseDeploymentSpec(spec({ workloads: `workloads:\n  - {name: db, type: zdb, size: 2G, mode: seq, readers: [${FARMER}]}` }), 'app.yaml')
      assert.deepEqual(parsed.workloads, [{ name: 'db', type: 'zdb', size: 2 * GiB, mode: 'seq', readers: [FARMER], writers: [] }])
      assert.deepEqual(specResources(parsed), { cru: 0, mru: 0, sru: 0, hru: 2 * GiB, ipv4u: 0 })
      assert.equal((parseDeploymentSpec(spec({ workloads: 'workloads:\n  - {name: db, type: zdb, size: 1M}' }), 'app.yaml').workloads[0] as any).mode, 'user')
    })
    it('zdb: no size, a bad mode, a bad peer id, an unknown key', () => {
      refused(spec({ workloads: 'workloads:\n  - {name: db, type: zdb}' }), { field: 'workloads[0].size', line: 4, message: /a zdb namespace needs a size/ })
      refused(spec({ workloads: 'workloads:\n  - {name: db, type: zdb, size: 1G, mode: fast}' }), { field: 'workloads[0].mode', line: 4, message: /"fast" is not a zdb mode/ })
      refused(spec({ workloads: 'workloads:\n  - {name: db, type: zdb, size: 1G, writers: [bob]}' }), { field: 'workloads[0].writers[0]', line: 4, message: /"bob" is not a peer id/ })
      refused(spec({ workloads: 'workloads:\n  - {name: db, type: zdb, size: 1G, flist: x}' }), { field: 'workloads[0].flist', line: 4 })
    })
    it('an unknown type', () => {
      refused(spec({ workloads: 'workloads:\n  - {name: a, type: vm, size: 1G}' }), { field: 'workloads[0].type', line: 4, message: /"vm" is not a workload type; known: volume, network, container, zdb, gateway-name, gateway-fqdn/ })
    })
    it('missing', () => {
      refused(spec({ workloads: 'workloads:\n  - name: a\n    size: 1G' }), { field: 'workloads[0].type', line: 4, message: /^missing/ })
    })
  })

  describe('workloads', () => {
    it('missing', () => {
      refused('name: a\nlease: 1h\n', { field: 'workloads', line: 1, message: /^missing/ })
    })
    it('an empty list', () => {
      refused(spec({ workloads: 'workloads: []' }), { field: 'workloads', line: 3, message: /no workloads/ })
    })
    it('not a list', () => {
      refused(spec({ workloads: 'workloads:\n  data: {type: volume}' }), { field: 'workloads', line: 4, message: /must be a list, not a mapping/ })
    })
    it('an entry that is not a mapping', () => {
      refused(spec({ workloads: 'workloads:\n  - {name: a, type: volume, size: 1G}\n  - data' }), { field: 'workloads[1]', line: 5, column: 5, message: /must be a mapping, not "data"/ })
    })
    it('more than 64, reported at the 65th', () => {
      const items = Array.from({ length: MAX_WORKLOADS + 1 }, (_, i) => `  - {name: v${i}, type: volume, size: 1G}`)
      refused(spec({ workloads: `workloads:\n${items.join('\n')}` }), { field: `workloads[${MAX_WORKLOADS}]`, line: 4 + MAX_WORKLOADS, message: /65 workloads; a deployment holds at most 64/ })
    })
  })

  describe('where', () => {
    it('a farmer together with filters', () => {
      refused(spec({ where: `where:\n  farmer: ${FARMER}\n  country: BE` }), { field: 'where.country', line: 4, column: 12, message: /cannot be combined with where.farmer/ })
    })
    it('a farmer that is not a peer id', () => {
      refused(spec({ where: 'where:\n  farmer: 12D3KooWnotapeerid' }), { field: 'where.farmer', line: 3, column: 11, message: /"12D3KooWnotapeerid" is not a peer id/ })
    })
    it('a country that is not a code', () => {
      refused(spec({ where: 'where:\n  country: Belgium' }), { field: 'where.country', line: 3, message: /"Belgium" is not a two-letter ISO 3166 country code/ })
    })
    it('a bad farm name', () => {
      refused(spec({ where: 'where:\n  farm: -gent' }), { field: 'where.farm', line: 3, message: /"-gent" is not a farm name/ })
    })
    it('a bad capability', () => {
      refused(spec({ where: 'where:\n  capability: Big Disks' }), { field: 'where.capability', line: 3, message: /"Big Disks" is not a capability name/ })
    })
    it('a negative max-price', () => {
      refused(spec({ where: 'where:\n  max-price: -1' }), { field: 'where.max-price', line: 3, message: /must be a number ≥ 0/ })
    })
    it('a max-price that is not a number', () => {
      refused(spec({ where: 'where:\n  max-price: cheap' }), { field: 'where.max-price', line: 3, message: /must be a number, not "cheap"/ })
    })
    it('not a mapping', () => {
      refused(spec({ where: 'where: BE' }), { field: 'where', line: 2, column: 8, message: /must be a mapping of farmer, country/ })
    })
  })

  describe('the document', () => {
    it('a YAML syntax error, with its line', () => {
      refused('name: a\nlease: 1h\nworkloads: [\n  {name: a\n', { field: undefined, line: 5, column: 1, message: /^not valid YAML: / })
    })
    it('a bad indentation, with its line', () => {
      refused('name: a\nwhere:\n  country: BE\n farm: gent\nlease: 1h\n', { field: undefined, line: 4, column: 1, message: /^not valid YAML: All mapping items must start at the same column/ })
    })
    it('an unterminated quote', () => {
      const error = refused('name: "a\nlease: 1h\n', { field: undefined, line: 3, message: /^not valid YAML: Missing closing "quote/ })
      assert.match(error.message, /^app\.yaml:3:1: not valid YAML/)
    })
    it('two documents', () => {
      refused(`${spec()}---\n${spec()}`, { field: undefined, line: 7, message: /multiple documents/ })
    })
    it('empty, or only comments', () => {
      refused('', { field: undefined, line: 1, column: 1, message: /the spec is empty/ })
      refused('# nothing yet\n', { field: undefined, line: 1, message: /the spec is empty/ })
    })
    it('not a mapping', () => {
      refused('- name: a\n', { field: undefined, line: 1, message: /^the spec must be a mapping of name, where, lease and workloads, not a list/ })
    })
    it('too long', () => {
      refused(`# ${'x'.repeat(1024 * 1024)}\n${spec()}`, { field: undefined, line: 1, message: /longer than/ })
    })
  })
})

describe('parseDuration', () => {
  it('reads each unit', () => {
    assert.equal(parseDuration('90s'), 90_000)
    assert.equal(parseDuration('30m'), 30 * 60_000)
    assert.equal(parseDuration('24h'), DAY)
    assert.equal(parseDuration(' 7d '), 7 * DAY)
    assert.equal(parseDuration('0s'), 0)
  })

  it('refuses anything else with an example of what works', () => {
    for (const text of ['', '24', '24x', '1.5h', '-1h', '24H', '1h30m', 'h']) {
      assert.throws(() => parseDuration(text), (err: unknown) => {
        assert.ok(err instanceof InvalidDurationError)
        assert.equal(err.name, 'InvalidDurationError')
        assert.match(err.message, /is not a duration( \(a unit is needed\))?; write e.g. 90s, 30m, 24h or 7d$/)
        return true
      }, text)
    }
  })

  it('says a bare number needs a unit', () => {
    assert.throws(() => parseDuration('3600'), { message: '"3600" is not a duration (a unit is needed); write e.g. 90s, 30m, 24h or 7d' })
  })

  it('refuses durations too long to count in milliseconds', () => {
    assert.throws(() => parseDuration('99999999999999d'), { name: 'InvalidDurationError', message: /too long/ })
  })

  it('formats in the largest unit that divides evenly', () => {
    assert.equal(formatDuration(DAY), '1d')
    assert.equal(formatDuration(90 * 60_000), '90m')
    assert.equal(formatDuration(90_000), '90s')
    assert.equal(formatDuration(1500), '1500ms')
    assert.equal(formatDuration(parseDuration('366d')), '366d')
  })
})

describe('container workloads', () => {
  const FLIST = 'bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy'
  const container = (extra: string): string => spec({ workloads: `workloads:\n  - {name: data, type: volume, size: 1G}\n  - name: web\n    type: container\n    flist: ${FLIST}\n${extra}` })

  it('reads every key, with sizes in bytes and env as a mapping', () => {
    const parsed = parseDeploymentSpec(container('    entrypoint: [/bin/httpd]\n    args: [-f, -p, "8080"]\n    workdir: /www\n    env: {MODE: demo, PORT: 8080}\n    cpu: 2\n    memory: 128M\n    rootfs: 64M\n    mounts: [{volume: data, path: /data/, read-only: true}]\n    restart: on-failure'))
    assert.deepEqual(parsed.workloads[1], {
      name: 'web',
      type: 'container',
      flist: FLIST,
      entrypoint: ['/bin/httpd'],
      args: ['-f', '-p', '8080'],
      workdir: '/www',
      env: { MODE: 'demo', PORT: '8080' },
      cpu: 2,
      memory: 128 * MiB,
      rootfs: 64 * MiB,
      mounts: [{ volume: 'data', path: '/data', readOnly: true }],
      restart: 'on-failure'
    })
    assert.deepEqual(specResources(parsed), { cru: 2, mru: 128 * MiB, sru: GiB + 64 * MiB, hru: 0, ipv4u: 0 })
  })

  it('has defaults: 1 core, 256 MiB, a 512 MiB root layer, never restarted', () => {
    const web = parseDeploymentSpec(container('')).workloads[1]
    assert.equal(web.type, 'container')
    assert.deepEqual([web.cpu, web.memory, web.rootfs, web.restart], [1, 256 * MiB, 512 * MiB, 'never'])
  })

  it('refuses a mount of a volume the spec does not have', () => {
    refused(container('    mounts: [{volume: logs, path: /logs}]'), { field: 'workloads[1].mounts[0].volume', line: 5, message: /"logs" is not a volume of this spec; its volumes: data/ })
  })

  it('refuses relative paths, the root and a path mounted twice', () => {
    refused(container('    mounts: [{volume: data, path: data}]'), { field: 'workloads[1].mounts[0].path', line: 8, message: /must be an absolute path/ })
    refused(container('    mounts: [{volume: data, path: /}]'), { field: 'workloads[1].mounts[0].path', line: 8, message: /over the root directory/ })
    refused(container('    mounts: [{volume: data, path: /a}, {volume: data, path: /a/}]'), { field: 'workloads[1].mounts[1].path', line: 8, message: /\/a is mounted twice/ })
    for (const path of ['//data', '/a/./b', '/a//b']) {
      refused(container(`    mounts: [{volume: data, path: "${path}"}]`), { field: 'workloads[1].mounts[0].path', line: 8, message: /is not a normal path/ })
    }
  })

  it('takes a fraction of a core, to the thousandth, and travels it as cpu_milli with cru rounded up', () => {
    const half = parseDeploymentSpec(container('    cpu: 0.5')).workloads[1] as ContainerWorkloadSpec
    assert.equal(half.cpu, 0.5)
    const data = deploymentMessages.ContainerData.decode(containerKind.encode(half))
    assert.deepEqual([data.cru, data.cpuMilli], [1, 500])
    assert.equal(containerKind.resources(containerKind.decode({ name: 'web', type: 'container', version: 1, data: containerKind.encode(half) })).cru, 0.5)
    const whole = deploymentMessages.ContainerData.decode(containerKind.encode({ ...half, cpu: 2 }))
    assert.deepEqual([whole.cru, whole.cpuMilli], [2, 0], 'whole cores encode as before')
  })

  it('refuses too little memory, too little or too finely cut a core, an unknown policy, a bad env name and unknown keys', () => {
    refused(container('    memory: 1M'), { field: 'workloads[1].memory', line: 8, message: /smaller than the smallest memory, 16/ })
    refused(container('    cpu: 0.005'), { field: 'workloads[1].cpu', line: 8, message: /from 0.01 to 256 in steps of 0.001/ })
    refused(container('    cpu: 1.0005'), { field: 'workloads[1].cpu', line: 8, message: /in steps of 0.001 \(0.5 is half a core\), not 1.0005/ })
    refused(container('    restart: sometimes'), { field: 'workloads[1].restart', line: 8, message: /use never, on-failure, always/ })
    refused(container('    env: {1X: a}'), { field: 'workloads[1].env.1X', line: 8, message: /not an environment variable name/ })
    refused(container('    memmory: 1G'), { field: 'workloads[1].memmory', line: 8, message: /did you mean "memory"/ })
  })
})
