import { join } from 'node:path'
import { multiaddr } from '@multiformats/multiaddr'
import { capacityExtension, type Resources } from '@p2pcloud/capacity'
import { contractsExtension } from '@p2pcloud/contracts'
import { farmerExtension } from '@p2pcloud/farmer'
import { VERSION } from '@p2pcloud/node'
import { zdbCapability } from '@p2pcloud/zdb'
import { dialAddress, startLoopbackPeer } from '../../loopback-peers.js'
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
 * A farmer offering zdb namespaces, wired as a daemon wires one (cli's capabilities.ts), in a
 * thread of its own. `send` puts bytes on one raw stream to a peer that handles transfers.
 */
serveBenchWorker<ZdbFarmerData>(async ({ home, farm, country, bootstrap }) => {
  const config = farmerSettings({ farm, country, city: '', total: FARMER_TOTAL, capabilities: ['zdb'], cuHour: 0.1 })
  const zdb = zdbCapability({ root: join(home, 'zdb') })
  const peer = await startLoopbackPeer(simulationConfig(bootstrap != null ? { bootstrap: [bootstrap] } : {}), {
    extensions: [
      capacityExtension({ version: `p2pcloud/${VERSION}`, debounceMs: 50, farmer: { config, total: FARMER_TOTAL } }),
      contractsExtension({ farmer: { price: config.price, graceMs: 60_000 } }),
      farmerExtension({ volumesRoot: join(home, 'volumes'), drivers: [zdb.driver] }),
      // after the farmer: the protocol serves the namespaces its driver opened
      { services: { zdb: zdb.service } }
    ]
  })
  return {
    started: { address: dialAddress(peer) } satisfies ZdbFarmerStarted,
    operations: {
      send: async ({ to, bytes }: { to: string[], bytes: number }) => libp2pTransfer(peer, to.map(a => multiaddr(a)), bytes),
      stop: async () => { await peer.stop() }
    }
  }
})
