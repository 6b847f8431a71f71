import type { Command } from 'commander'
import type { ContractView } from '@p2pcloud/contracts'
import { formatSize } from '@p2pcloud/node/home-files'
import { contextOf, daemonClient } from '../context.js'
import { print } from '../output.js'

function contractLines (contract: ContractView): string[] {
  const r = contract.resources
  return [
    `${contract.id.slice(0, 16)}…  ${contract.state.padEnd(9)} twin ${contract.twin}`,
    `  ${r.cru} cores, ${formatSize(r.mru)} RAM, ${formatSize(r.sru)} SSD, ${formatSize(r.hru)} HDD, ${r.ipv4u} IPv4 at ${contract.pricePerHour} ${contract.currency}/hour`,
    `  lease ${contract.leaseStart} → ${contract.leaseEnd} (version ${contract.version})`
  ]
}

/** Commands for a farmer's own business. */
export function registerFarmer (program: Command): void {
  const farmer = program.command('farmer').description('a farmer\'s view of its own node')
  farmer
    .command('contracts')
    .description('every contract in this farmer\'s live ledger (open, or over for less than a minute), newest first (--json: [{"id","twin","state","resources",...}])')
    .action(async (_options, command: Command) => {
      const context = contextOf(command)
      const contracts = await (await daemonClient(context)).request<ContractView[]>('GET', '/v1/farmer/contracts')
      print(context, contracts, list => list.length === 0 ? ['no contracts'] : list.flatMap(contractLines))
    })
}
