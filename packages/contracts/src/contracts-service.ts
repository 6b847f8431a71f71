import type { Metrics, PeerId, PrivateKey, Startable } from '@libp2p/interface'
import type { Registrar } from '@libp2p/interface-internal'
import type { Datastore } from 'interface-datastore'
import type { CapacityMarket } from '@p2pcloud/capacity'
import { CONTRACT_PROTOCOL, handleRequests, type StreamOpener } from '@p2pcloud/wire'
import { contractResponder } from './contract-protocol.js'
import { Ledger, type LedgerInit } from './ledger.js'
import { ContractClient } from './twin-client.js'

export interface ContractsComponents {
  peerId: PeerId
  privateKey: PrivateKey
  registrar: Registrar
  datastore: Datastore
  connectionManager: { openStream: StreamOpener['dialProtocol'] }
  /** The capacity market service: its account is what the ledger books against. */
  capacity: CapacityMarket
  /** Where its protocol's request counts and latencies go (libp2p's metrics, when the peer keeps them). */
  metrics?: Metrics
}

export interface ContractsInit {
  /** On farmers: the price policy quotes are made with, and how long capacity stays held after a lease ends. */
  farmer?: Pick<LedgerInit, 'price' | 'graceMs' | 'receiptPeriodMs' | 'maxOpenPerTwin' | 'maxOpen' | 'keepFinishedMs' | 'maxFinishedPerTwin'>
  /** How often leases are checked (default 1 s). */
  sweepIntervalMs?: number
}

/**
 * Contracts on one peer: a farmer keeps the ledger and answers
 * `/p2pcloud/contract/1.0.0`; every peer can act as a twin through `client`.
 */
export class Contracts implements Startable {
  ledger?: Ledger
  readonly client: ContractClient
  /** Resolves once the ledger is open (undefined on a peer that is not a farmer); services that follow contracts wait for it. */
  readonly ready: Promise<Ledger | undefined>
  private readonly opened = Promise.withResolvers<Ledger | undefined>()

  constructor (private readonly components: ContractsComponents, private readonly init: ContractsInit) {
    const node: StreamOpener = { dialProtocol: async (peer, protocols, options) => components.connectionManager.openStream(peer, protocols, options) }
    this.client = new ContractClient(node, components.peerId, components.privateKey, async farmer => components.capacity.directory.markAnswered(farmer.toString()))
    this.ready = this.opened.promise
  }

  async start (): Promise<void> {
    await handleRequests(this.components.registrar, contractResponder(this.init.farmer != null, () => this.ledger), this.components.metrics)
  }

  /** After the capacity market has loaded its account. */
  async afterStart (): Promise<void> {
    const account = this.components.capacity.account
    if (account == null || this.init.farmer == null) {
      this.opened.resolve(undefined)
      return
    }
    const ledger = new Ledger({
      datastore: this.components.datastore,
      account,
      farmerId: this.components.peerId.toString(),
      privateKey: this.components.privateKey,
      ...this.init.farmer
    })
    await ledger.start(this.init.sweepIntervalMs)
    this.ledger = ledger
    this.opened.resolve(ledger)
  }

  async stop (): Promise<void> {
    this.ledger?.stop()
    await this.components.registrar.unhandle(CONTRACT_PROTOCOL)
  }
}

/** The contracts service; it uses the capacity market's service. */
export function contractsService (init: ContractsInit): (components: ContractsComponents) => Contracts {
  return (components) => new Contracts(components, init)
}
