import { logger } from '@libp2p/logger'
import type { Startable } from '@libp2p/interface'
import type { ContractRecord, Ledger } from '@p2pcloud/contracts'
import { handleRequests, protocolIds } from '@p2pcloud/wire'
import { deploymentCodecs, deploymentResponder } from './deployment-protocol.js'
import { DriverRegistry, type DriverFactory, type FarmerComponents } from './drivers.js'
import { Provisioner } from './provisioner.js'
import { VolumeDriver } from './volume-driver.js'

const log = logger('p2pcloud:farmer')

export interface FarmerInit {
  /** Where volume workloads live (`<home>/volumes`). */
  volumesRoot: string
  /** Default true; the service answers NOT_FOUND when false. */
  isFarmer?: boolean
  /** Workload types beside `volume`, e.g. the runtime's `container`. */
  drivers?: DriverFactory[]
}

/**
 * A farmer's workloads: answers `/p2pcloud/deployment/1.1.0` (and 1.0.0), and its
 * provisioner keeps each deployment converged with what runs; a contract that
 * ends or is cancelled has its workloads removed.
 */
export class Farmer implements Startable {
  readonly drivers: DriverRegistry
  provisioner?: Provisioner
  private unfollow?: () => void

  constructor (private readonly components: FarmerComponents, private readonly init: FarmerInit) {
    const volumes = new VolumeDriver(init.volumesRoot)
    this.drivers = new DriverRegistry().register(volumes)
    for (const factory of init.drivers ?? []) this.drivers.register(factory(components, volumes, this.drivers.networkAttachments()))
  }

  async start (): Promise<void> {
    await handleRequests(this.components.registrar, deploymentResponder({
      isFarmer: this.init.isFarmer ?? true,
      ledger: () => this.components.contracts.ledger,
      provisioner: () => this.provisioner,
      drivers: this.drivers
    }), this.components.metrics)
  }

  async afterStart (): Promise<void> {
    const ledger = await this.components.contracts.ready
    if (ledger == null) return
    const provisioner = new Provisioner(this.components.datastore, this.drivers)
    await provisioner.load()
    this.unfollow = followContracts(ledger, provisioner)
    this.provisioner = provisioner
    // contracts that expired, ended or were cancelled while the farmer was down
    const contracts = new Map(ledger.all().map(c => [c.id, c]))
    for (const record of provisioner.all()) {
      const contract = contracts.get(record.deployment.contractId)
      if (contract == null || contract.state === 'ended' || contract.state === 'cancelled') {
        await provisioner.remove(record.deployment.contractId)
      } else if (contract.state === 'expired') {
        await provisioner.stop(record.deployment.contractId)
      }
    }
  }


  async stop (): Promise<void> {
    this.unfollow?.()
    for (const id of protocolIds(deploymentCodecs)) await this.components.registrar.unhandle(id)
    // the reverse of the apply order: containers stop before the volumes they mount are unmounted
    const closing = this.drivers.all().reverse().sort((a, b) => this.drivers.applyOrder(b.type) - this.drivers.applyOrder(a.type))
    for (const driver of closing) await driver.close?.().catch(err => { log.error('closing the %s driver failed - %e', driver.type, err) })
  }
}

/**
 * Workloads follow their contract: stopped when its lease expires, brought
 * back by a renewal, removed when it ends or is cancelled. Returns the unsubscribe.
 */
export function followContracts (ledger: Ledger, provisioner: Provisioner): () => void {
  const onChange = (event: CustomEvent<ContractRecord>): void => {
    const { id, state } = event.detail
    const failed = (what: string) => (err: Error): void => { log.error('%s the workloads of contract %s failed - %e', what, id, err) }
    if (state === 'ended' || state === 'cancelled') provisioner.remove(id).catch(failed('removing'))
    else if (state === 'expired') provisioner.stop(id).catch(failed('stopping'))
    else if (state === 'active') provisioner.resume(id).catch(failed('resuming'))
  }
  ledger.addEventListener('change', onChange)
  return () => { ledger.removeEventListener('change', onChange) }
}

/** The farmer's service; it uses the contracts service, and its drivers may use those before it. */
export function farmerService (init: FarmerInit): (components: FarmerComponents) => Farmer {
  return (components) => new Farmer(components, init)
}
