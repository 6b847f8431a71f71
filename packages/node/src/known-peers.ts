import { KEEP_ALIVE, type Libp2p } from '@libp2p/interface'

/** libp2p's reconnect queue redials, at start and after a drop, every peer whose tag starts with KEEP_ALIVE. */
export const KNOWN_PEER_TAG = `${KEEP_ALIVE}-p2pcloud-known`

/**
 * Remember up to `limit` peers we were connected to, so that a restarted peer
 * finds its way back into the mesh without a bootstrap list. The tag lives in
 * the persistent peer store; libp2p drops it by itself when redials keep
 * failing (and says so with `peer:reconnect-failure`). The tagged peers are
 * read from the peer store once, not on every connection.
 */
export function keepKnownPeers (node: Libp2p, limit: number): void {
  if (limit === 0) return
  let known: Promise<Set<string>> | undefined
  const knownPeers = async (): Promise<Set<string>> => {
    known ??= node.peerStore.all({ filters: [(peer) => peer.tags.has(KNOWN_PEER_TAG)] })
      .then(peers => new Set(peers.map(peer => peer.id.toString())))
    return known
  }
  let tagging = Promise.resolve()
  node.addEventListener('peer:connect', (event) => {
    const peerId = event.detail
    // one at a time, so that the count below is never read stale
    tagging = tagging.then(async () => {
      const tagged = await knownPeers()
      if (tagged.size >= limit || tagged.has(peerId.toString())) return
      await node.peerStore.merge(peerId, { tags: { [KNOWN_PEER_TAG]: { value: 50 } } })
      tagged.add(peerId.toString())
    }).catch(() => {
      // the peer store is closing (shutdown); nothing to remember
    })
  })
  node.addEventListener('peer:reconnect-failure', (event) => {
    void knownPeers().then(tagged => tagged.delete(event.detail.toString()), () => {})
  })
}
