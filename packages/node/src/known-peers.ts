import { KEEP_ALIVE, type Libp2p } from '@libp2p/interface'

/** libp2p's reconnect queue redials, at start and after a drop, every peer whose tag starts with KEEP_ALIVE. */
export const KNOWN_PEER_TAG = `${KEEP_ALIVE}-p2pcloud-known`

/**
 * Remember up to `limit` peers we were connected to, so that a restarted peer
 * finds its way back into the mesh without a bootstrap list. The tag lives in
 * the persistent peer store; libp2p drops it by itself when redials keep failing.
 */
export function keepKnownPeers (node: Libp2p, limit: number): void {
  if (limit === 0) return
  let tagging = Promise.resolve()
  node.addEventListener('peer:connect', (event) => {
    const peerId = event.detail
    // one at a time, so that the count below is never read stale
    tagging = tagging.then(async () => {
      const known = await node.peerStore.all({
        filters: [(peer) => peer.tags.has(KNOWN_PEER_TAG)]
      })
      if (known.length >= limit || known.some(peer => peer.id.equals(peerId))) return
      await node.peerStore.merge(peerId, { tags: { [KNOWN_PEER_TAG]: { value: 50 } } })
    }).catch(() => {
      // the peer store is closing (shutdown); nothing to remember
    })
  })
}
