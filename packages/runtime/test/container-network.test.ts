import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { SpecReader } from '@p2pcloud/farmer'
import { deploymentMessages } from '@p2pcloud/wire'
import { containerKind } from '../src/index.js'

const FLIST = 'bafkreiaxnnnb7qz2focittuqq3ya25q7rcv3bqynnczfzako47346wosmu'

/** One container workload of a spec, read by its kind as the twin reads it. */
function parse (extra: string): ReturnType<typeof containerKind.parseSpec> {
  const reader = new SpecReader(`name: api\ntype: container\nflist: ${FLIST}\n${extra}`, 'app.yaml')
  const root = reader.root()
  return containerKind.parseSpec(reader, reader.mapping(root), root, 'api')
}

const decode = (network: string, ip: string): unknown => {
  const spec = { ...parse(''), network, ip }
  return containerKind.decode({ name: 'api', type: 'container', version: 1, data: containerKind.encode(spec) })
}

describe('a container\'s network and ip', () => {
  it('are read from a spec: a network name, and an address in it when given', () => {
    assert.deepEqual({ ...parse('network: backend\nip: 10.20.3.7\n') }, { ...parse(''), network: 'backend', ip: '10.20.3.7' })
    assert.equal(parse('network: backend\n').ip, undefined)
    assert.throws(() => parse('network: Back/end\n'), /app\.yaml:4:\d+: network: "Back\/end" is not a network name/)
    assert.throws(() => parse('network: backend\nip: 10.20.3.300\n'), /ip: "10\.20\.3\.300" is not an IPv4 address/)
    assert.throws(() => parse('ip: 10.20.3.7\n'), /ip: an ip is an address in a network: give the container a network too/)
  })

  it('travel as ContainerData 11 and 12, both set or both empty, or the farmer refuses them (15c)', () => {
    const data = deploymentMessages.ContainerData.decode(containerKind.encode({ ...parse(''), network: 'net', ip: '10.20.3.7' }))
    assert.equal(data.network, 'net')
    assert.equal(data.ip, '10.20.3.7')
    assert.equal(deploymentMessages.ContainerData.decode(containerKind.encode(parse(''))).network, '')
    assert.doesNotThrow(() => decode('net', '10.20.3.7'))
    assert.throws(() => decode('net', ''), { code: 'BAD_REQUEST', message: 'container "api": network "net" is given without an ip' })
    assert.throws(() => decode('', '10.20.3.7'), { code: 'BAD_REQUEST', message: 'container "api": ip 10.20.3.7 is given without a network' })
    assert.throws(() => decode('../net', '10.20.3.7'), { code: 'BAD_REQUEST', message: /container "api": network "\.\.\/net" is not a workload name/ })
    assert.throws(() => decode('net', '10.20.3.07'), { code: 'BAD_REQUEST', message: 'container "api": ip "10.20.3.07" is not a dotted IPv4 address' })
    assert.throws(() => decode('net', '10.20.3.7\n'), { code: 'BAD_REQUEST', message: /is not a dotted IPv4 address/ })
  })
})
