import type { CapacityMarket, Resources } from '@p2pcloud/capacity'
import type { Contracts } from '@p2pcloud/contracts'
import type { DaemonLibp2p } from '@p2pcloud/daemon'
import type { Datastore } from 'interface-datastore'
import { dialAddress, startLoopbackDaemon } from './loopback-peers.js'
import { farmerSettings, simulationConfig } from './simulation.js'

/** A loopback peer with the capacity market and contracts; a farmer when `farmer` is given. */
export interface ContractPeer {
  node: DaemonLibp2p
  market: CapacityMarket
  contracts: Contracts
}

export interface ContractPeerOptions {
  /** Where its files would live (it writes none: its farmer books contracts but runs no workloads). */
  home: string
  bootstrap?: DaemonLibp2p
  /** `maxOpenContractsPerTwin` as in config.json (default 64). */
  farmer?: { total: Resources, country?: string, maxOpenContractsPerTwin?: number }
  datastore?: Datastore
}

export async function startContractPeer (options: ContractPeerOptions): Promise<ContractPeer> {
  const farmer = options.farmer == null
    ? undefined
    : farmerSettings({ farm: 'bench', country: options.farmer.country ?? 'BE', city: '', total: options.farmer.total, capabilities: [], cuHour: 0.1 })
  const node = await startLoopbackDaemon({
    home: options.home,
    datastore: options.datastore,
    config: {
      ...simulationConfig(options.bootstrap != null ? { bootstrap: [dialAddress(options.bootstrap)] } : {}),
      ...(farmer != null ? { farmer: { ...farmer, maxOpenContractsPerTwin: options.farmer?.maxOpenContractsPerTwin } } : {})
    },
    tuning: { advertiseOnly: true }
  })
  return { node, market: node.services.capacity, contracts: node.services.contracts }
}
