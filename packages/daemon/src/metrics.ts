import { Gauge, type Registry } from 'prom-client'
import { RESOURCE_UNITS } from '@p2pcloud/capacity'
import type { DaemonLibp2p } from './services.js'

/**
 * The daemon's own gauges beside libp2p's metrics (connections, streams, bytes per protocol,
 * heap, event-loop lag) and the request counters of every protocol (@p2pcloud/wire's rpc):
 * what its domains hold, read from the services when Prometheus scrapes, so nothing is
 * counted twice and nothing goes stale between scrapes.
 */
export function registerDaemonMetrics (registry: Registry, libp2p: DaemonLibp2p): void {
  const { capacity, contracts, flists, farmer } = libp2p.services
  const gauge = <L extends string>(name: string, help: string, labelNames: L[], collect: (g: Gauge<L>) => void): void => {
    new Gauge<L>({
      name,
      help,
      labelNames,
      registers: [registry],
      collect () {
        // a state that emptied since the last scrape reads 0, not its old value
        this.reset()
        collect(this)
      }
    })
  }
  gauge('p2pcloud_streams', 'open streams by protocol and direction', ['protocol', 'direction'], g => {
    for (const connection of libp2p.getConnections()) {
      for (const stream of connection.streams) g.inc({ protocol: stream.protocol ?? 'negotiating', direction: stream.direction })
    }
  })
  gauge('p2pcloud_directory_farmers', 'farmers in this peer\'s capacity directory', [], g => { g.set(capacity.directory.size) })
  gauge('p2pcloud_capacity', 'this farmer\'s capacity by resource unit (cru cores, the rest bytes; ipv4u addresses) and by use', ['resource', 'use'], g => {
    const account = capacity.account
    if (account == null) return
    const uses = { total: account.total, reserved: account.reserved(), free: account.free() }
    for (const [use, amounts] of Object.entries(uses)) {
      for (const resource of RESOURCE_UNITS) g.set({ resource, use }, amounts[resource])
    }
  })
  gauge('p2pcloud_contracts', 'contracts in this farmer\'s live ledger, by state', ['state'], g => {
    for (const contract of contracts.ledger?.all() ?? []) g.inc({ state: contract.state })
  })
  gauge('p2pcloud_workloads', 'this farmer\'s workloads by type and state', ['type', 'state'], g => {
    for (const record of farmer?.provisioner?.all() ?? []) {
      for (const workload of record.workloads) g.inc({ type: workload.type, state: workload.state })
    }
  })
  gauge('p2pcloud_workload_disk_bytes', 'bytes this farmer\'s running workloads hold on disk, by type (zdb: its namespaces\' data files)', ['type'], g => {
    for (const driver of farmer?.drivers.all() ?? []) {
      if (driver.heldBytes != null) g.set({ type: driver.type }, driver.heldBytes())
    }
  })
  gauge('p2pcloud_flist_cache_bytes', 'bytes this farmer\'s flist cache holds (trees and blocks)', [], g => { g.set(flists.cachedBytes()) })
}
