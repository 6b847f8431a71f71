import { advertSettingsSchema, capacityExtension, type AdvertSettings, type CapacityMarket, type Resources } from '@p2pcloud/capacity'
import { contractsExtension, type Contracts } from '@p2pcloud/contracts'
import { farmerExtension, type DriverFactory, type Farmer } from '@p2pcloud/farmer'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { LevelDatastore } from 'datastore-level'
import { join } from 'node:path'
import { VERSION, type P2PCloudLibp2p } from '@p2pcloud/node'
import { dialAddress, farmerSettings, startLoopbackPeer, type LoopbackPeerOptions } from '@p2pcloud/sim'
import { tempDir, waitFor } from '@p2pcloud/test-utils'

export interface MarketPeer {
  node: P2PCloudLibp2p
  market: CapacityMarket
  contracts: Contracts
  /** Set on farmers. */
  farmer?: Farmer
}

export interface FarmerSpec {
  farm: string
  country: string
  total: Resources
  capabilities?: AdvertSettings['capabilities']
  cuHour?: number
  advertTtlSeconds?: number
  leaseGraceMs?: number
  receiptPeriodMs?: number
  /** Where volumes go; a fresh temp directory when not given. */
  volumesRoot?: string
  /** Workload drivers beside volume, and services that go after the farmer (e.g. containers and their logs). */
  drivers?: DriverFactory[]
  services?: Record<string, (components: any) => unknown>
}

export const GiB = 2 ** 30

/** What a farmer advertises as init --farmer writes it, with the given farm, country and totals. */
export function farmerConfig (spec: FarmerSpec): AdvertSettings {
  const profile = { farm: spec.farm, country: spec.country, city: '', total: spec.total, capabilities: spec.capabilities ?? [], cuHour: spec.cuHour ?? advertSettingsSchema.parse({}).price.cuHour }
  return farmerSettings(profile, spec.advertTtlSeconds)
}

/** A real peer on loopback running the capacity market; a farmer when `farmer` is given. */
export interface MarketPeerOptions extends Omit<LoopbackPeerOptions, 'extensions'> {
  bootstrap?: P2PCloudLibp2p
  farmer?: FarmerSpec
  readvertiseBelowTopicPeers?: number
  maxFarmers?: number
  newFarmersPerRelayPerMinute?: number
}

export async function startMarketPeer (options: MarketPeerOptions = {}): Promise<MarketPeer> {
  const extension = capacityExtension({
    version: `p2pcloud/${VERSION}`,
    debounceMs: 50,
    readvertiseBelowTopicPeers: options.readvertiseBelowTopicPeers,
    maxFarmers: options.maxFarmers,
    newFarmersPerRelayPerMinute: options.newFarmersPerRelayPerMinute,
    ...(options.farmer != null ? { farmer: { config: farmerConfig(options.farmer), total: options.farmer.total } } : {})
  })
  const contracts = contractsExtension(options.farmer != null
    ? { farmer: { price: farmerConfig(options.farmer).price, graceMs: options.farmer.leaseGraceMs ?? 60_000, receiptPeriodMs: options.farmer.receiptPeriodMs } }
    : {})
  const extensions = [extension, contracts]
  if (options.farmer != null) {
    extensions.push(farmerExtension({ volumesRoot: options.farmer.volumesRoot ?? join(await tempDir('volumes'), 'volumes'), drivers: options.farmer.drivers }))
    if (options.farmer.services != null) extensions.push({ services: options.farmer.services })
  }
  const node = await startLoopbackPeer(
    options.bootstrap != null ? { bootstrap: [dialAddress(options.bootstrap)] } : {},
    { extensions, privateKey: options.privateKey, datastore: options.datastore }
  )
  return {
    node,
    market: node.services.capacity as CapacityMarket,
    contracts: node.services.contracts as Contracts,
    ...(options.farmer != null ? { farmer: node.services.farmer as Farmer } : {})
  }
}

export function resources (cru: number, mruGiB: number, sruGiB = 100, hruGiB = 0): Resources {
  return { cru, mru: mruGiB * GiB, sru: sruGiB * GiB, hru: hruGiB * GiB, ipv4u: 0 }
}

export interface RestartableFarmer {
  /** The farmer now running (a new peer object after each restart, with the same identity). */
  readonly farmer: MarketPeer
  twin: MarketPeer
  /** Stop the farmer, run `whileDown`, start it again from its level datastore and reconnect the twin. */
  restart: (whileDown?: () => Promise<void>) => Promise<void>
  stop: () => Promise<void>
}

/** A farmer on a level datastore in `dir` that can be stopped and started again with the same identity and state, and a twin connected to it. */
export async function restartableFarmer (dir: string, spec: FarmerSpec): Promise<RestartableFarmer> {
  const privateKey = await generateKeyPair('Ed25519')
  const start = async (): Promise<{ farmer: MarketPeer, store: LevelDatastore }> => {
    const store = new LevelDatastore(join(dir, 'datastore'))
    await store.open()
    return { farmer: await startMarketPeer({ farmer: spec, privateKey, datastore: store }), store }
  }
  let running = await start()
  const twin = await startMarketPeer({ bootstrap: running.farmer.node })
  await waitFor('the twin to be connected', () => twin.node.getConnections(running.farmer.node.peerId).length > 0)
  const stopFarmer = async (): Promise<void> => {
    await running.farmer.node.stop()
    await running.store.close()
  }
  return {
    get farmer () { return running.farmer },
    twin,
    restart: async whileDown => {
      await stopFarmer()
      await whileDown?.()
      running = await start()
      await twin.node.dial(running.farmer.node.getMultiaddrs()[0])
    },
    stop: async () => {
      await twin.node.stop()
      await stopFarmer()
    }
  }
}
