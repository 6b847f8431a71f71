import type { ContractRecord } from './ledger.js'
import type { Resources } from '@p2pcloud/capacity'

/** A contract as the API and `--json` print it: sizes in bytes, times as ISO strings, price in currency units per hour. */
export interface ContractView {
  id: string
  twin: string
  farmer: string
  state: string
  resources: Resources
  pricePerHour: number
  currency: string
  leaseStart: string
  leaseEnd: string
  version: number
}

export function contractView (record: Pick<ContractRecord, 'id' | 'proposal' | 'acceptance'> & { state: string }): ContractView {
  const { quote } = record.proposal
  return {
    id: record.id,
    twin: record.proposal.twin,
    farmer: quote.farmer,
    state: record.state,
    resources: quote.resources,
    pricePerHour: quote.pricePerHourMicro / 1_000_000,
    currency: quote.currency,
    leaseStart: new Date(record.acceptance.leaseStart).toISOString(),
    leaseEnd: new Date(record.acceptance.leaseEnd).toISOString(),
    version: record.acceptance.version
  }
}
