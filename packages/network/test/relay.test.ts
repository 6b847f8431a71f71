import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { createSocket } from 'node:dgram'
import { after, before, describe, it } from 'node:test'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { lpStream } from '@libp2p/utils'
import type { PeerId } from '@libp2p/interface'
import { createPeer, defaultConfig, parseConfig, type P2PCloudLibp2p } from '@p2pcloud/node'
import { pings, waitFor, wireguardWorldMissing } from '@p2pcloud/test-utils'
import { ErrorCodes, NETWORK_RELAY_PROTOCOL, networkRelayMessages } from '@p2pcloud/wire'
import { generateWireguardKeys, networkRelay, WireguardDevice, type NetworkRelay, type NetworkRelayInit, type WireguardKeyPair } from '../src/index.js'

const skip = await wireguardWorldMissing()

async function relayPeer (init: NetworkRelayInit): Promise<P2PCloudLibp2p<{ networkRelay: NetworkRelay }>> {
  const base = defaultConfig()
  const config = parseConfig({ ...base, listen: ['/ip4/127.0.0.1/tcp/0'], mdns: { ...base.mdns, enabled: false } }, 'relay test peer')
  return await createPeer({ config, privateKey: await generateKeyPair('Ed25519'), extension: { services: { networkRelay: networkRelay(init) } } })
}

interface Member { keys: WireguardKeyPair, device: WireguardDevice, netns: string, address: string, port: number }

describe('the network relay: WireGuard datagrams over a libp2p stream between members that cannot reach each other', { skip }, () => {
  const networkId = new Uint8Array(randomBytes(16))
  const members: Member[] = []
  const peers: P2PCloudLibp2p[] = []
  let a: Awaited<ReturnType<typeof relayPeer>>
  let b: Awaited<ReturnType<typeof relayPeer>>

  /** A WireGuard device made here, its overlay end moved into a namespace of its own with `address`/16. */
  const member = async (address: string): Promise<Member> => {
    const tag = randomBytes(3).toString('hex')
    const keys = generateWireguardKeys()
    const device = await WireguardDevice.create(`p2pwr-${tag}`, { implementation: 'wireguard-go' })
    await device.configure({ privateKey: keys.privateKey, listenPort: 0, peers: [] })
    const netns = `p2pwr-${tag}`
    execFileSync('ip', ['netns', 'add', netns])
    await device.moveTo(netns)
    execFileSync('ip', ['-n', netns, 'addr', 'add', `${address}/16`, 'dev', device.name])
    execFileSync('ip', ['-n', netns, 'link', 'set', device.name, 'up'])
    const m = { keys, device, netns, address, port: (await device.status()).listenPort }
    members.push(m)
    return m
  }

  /** Whether `remote`, with `key`, is `member` run by `peer` in this network: what a farmer checks against its network's member list. */
  const admits = (member: Member, peer: () => P2PCloudLibp2p, id: Uint8Array, remote: PeerId, key: Uint8Array): boolean =>
    Buffer.from(id).equals(networkId) && remote.equals(peer().peerId) && Buffer.from(key).toString('base64') === member.keys.publicKey

  before(async () => {
    await member('10.88.1.1')
    await member('10.88.2.1')
    const [ma, mb] = members
    // each side admits the other member only, with the key its network lists for it
    a = await relayPeer({ authorize: (id, remote, key) => admits(mb, () => b, id, remote, key) ? { wireguardPort: ma.port } : undefined })
    b = await relayPeer({
      authorize: (id, remote, key) => admits(ma, () => a, id, remote, key) ? { wireguardPort: mb.port } : undefined,
      onInbound: (_id, _peer, relay) => { void mb.device.configure({ privateKey: mb.keys.privateKey, listenPort: mb.port, peers: [{ publicKey: ma.keys.publicKey, allowedIps: ['10.88.1.0/24'], endpoint: `127.0.0.1:${relay.port}` }] }) }
    })
    peers.push(a, b)
    await a.dial(b.getMultiaddrs()[0])
  })

  after(async () => {
    await Promise.all(peers.map(async peer => peer.stop()))
    for (const m of members) {
      await m.device.destroy().catch(() => {})
      execFileSync('ip', ['netns', 'del', m.netns])
    }
  })

  const ping = async (from: Member, to: Member): Promise<boolean> => await pings(from.netns, to.address)

  it('carries a ping between two members whose only path is the relay, and stops when it closes', async () => {
    const [ma, mb] = members
    const relay = await a.services.networkRelay.open(b.peerId, networkId, new Uint8Array(Buffer.from(ma.keys.publicKey, 'base64')), ma.port)
    await ma.device.configure({ privateKey: ma.keys.privateKey, listenPort: ma.port, peers: [{ publicKey: mb.keys.publicKey, allowedIps: ['10.88.2.0/24'], endpoint: `127.0.0.1:${relay.port}`, persistentKeepalive: 1 }] })
    await waitFor('a ping from a to b through the relay', async () => await ping(ma, mb), 15_000)
    assert.equal(await ping(mb, ma), true)
    assert.ok(relay.counters.sent > 0 && relay.counters.received > 0, JSON.stringify(relay.counters))
    assert.equal(a.services.networkRelay.relayTo(networkId, b.peerId), relay)

    // the relay's socket takes datagrams from our WireGuard alone: the kernel refuses another's
    const intruder = createSocket('udp4')
    await new Promise<void>(resolve => intruder.connect(relay.port, '127.0.0.1', () => { resolve() }))
    const refused = new Promise<string>(resolve => intruder.once('error', (err: NodeJS.ErrnoException) => { resolve(err.code ?? err.message) }))
    intruder.send(Buffer.from('not wireguard'))
    assert.equal(await refused, 'ECONNREFUSED')
    intruder.close()
    assert.equal(await ping(ma, mb), true)

    await relay.close()
    await waitFor('b to see the relay closed', () => b.services.networkRelay.relayTo(networkId, a.peerId) === undefined)
    assert.equal(await ping(ma, mb), false, 'no relay, no path')
  })

  it('answers a stranger, a member with another key and an unknown network alike: NOT_FOUND', async () => {
    const stranger = await relayPeer({ authorize: () => undefined })
    peers.push(stranger)
    await stranger.dial(b.getMultiaddrs()[0])
    const [ma] = members
    const key = new Uint8Array(Buffer.from(ma.keys.publicKey, 'base64'))
    const refusals = await Promise.all([
      stranger.services.networkRelay.open(b.peerId, networkId, key, 1).catch(err => err),
      a.services.networkRelay.open(b.peerId, networkId, new Uint8Array(32).fill(7), ma.port).catch(err => err),
      a.services.networkRelay.open(b.peerId, new Uint8Array(16), key, ma.port).catch(err => err)
    ])
    for (const err of refusals) {
      assert.equal(err.name, 'RemoteError')
      assert.equal(err.code, ErrorCodes.NOT_FOUND)
      assert.match(err.message, /no such network here, or you are not a member of it/)
    }
    const short = await a.services.networkRelay.open(b.peerId, new Uint8Array(3), key, ma.port).catch(err => err)
    assert.equal(short.code, ErrorCodes.BAD_REQUEST)
    assert.match(short.message, /network_id must be 16 bytes, not 3/)
  })

  it('resets a relay whose peer sends a frame longer than a datagram', async () => {
    const [ma] = members
    const stream = await a.dialProtocol(b.peerId, NETWORK_RELAY_PROTOCOL)
    const frames = lpStream(stream)
    await frames.write(networkRelayMessages.RelayOpen.encode({ networkId, publicKey: new Uint8Array(Buffer.from(ma.keys.publicKey, 'base64')) }))
    assert.equal(networkRelayMessages.RelayAccept.decode(await frames.read()).error, undefined)
    await waitFor('b to hold the relay', () => b.services.networkRelay.relayTo(networkId, a.peerId) !== undefined)
    await frames.write(new Uint8Array(4096))
    await waitFor('b to drop the relay', () => b.services.networkRelay.relayTo(networkId, a.peerId) === undefined)
    await waitFor('the stream to be reset', () => stream.status !== 'open')
  })
})
