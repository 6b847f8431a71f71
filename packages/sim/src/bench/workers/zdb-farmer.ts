import { multiaddr } from '@multiformats/multiaddr'
import type { Resources } from '@p2pcloud/capacity'
import { dialAddress, startLoopbackDaemon } from '../../loopback-peers.js'
import { farmerSettings, simulationConfig } from '../../simulation.js'
import { serveBenchWorker } from '../bench-worker.js'
import { libp2pTransfer } from '../stream-throughput.js'

const GiB = 2 ** 30

export interface ZdbFarmerData {
  home: string
  farm: string
  country: string
  /** The address of a peer to bootstrap from; none for the first farmer. */
  bootstrap?: string
}

export interface ZdbFarmerStarted {
  /** Its first dialable address, `/p2p/<id>` included. */
  address: string
}

const FARMER_TOTAL: Resources = { cru: 2, mru: 4 * GiB, sru: GiB, hru: 10 * GiB, ipv4u: 0 }

/**
 * A farmer offering zdb namespaces, as a daemon runs one, in a
 * thread of its own. `send` puts bytes on one raw stream to a peer that handles transfers.
 */
serveBenchWorker<ZdbFarmerData>(async ({ home, farm, country, bootstrap }) => {
  const farmer = farmerSettings({ farm, country, city: '', total: FARMER_TOTAL, capabilities: ['zdb'], cuHour: 0.1 })
  const peer = await startLoopbackDaemon({
    home,
    config: { ...simulationConfig(bootstrap != null ? { bootstrap: [bootstrap] } : {}), farmer },
    tuning: { capacity: { debounceMs: 50 } }
  })
  return {
    started: { address: dialAddress(peer) } satisfies ZdbFarmerStarted,
    operations: {
      send: async ({ to, bytes }: { to: string[], bytes: number }) => libp2pTransfer(peer, to.map(a => multiaddr(a)), bytes),
      stop: async () => { await peer.stop() }
    }
  }
})
