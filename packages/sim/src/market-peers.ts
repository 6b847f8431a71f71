import { capacityExtension, type CapacityMarket, type Resources } from '@p2pcloud/capacity'
import { contractsExtension, type Contracts } from '@p2pcloud/contracts'
import { VERSION, type P2PCloudLibp2p } from '@p2pcloud/node'
import type { Datastore } from 'interface-datastore'
import { dialAddress, startLoopbackPeer } from './loopback-peers.js'
import { farmerSettings, simulationConfig } from './simulation.js'

/** A loopback peer with the capacity market and contracts; a farmer when `farmer` is given. */
export interface ContractPeer {
  node: P2PCloudLibp2p
  market: CapacityMarket
  contracts: Contracts
}

export interface ContractPeerOptions {
  bootstrap?: P2PCloudLibp2p
  farmer?: { total: Resources, country?: string }
  datastore?: Datastore
}

export async function startContractPeer (options: ContractPeerOptions = {}): Promise<ContractPeer> {
  const farmer = options.farmer == null
    ? undefined
    : farmerSettings({ farm: 'bench', country: options.farmer.country ?? 'BE', city: '', total: options.farmer.total, capabilities: [], cuHour: 0.1 })
  const node = await startLoopbackPeer(simulationConfig(options.bootstrap != null ? { bootstrap: [dialAddress(options.bootstrap)] } : {}), {
    datastore: options.datastore,
    extensions: [
      capacityExtension({ version: `p2pcloud/${VERSION}`, ...(farmer != null && options.farmer != null ? { farmer: { config: farmer, total: options.farmer.total } } : {}) }),
      contractsExtension(farmer != null ? { farmer: { price: farmer.price, graceMs: 60_000 } } : {})
    ]
  })
  return { node, market: node.services.capacity as CapacityMarket, contracts: node.services.contracts as Contracts }
}
