import assert from 'node:assert/strict'
import { randomBytes, randomInt } from 'node:crypto'
import { createSocket } from 'node:dgram'
import { stat } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { tempDir } from '@p2pcloud/test-utils'
import { NetworkHome, networkHostId, ownEndpoints, wireguardPublicKey, type StoredNetwork } from '../src/index.js'

const stored = (listenPort: number): StoredNetwork => ({ twin: 'twin', networkId: randomBytes(16).toString('hex'), range: '10.1.0.0/16', subnet: 1, listenPort, workloads: ['c/net'] })

describe('a farmer\'s networks on disk', () => {
  it('makes a network\'s key once, 0600 in a 0700 directory, and gives it back after a restart', async () => {
    const root = await tempDir('network-home')
    const home = new NetworkHome(root, { first: 51820, last: 51821 })
    const keys = await home.keys('0123abcd')
    assert.equal(wireguardPublicKey(keys.privateKey), keys.publicKey)
    assert.deepEqual(await new NetworkHome(root, { first: 51820, last: 51821 }).keys('0123abcd'), keys)
    assert.equal((await stat(join(root, '0123abcd', 'private-key'))).mode & 0o777, 0o600)
    assert.equal((await stat(join(root, '0123abcd'))).mode & 0o777, 0o700)
    await home.remove('0123abcd')
    await assert.rejects(stat(join(root, '0123abcd')), { code: 'ENOENT' })
  })

  it('gives each network the lowest free port of its range, and says when none is left', async () => {
    // a range of its own, so that another test's or farmer's WireGuard does not hold one of its ports
    const first = 40_000 + randomInt(0, 20_000)
    const home = new NetworkHome(await tempDir('network-home'), { first, last: first + 1 })
    assert.equal(await home.freePort('00000001'), first)
    await home.write('00000001', stored(first))
    assert.equal(await home.freePort('00000001'), first, 'its own port is not taken from it')
    assert.equal(await home.freePort('00000002'), first + 1)
    await home.write('00000002', stored(first + 1))
    await assert.rejects(home.freePort('00000003'), new RegExp(`every WireGuard port of ${first}–${first + 1} \\(farmer.network.ports\\) is taken`))
    assert.deepEqual([...(await home.list()).keys()].sort(), ['00000001', '00000002'])
  })

  it('gives each network the lowest egress link no other stored network has and the host does not use', async () => {
    const home = new NetworkHome(await tempDir('network-home'), { first: 40_000, last: 40_001 })
    assert.equal(await home.freeEgressLink('00000001', new Set()), 0)
    await home.write('00000001', { ...stored(40_000), egressLink: 0 })
    assert.equal(await home.freeEgressLink('00000001', new Set()), 0, 'its own link is not taken from it')
    assert.equal(await home.freeEgressLink('00000002', new Set()), 1)
    assert.equal(await home.freeEgressLink('00000002', new Set([1, 2])), 3, 'another farmer on this host holds 1 and 2')
  })

  it('passes over a port something else on the host listens on: another farmer on the same machine', async () => {
    const first = 40_000 + randomInt(0, 20_000)
    const other = createSocket('udp4')
    await new Promise<void>(resolve => other.bind(first, resolve))
    try {
      assert.equal(await new NetworkHome(await tempDir('network-home'), { first, last: first + 1 }).freePort('00000001'), first + 1)
    } finally {
      other.close()
    }
  })

  it('turns only host ids into paths', async () => {
    const home = new NetworkHome(await tempDir('network-home'), { first: 1, last: 2 })
    for (const id of ['../x', '0123ABCD', '0123abc', 'networks']) await assert.rejects(home.keys(id), /is not a network host id/)
  })

  it('names another twin\'s network_id, or the same one on another farmer, differently', () => {
    const id = randomBytes(16).toString('hex')
    assert.match(networkHostId('farmer', 'twin-a', id), /^[0-9a-f]{8}$/)
    assert.notEqual(networkHostId('farmer', 'twin-a', id), networkHostId('farmer', 'twin-b', id))
    assert.notEqual(networkHostId('farmer-1', 'twin-a', id), networkHostId('farmer-2', 'twin-a', id))
  })
})

describe('a farmer\'s own endpoints', () => {
  it('are the IPv4 hosts of its libp2p addresses with the network\'s port: never loopback nor 0.0.0.0, each once', () => {
    const addresses = ['/ip4/127.0.0.1/tcp/4001', '/ip4/198.18.7.10/tcp/4001', '/ip4/0.0.0.0/tcp/4001', '/ip4/198.18.7.10/udp/4001/quic-v1', '/ip6/::1/tcp/4001', '/ip4/203.0.113.5/tcp/4001/p2p/12D3KooWKnDdG3iXw9eTFijk3EWSunZcFi54Zka4wmtqtt6rPxc8']
    assert.deepEqual(ownEndpoints(addresses, 51820), ['198.18.7.10:51820', '203.0.113.5:51820'])
    assert.deepEqual(ownEndpoints(['/ip4/127.0.0.1/tcp/1'], 51820), [])
  })
})
