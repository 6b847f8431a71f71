import { identify } from '@libp2p/identify'
import { tcp } from '@libp2p/tcp'
import { createHelia } from 'helia'

/**
 * A Helia node with Helia's own libp2p defaults, except what would leave this machine: it listens
 * on loopback TCP only, discovers nobody (no bootstrappers, no mDNS), runs no DHT, delegated
 * routing or NAT services, and asks no HTTP gateway or delegated router.
 */
export async function startOfflineHelia (): Promise<ReturnType<typeof createHelia>> {
  const helia = createHelia({
    libp2p: {
      addresses: { listen: ['/ip4/127.0.0.1/tcp/0'] },
      transports: [tcp()],
      peerDiscovery: [],
      // bitswap learns that a connected peer speaks it from identify
      services: { identify: identify() }
    },
    http: { delegatedRouters: [], recursiveGateways: [] }
  })
  await helia.start()
  return helia
}
