import { readFileSync, readdirSync } from 'node:fs'
import { describe, it } from 'node:test'
import { bytesLike, fc, fuzzDecoder } from '@p2pcloud/test-utils'
import { parseDeploymentSpec } from '../src/index.js'

const EXAMPLES = new URL('../../../../examples/', import.meta.url)

/**
 * A spec file is what a user (or the web UI's editor) hands the daemon: every text like the
 * examples (truncated, flipped, spliced) and every JSON value in a spec's shape is a SpecError
 * (with its line and column) or a spec, and never anything else.
 */
describe('spec files, fuzzed', () => {
  const examples = readdirSync(EXAMPLES).filter(name => name.endsWith('.yaml')).map(name => new Uint8Array(readFileSync(new URL(name, EXAMPLES))))
  it('parseDeploymentSpec of texts like the examples', async () => {
    await fuzzDecoder('parseDeploymentSpec (mutated examples)', bytesLike(examples), bytes => parseDeploymentSpec(new TextDecoder().decode(bytes), 'app.yaml'), ['SpecError'])
  })
  it('parseDeploymentSpec of generated values in a spec\'s shape', async () => {
    const value = fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.constantFrom('1G', '-1', '1e400', '0x10', '24h', 'busybox', 'seq', 'BE'))
    const workload = fc.dictionary(fc.constantFrom('name', 'type', 'size', 'mode', 'flist', 'cpu', 'memory', 'mounts', 'env', 'readers', 'network', 'entrypoint'), value)
      .chain(w => fc.constantFrom('volume', 'container', 'zdb', 'network', 'gateway-name', 'vm').map(type => ({ name: 'w', ...w, type: w.type ?? type })))
    const spec = fc.record({ name: value, lease: value, where: value, workloads: fc.oneof(value, fc.array(workload, { maxLength: 4 })) }, { requiredKeys: [] })
    await fuzzDecoder('parseDeploymentSpec (generated)', spec, s => parseDeploymentSpec(JSON.stringify(s), 'app.yaml'), ['SpecError'])
  })
})
