import type { Command } from 'commander'
import { formatSize } from '@p2pcloud/node'
import type { MemberUsage, PoolUsage, StoragePool } from '@p2pcloud/twin'
import { contextOf, daemonClient } from '../context.js'
import { print } from '../output.js'
import { withProgress } from '../progress.js'

const path = (name: string): string => `/v1/store/pools/${encodeURIComponent(name)}`
const percent = (used: number, size: number): string => `${size > 0 ? (100 * used / size).toFixed(1) : '0.0'}%`

const poolLine = (p: PoolUsage): string =>
  `${p.name.padEnd(16)} ${`${p.dataShards}+${p.parityShards}`.padEnd(5)} ${formatSize(p.usedBytes).padStart(10)} of ${formatSize(p.sizeBytes).padEnd(10)} ${percent(p.usedBytes, p.sizeBytes).padStart(6)}  ${p.health}`

function memberLine (m: MemberUsage, i: number): string {
  const where = `${m.farmer}  farm ${m.farm}, ${m.country}`
  const lease = m.leaseEnd != null ? `, lease until ${new Date(m.leaseEnd).toISOString().slice(0, 16).replace('T', ' ')}` : ''
  return m.health === 'ok'
    ? `  ${String(i).padStart(2)} ${where}  ${formatSize(m.usedBytes)} of ${formatSize(m.maxBytes)} (${percent(m.usedBytes, m.maxBytes)}), ${m.entries} keys${lease}`
    : `  ${String(i).padStart(2)} ${where}  UNREACHABLE: ${m.reason}`
}

/** `p2pcloud store pool ls|show|rm`: a pool's use and health as its farmers report them, and its removal. */
export function registerPools (program: Command): void {
  const store = program.commands.find(c => c.name() === 'store')
  if (store == null) throw new Error('register the store command before its pool subcommands')
  const pool = store.command('pool').description('storage pools: their use and health, as their farmers report them, and their removal')

  pool
    .command('ls')
    .description('every pool with the bytes its namespaces hold, its size and its health (every farmer is asked)')
    .action(async (_options, command: Command) => {
      const context = contextOf(command)
      const client = await daemonClient(context)
      const pools = await client.request<StoragePool[]>('GET', '/v1/store/pools')
      const usages = await Promise.all(pools.map(async p => client.request<PoolUsage>('GET', path(p.name))))
      print(context, usages, all => all.length === 0 ? ['no pool; create one with p2pcloud store init --data 4 --parity 2'] : all.map(poolLine))
    })

  pool
    .command('show')
    .description('a pool\'s use and health, per namespace: its farmer, bytes used of its size, keys, lease end')
    .argument('[name]', 'the pool', 'default')
    .action(async (name: string, _options, command: Command) => {
      const context = contextOf(command)
      print(context, await (await daemonClient(context)).request<PoolUsage>('GET', path(name)), p => [poolLine(p), ...p.usage.map(memberLine)])
    })

  pool
    .command('grow')
    .description('give every namespace of the pool a larger size: new namespaces on the same farmers, every object moved there, the old ones released')
    .argument('<name>')
    .requiredOption('--size <size>', 'bytes of each namespace, larger than now')
    .action(async (name: string, options: { size: string }, command: Command) => {
      const context = contextOf(command)
      const grown = await withProgress<string, StoragePool>(context, 'POST', `${path(name)}/grow`, { size: options.size }, text => ['grow', text])
      print(context, grown, p => [`pool "${p.name}": ${p.dataShards}+${p.parityShards}, ${formatSize(p.namespaceBytes)} per namespace`])
    })

  pool
    .command('rm')
    .description('delete the pool: every object in it, its namespaces, and their contracts')
    .argument('<name>')
    .option('--force', 'forget namespaces whose farmer does not answer (their contracts are cancelled once it does)')
    .action(async (name: string, options: { force?: boolean }, command: Command) => {
      const context = contextOf(command)
      const removed = await (await daemonClient(context)).request<{ deleted: string, members: Array<{ deployment: string, cancelled: boolean }> }>('DELETE', `${path(name)}${options.force === true ? '?force=1' : ''}`)
      print(context, removed, r => [`pool "${r.deleted}" removed: ${r.members.filter(m => m.cancelled).length} contracts cancelled` +
        `${r.members.some(m => !m.cancelled) ? `, ${r.members.filter(m => !m.cancelled).length} left to cancel once their farmers answer` : ''}`])
    })
}
