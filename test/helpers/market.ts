import { advertSettingsSchema, type AdvertSettings, type CapacityMarket, type Resources } from '@p2pcloud/capacity'
import type { Contracts } from '@p2pcloud/contracts'
import type { DaemonLibp2p, DaemonTuning } from '@p2pcloud/daemon'
import type { Farmer } from '@p2pcloud/farmer'
import type { Twin, TwinOptions } from '@p2pcloud/twin'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { LevelDatastore } from 'datastore-level'
import { join } from 'node:path'
import { dialAddress, farmerSettings, startLoopbackDaemon, type LoopbackPeerOptions } from '@p2pcloud/sim'
import { tempDir, waitFor } from '@p2pcloud/test-utils'

/** A real peer on loopback running what a daemon runs, with its services at hand. */
export interface MarketPeer {
  node: DaemonLibp2p
  market: CapacityMarket
  contracts: Contracts
  twin: Twin
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
  receiptPeriodMs?: number
  /** Its home: volumes, containers and zdb namespaces live under it; a fresh temp directory when not given. */
  home?: string
  /** Where containers' root filesystems come from (default: the flist cache). */
  rootfs?: DaemonTuning['rootfs']
}

export const GiB = 2 ** 30

/** A farmer when `farmer` is given; tuned for tests (a 50 ms advert debounce). */
export interface MarketPeerOptions extends LoopbackPeerOptions {
  bootstrap?: DaemonLibp2p
  farmer?: FarmerSpec
  twin?: TwinOptions
  readvertiseBelowTopicPeers?: number
  maxFarmers?: number
  newFarmersPerRelayPerMinute?: number
}

export async function startMarketPeer (options: MarketPeerOptions = {}): Promise<MarketPeer> {
  const { farmer } = options
  const directory = { maxFarmers: options.maxFarmers, newFarmersPerRelayPerMinute: options.newFarmersPerRelayPerMinute }
  const node = await startLoopbackDaemon({
    home: farmer?.home ?? await tempDir(farmer != null ? 'farmer' : 'peer'),
    privateKey: options.privateKey,
    datastore: options.datastore,
    config: {
      bootstrap: options.bootstrap != null ? [dialAddress(options.bootstrap)] : [],
      directory,
      ...(farmer != null ? { farmer: farmerSettings({ ...farmer, city: '', capabilities: farmer.capabilities ?? [], cuHour: farmer.cuHour ?? advertSettingsSchema.parse({}).price.cuHour }, farmer.advertTtlSeconds) } : {})
    },
    tuning: {
      capacity: { debounceMs: 50, readvertiseBelowTopicPeers: options.readvertiseBelowTopicPeers },
      contracts: { receiptPeriodMs: farmer?.receiptPeriodMs },
      twin: options.twin,
      rootfs: farmer?.rootfs
    }
  })
  const { capacity, contracts, twin } = node.services
  return { node, market: capacity, contracts, twin, ...(node.services.farmer != null ? { farmer: node.services.farmer } : {}) }
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

/** A farmer whose home is `dir` (its datastore in it) that can be stopped and started again with the same identity and state, and a twin connected to it. */
export async function restartableFarmer (dir: string, spec: FarmerSpec): Promise<RestartableFarmer> {
  const privateKey = await generateKeyPair('Ed25519')
  const start = async (): Promise<{ farmer: MarketPeer, store: LevelDatastore }> => {
    const store = new LevelDatastore(join(dir, 'datastore'))
    await store.open()
    return { farmer: await startMarketPeer({ farmer: { home: dir, ...spec }, privateKey, datastore: store }), store }
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
