import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { peerIdFromString } from '@libp2p/peer-id'
import { publicKeyToProtobuf } from '@libp2p/crypto/keys'
import { defaultConfig, initHome, startHomePeer, type P2PCloudLibp2p } from '@p2pcloud/node'
import { dialAddress, startLoopbackPeer, startLoopbackStar, stopAll } from '@p2pcloud/sim'
import { tempDir, waitFor } from '@p2pcloud/test-utils'

const TOPIC = '/p2pcloud/test/1.0.0'

async function waitForFullMesh (peers: P2PCloudLibp2p[]): Promise<void> {
  // the DHT's routing table fill and random walk connect the spokes of the star to each other
  await waitFor('every peer to connect to every other', () => peers.every(peer => peer.getPeers().length === peers.length - 1), 30_000)
}

describe('mesh on loopback', () => {
  it('two peers find each other through bootstrap, both directions', async () => {
    const peers = await startLoopbackStar(2)
    try {
      await waitForFullMesh(peers)
      assert.ok(peers[0].getPeers()[0].equals(peers[1].peerId))
    } finally {
      await stopAll(peers)
    }
  })

  it('five peers: bootstrap from one peer leads to a full mesh, DHT put/get and gossip reach all', async () => {
    const peers = await startLoopbackStar(5)
    try {
      await waitForFullMesh(peers)

      // DHT: a real record type (the public key record, validated by kad-dht) put by one peer, read by another
      const owner = peers[1]
      const keyBytes = new Uint8Array([...new TextEncoder().encode('/pk/'), ...owner.peerId.toMultihash().bytes])
      const value = publicKeyToProtobuf(owner.peerId.publicKey!)
      for await (const _ of owner.services.dht.put(keyBytes, value)) { /* drain the query */ }
      let found: Uint8Array | undefined
      for await (const event of peers[4].services.dht.get(keyBytes)) {
        if (event.name === 'VALUE') found = event.value
      }
      assert.ok(found != null, 'peer 4 finds the record peer 1 put')
      assert.deepEqual(Buffer.from(found), Buffer.from(value), 'and reads the same bytes')

      // gossip: every peer subscribes; one publishes; all others receive the same bytes
      const received = peers.map(() => [] as string[])
      peers.forEach((peer, index) => {
        peer.services.pubsub.subscribe(TOPIC)
        peer.services.pubsub.addEventListener('message', event => {
          if (event.detail.topic === TOPIC) received[index].push(new TextDecoder().decode(event.detail.data))
        })
      })
      await waitFor('every peer to see the other four in the topic', () =>
        peers.every(peer => peer.services.pubsub.getSubscribers(TOPIC).length === 4))
      await peers[0].services.pubsub.publish(TOPIC, new TextEncoder().encode('capacity!'))
      await waitFor('the message to reach all four other peers', () => received.slice(1).every(messages => messages.length === 1))
      assert.deepEqual(received.slice(1), [['capacity!'], ['capacity!'], ['capacity!'], ['capacity!']])
      assert.deepEqual(received[0], [], 'no echo to the publisher')
    } finally {
      await stopAll(peers)
    }
  })

  it('a restarted peer keeps its peer id and reconnects to the peers it knew, without bootstrap', async () => {
    const hub = await startLoopbackPeer()
    const home = await tempDir('restart')
    const base = defaultConfig()
    await initHome(home, { listen: ['/ip4/127.0.0.1/tcp/0'], mdns: { ...base.mdns, enabled: false } })
    try {
      const first = await startHomePeer(home, { bootstrap: [dialAddress(hub)] })
      const peerId = first.libp2p.peerId.toString()
      await waitFor('the first run to connect to the hub', () => first.libp2p.getPeers().length === 1)
      // the tag that tells libp2p to reconnect is written to the peer store on connect
      await waitFor('the hub to be remembered', async () => (await first.libp2p.peerStore.get(hub.peerId)).tags.size > 0)
      await first.stop()
      await waitFor('the hub to notice the disconnect', () => hub.getPeers().length === 0)

      const second = await startHomePeer(home)
      try {
        assert.equal(second.config.bootstrap.length, 0, 'no bootstrap list on the second run')
        assert.equal(second.libp2p.peerId.toString(), peerId)
        await waitFor('the restarted peer to reconnect to the hub', () =>
          second.libp2p.getPeers().some(p => p.equals(hub.peerId)))
        assert.ok(hub.getPeers().some(p => p.equals(peerIdFromString(peerId))))
      } finally {
        await second.stop()
      }
    } finally {
      await hub.stop()
    }
  })
})
