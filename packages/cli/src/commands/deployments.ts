import { readFile } from 'node:fs/promises'
import type { Command } from 'commander'
import type { Resources } from '@p2pcloud/capacity'
import type { ContractView, UsageReceipt } from '@p2pcloud/contracts'
import { formatSize } from '@p2pcloud/node/home-files'
import type { PendingReservation, TwinDeletion, TwinDeploymentRecord, TwinDeploymentView } from '@p2pcloud/twin'
import { contextOf, daemonClient } from '../context.js'
import { print } from '../output.js'

/** A farmer that did not answer: what this 3Bot knows follows, workloads in state unknown. */
function unreachableLines (d: TwinDeploymentView): string[] {
  if (d.unreachable == null) return []
  const u = d.unreachable
  return [
    `  farmer unreachable since ${u.since}${u.lastAdvert != null ? ` (its last advert here was issued ${u.lastAdvert})` : ''}: ${u.reason}`,
    `  below is what this 3Bot knows; "p2pcloud rm --force ${d.name}" forgets it here (its contract is cancelled if the farmer answers before its lease ends)`
  ]
}

function deploymentLines (d: TwinDeploymentView): string[] {
  return [
    `${d.name}  on farmer ${d.farmer}`,
    ...unreachableLines(d),
    `  contract ${d.contractId.slice(0, 16)}…${d.contract != null ? ` ${d.contract.state}, lease until ${d.contract.leaseEnd}` : ''}`,
    ...(d.status?.workloads ?? d.spec.workloads.map(w => ({ name: w.name, type: w.type, state: 'unknown', message: '' })))
      .map(w => `  ${w.name.padEnd(20)} ${w.type.padEnd(8)} ${w.state}${w.message !== '' ? `: ${w.message}` : ''}`),
    ...(d.gateways ?? []).map(g => `  ${g.name.padEnd(20)} ${g.url}  backend ${g.backend}${g.checkedAt !== undefined ? ` (checked ${g.checkedAt})` : ''}${g.detail !== undefined ? `: ${g.detail}` : ''}`),
    ...(d.notes ?? []).map(note => `warning: ${note}`)
  ]
}

function recordLine (d: TwinDeploymentRecord & { resources: Resources }): string {
  const need = d.resources
  return `${d.name.padEnd(24)} ${d.spec.workloads.length} workload(s), ${need.cru > 0 ? `${need.cru} core(s), ${formatSize(need.mru)} RAM, ` : ''}${formatSize(need.sru)} SSD${need.hru > 0 ? `, ${formatSize(need.hru)} HDD` : ''}  farmer ${d.farmer}`
}

function pendingLine (r: PendingReservation): string {
  return `pending: contract ${r.contractId} on farmer ${r.farmer} (for "${r.name}"), not confirmed; cancelled once the farmer answers, forgotten after ${new Date(r.dropAfter).toISOString()}`
}

async function readSpec (file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8')
  } catch (err: any) {
    throw new Error(`cannot read ${file}: ${err.message}`)
  }
}

/** The twin's commands: deploy or update a spec file, list, show, remove and renew deployments, receipts, contracts. */
export function registerDeployments (program: Command): void {
  program
    .command('deploy')
    .description('deploy a spec file: find a farmer, reserve, deploy, wait until every workload is ok')
    .argument('<file>', 'the deployment spec (YAML); see packages/twin/README.md')
    .addHelpText('after', '\nOn failure the farmer\'s own message is shown and the contract is cancelled.')
    .action(async (file: string, _options, command: Command) => {
      const context = contextOf(command)
      const spec = await readSpec(file)
      if (!context.json) process.stderr.write(`deploying ${file}…\n`)
      const deployment = await (await daemonClient(context)).request<TwinDeploymentView>('POST', '/v1/deployments', { spec, source: file })
      print(context, deployment, d => deploymentLines(d))
    })

  program
    .command('update')
    .description('change a deployment to a new version of its spec file (same name): only changed workloads are redone')
    .argument('<file>', 'the deployment spec (YAML)')
    .action(async (file: string, _options, command: Command) => {
      const context = contextOf(command)
      const spec = await readSpec(file)
      const name = /^name:\s*([a-z0-9_-]+)/m.exec(spec)?.[1]
      if (name == null) throw new Error(`${file} has no top-level "name:"`)
      if (!context.json) process.stderr.write(`updating ${name} from ${file}…\n`)
      const deployment = await (await daemonClient(context)).request<TwinDeploymentView>('PUT', `/v1/deployments/${encodeURIComponent(name)}`, { spec, source: file })
      print(context, deployment, d => deploymentLines(d))
    })

  program
    .command('receipts')
    .description('the farmer\'s signed usage receipts of a deployment (fetched, verified and kept by this 3Bot)')
    .argument('<name>')
    .action(async (name: string, _options, command: Command) => {
      const context = contextOf(command)
      const receipts = await (await daemonClient(context)).request<UsageReceipt[]>('GET', `/v1/deployments/${encodeURIComponent(name)}/receipts`)
      print(context, receipts, list => list.length === 0
        ? ['no receipts yet (one is signed per receipt period of lease time, and when the contract closes)']
        : list.map(r => `#${r.seq} ${new Date(r.periodStart).toISOString()} → ${new Date(r.periodEnd).toISOString()}: ${r.cuHoursMilli / 1000} CU·h, ${r.suHoursMilli / 1000} SU·h, ${r.amountMicro / 1e6} ${r.currency}`))
    })

  program
    .command('ls')
    .description('this twin\'s deployments, then the contracts it could not confirm (pending reservations)')
    .action(async (_options, command: Command) => {
      const context = contextOf(command)
      const client = await daemonClient(context)
      const [list, pending] = await Promise.all([
        client.request<Array<TwinDeploymentRecord & { resources: Resources }>>('GET', '/v1/deployments'),
        client.request<PendingReservation[]>('GET', '/v1/pending')
      ])
      print(context, list, l => [...(l.length === 0 ? ['no deployments'] : l.map(recordLine)), ...pending.map(pendingLine)])
    })

  program
    .command('show')
    .description('a deployment with each workload\'s live state and message, from its farmer')
    .argument('<name>')
    .action(async (name: string, _options, command: Command) => {
      const context = contextOf(command)
      const deployment = await (await daemonClient(context)).request<TwinDeploymentView>('GET', `/v1/deployments/${encodeURIComponent(name)}`)
      print(context, deployment, d => deploymentLines(d))
    })

  program
    .command('rm')
    .description('delete a deployment and cancel its contract')
    .argument('<name>')
    .option('--force', 'when its farmer does not answer, forget the deployment here anyway (the farmer may hold its contract until the lease ends)')
    .action(async (name: string, options: { force?: boolean }, command: Command) => {
      const context = contextOf(command)
      const force = options.force === true ? '?force=1' : ''
      const result = await (await daemonClient(context)).request<TwinDeletion>('DELETE', `/v1/deployments/${encodeURIComponent(name)}${force}`)
      print(context, result, r => [r.cancelled ? `deleted ${r.deleted}; its contract is cancelled` : `forgot ${r.deleted}: ${r.note ?? ''}`, ...(r.notes ?? []).map(note => `warning: ${note}`)])
    })

  program
    .command('renew')
    .description('set a deployment\'s lease to end DURATION from now; never shortens it without --shorten')
    .argument('<name>')
    .requiredOption('--lease <duration>', 'new lease length from now, e.g. 24h, 7d')
    .option('--shorten', 'allow a lease that ends sooner than the current one (refused otherwise)')
    .action(async (name: string, options: { lease: string, shorten?: boolean }, command: Command) => {
      const context = contextOf(command)
      const deployment = await (await daemonClient(context)).request<TwinDeploymentView>('POST', `/v1/deployments/${encodeURIComponent(name)}/renew`, { lease: options.lease, shorten: options.shorten === true })
      print(context, deployment, d => [`${d.name}: lease until ${d.contract?.leaseEnd ?? '?'}`])
    })

  const contracts = program
    .command('contracts')
    .description('this twin\'s contracts, as the farmers\' ledgers hold them; "contracts cancel ID" cancels one')
    .action(async (_options, command: Command) => {
      const context = contextOf(command)
      const client = await daemonClient(context)
      const [list, deployments] = await Promise.all([client.request<ContractView[]>('GET', '/v1/contracts'), client.request<TwinDeploymentRecord[]>('GET', '/v1/deployments')])
      // a farmer that did not answer listed nothing: say which deployments' contracts are missing, on stderr so that --json stays exact
      for (const d of deployments.filter(d => !list.some(c => c.id === d.contractId))) {
        process.stderr.write(`warning: contract ${d.contractId.slice(0, 16)}… of deployment ${d.name} is not listed: farmer ${d.farmer} did not answer, or no longer holds it (p2pcloud show ${d.name})\n`)
      }
      print(context, list, l => l.length === 0 ? ['no contracts'] : l.map(c => `${c.id.slice(0, 16)}…  ${c.state.padEnd(9)} farmer ${c.farmer}, until ${c.leaseEnd}, ${c.pricePerHour} ${c.currency}/hour`))
    })

  contracts
    .command('cancel')
    .description('cancel a contract at its farmer (its workloads are deleted, the capacity freed); a deployment holding it is removed too')
    .argument('<id>', 'the contract id (64 hex digits, as "contracts --json" and "ls --json" show it)')
    .option('--farmer <peer-id>', 'the contract\'s farmer, for a contract no deployment of this 3Bot holds (left over)')
    .addHelpText('after', '\nA deploy whose farmer did not confirm it stays pending and is cancelled once the farmer answers;\nthis cancels anything left over now.')
    .action(async (id: string, options: { farmer?: string }, command: Command) => {
      const context = contextOf(command)
      const contract = await (await daemonClient(context)).request<ContractView>('POST', `/v1/contracts/${encodeURIComponent(id)}/cancel`, options.farmer != null ? { farmer: options.farmer } : {})
      print(context, contract, c => [`contract ${c.id.slice(0, 16)}… with farmer ${c.farmer}: ${c.state}`])
    })
}
