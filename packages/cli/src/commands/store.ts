import { createWriteStream } from 'node:fs'
import { rename, rm } from 'node:fs/promises'
import { resolve } from 'node:path'
import { pipeline } from 'node:stream/promises'
import { Readable, Transform } from 'node:stream'
import type { Command } from 'commander'
import type { ApiClient } from '@p2pcloud/api'
import { formatSize } from '@p2pcloud/node/home-files'
import type { ObjectInfo, ObjectStatus } from '@p2pcloud/storage'
import type { PoolMember, PoolRepairReport, StoragePool } from '@p2pcloud/twin'
import { contextOf, daemonClient } from '../context.js'
import { print } from '../output.js'
import { ProgressLine, withProgress } from '../progress.js'

const poolQuery = (pool: string | undefined): string => pool != null ? `?pool=${encodeURIComponent(pool)}` : ''

/** The object named, or every object of the pool. */
async function objectIds (client: ApiClient, id: string | undefined, pool: string): Promise<string[]> {
  if (id != null) return [id]
  return (await client.request<{ objects: ObjectInfo[] }>('GET', `/v1/store/objects${poolQuery(pool)}`)).objects.map(o => o.objectId)
}

/** "85.1 MB/s" since `startedMs` */
function rate (bytes: number, startedMs: number): string {
  const seconds = Math.max((Date.now() - startedMs) / 1000, 0.001)
  return `${(bytes / 1e6 / seconds).toFixed(1)} MB/s`
}

/** "12.3 MiB of 40 MiB, 85.1 MB/s": progress */
function throughput (bytes: number, startedMs: number, total?: number): string {
  return `${formatSize(bytes)}${total != null ? ` of ${formatSize(total)}` : ''}, ${rate(bytes, startedMs)}`
}

const memberLine = (m: PoolMember, i: number): string => `  ${String(i).padStart(2)} ${m.farmer}  farm ${m.farm}, ${m.country}  contract ${m.contractId.slice(0, 16)}…`
const objectLine = (o: ObjectInfo): string => `${o.objectId}  ${formatSize(o.size).padStart(10)}  ${o.createdAt.slice(0, 16).replace('T', ' ')}  ${o.name}`

function statusLines (s: ObjectStatus): string[] {
  return [
    `${s.object.objectId} (${s.object.name}, ${formatSize(s.object.size)}, ${s.object.segments} segment(s), ${s.object.dataShards}+${s.object.parityShards}): ${s.healthy ? 'healthy' : s.readable ? `readable, ${s.problems.length} copies to repair` : 'NOT readable'}; fewest good shards of a segment: ${s.minGoodShards}`,
    ...s.namespaces.map(n => `  ${String(n.index).padStart(2)} ${n.namespace}  manifest ${n.manifest}; shards ok ${n.counts.ok}, missing ${n.counts.missing}, corrupt ${n.counts.corrupt}, unreachable ${n.counts.unreachable}`)
  ]
}

/** `p2pcloud store …`: encrypted, erasure-coded objects over a pool of zdb namespaces. */
export function registerStore (program: Command): void {
  const store = program.command('store').description('encrypted, erasure-coded objects over a pool of zdb namespaces on distinct farmers')
  const withPool = (command: Command): Command => command.option('--pool <name>', 'the storage pool', 'default')

  store
    .command('init')
    .description('reserve a pool: data + parity zdb namespaces on distinct farmers (distinct farms and countries when possible)')
    .requiredOption('--data <k>', 'data shards per segment: any k shards rebuild it')
    .requiredOption('--parity <m>', 'parity shards: losing any m farmers loses nothing')
    .option('--size <size>', 'bytes of each namespace', '1G')
    .option('--lease <duration>', 'how long the namespaces are reserved', '30d')
    .option('--pool <name>', 'the pool\'s name', 'default')
    .option('--country <cc>', 'only farmers in this country')
    .option('--farm <name>', 'only farmers of this farm')
    .option('--max-price <p>', 'the highest price of one CU-hour')
    .action(async (options: { data: string, parity: string, size: string, lease: string, pool: string, country?: string, farm?: string, maxPrice?: string }, command: Command) => {
      const context = contextOf(command)
      const body = {
        name: options.pool,
        data: Number(options.data),
        parity: Number(options.parity),
        size: options.size,
        lease: options.lease,
        where: { country: options.country?.toUpperCase(), farm: options.farm, maxPrice: options.maxPrice != null ? Number(options.maxPrice) : undefined }
      }
      const pool = await withProgress<string, StoragePool>(context, 'POST', '/v1/store/pools', body, text => ['reserve', text])
      print(context, pool, p => [`pool "${p.name}": ${p.dataShards}+${p.parityShards}, ${formatSize(p.namespaceBytes)} per namespace`, ...p.members.map(memberLine)])
    })

  withPool(store.command('put').description('store a file: encrypted with a key only this 3Bot holds, erasure-coded over the pool').argument('<file>'))
    .option('--name <name>', 'the name to keep with it (default: the file\'s name)')
    .action(async (file: string, options: { pool: string, name?: string }, command: Command) => {
      const context = contextOf(command)
      const started = Date.now()
      const info = await withProgress<{ bytes: number, total: number }, ObjectInfo>(context, 'POST', `/v1/store/objects${poolQuery(options.pool)}`, { path: resolve(file), name: options.name },
        p => ['put', `storing: ${throughput(p.bytes, started, p.total)}`])
      print(context, { ...info, seconds: (Date.now() - started) / 1000 }, o => [`${o.objectId}  ${o.name}, ${formatSize(o.size)} in ${o.segments} segment(s), ${o.dataShards}+${o.parityShards}, ${rate(o.size, started)}`])
    })

  withPool(store.command('get').description('read an object back (from the fastest k shards), verify and decrypt it; to stdout without -o').argument('<id>'))
    .option('-o, --output <file>', 'where to write it (written to FILE.partial, renamed once complete)')
    .addHelpText('after', '\nWithout -o the object goes to stdout (not to a terminal), and the summary to stderr.')
    .action(async (id: string, options: { pool: string, output?: string }, command: Command) => {
      const context = contextOf(command)
      const toStdout = options.output == null
      if (toStdout && process.stdout.isTTY) throw new Error('stdout is a terminal; give -o FILE, or pipe or redirect stdout')
      const client = await daemonClient(context)
      const info = await client.request<ObjectInfo>('GET', `/v1/store/objects/${encodeURIComponent(id)}/info${poolQuery(options.pool)}`)
      const out = toStdout ? undefined : resolve(options.output as string)
      const partial = `${out}.partial`
      const line = new ProgressLine(context.json)
      const started = Date.now()
      let bytes = 0
      const count = new Transform({ transform (chunk, _encoding, done) { bytes += chunk.byteLength; line.update('get', `reading: ${throughput(bytes, started, info.size)}`); done(null, chunk) } })
      try {
        await pipeline(Readable.from(client.bytes('GET', `/v1/store/objects/${encodeURIComponent(id)}${poolQuery(options.pool)}`)), count, out == null ? process.stdout : createWriteStream(partial))
        // a cut answer (the daemon failed mid-object) is not the object
        if (bytes !== info.size) throw new Error(`the object is ${info.size} bytes, ${bytes} arrived; ${out == null ? 'what went to stdout is cut short' : `nothing written to ${out}`}`)
        if (out != null) await rename(partial, out)
      } catch (err) {
        if (out != null) await rm(partial, { force: true })
        throw err
      } finally {
        line.done()
      }
      const result = { ...info, output: out ?? '-', seconds: (Date.now() - started) / 1000 }
      const summary = (o: typeof result): string[] => [`${o.objectId} → ${out ?? 'stdout'}: ${formatSize(o.size)}, ${rate(o.size, started)}`]
      // stdout carries the object itself: the summary goes to stderr
      if (out == null) process.stderr.write((context.json ? JSON.stringify(result) : summary(result).join('\n')) + '\n')
      else print(context, result, summary)
    })

  withPool(store.command('ls').description('the objects in the pool'))
    .action(async (options: { pool: string }, command: Command) => {
      const context = contextOf(command)
      const listed = await (await daemonClient(context)).request<{ objects: ObjectInfo[], unreadable: unknown[], unreachable: Array<{ namespace: string, reason: string }> }>('GET', `/v1/store/objects${poolQuery(options.pool)}`)
      print(context, listed, l => [
        ...(l.objects.length === 0 ? ['no objects'] : l.objects.map(objectLine)),
        ...l.unreachable.map(u => `(namespace ${u.namespace} did not answer: ${u.reason})`)
      ])
    })

  withPool(store.command('rm').description('delete an object from every namespace').argument('<id>'))
    .action(async (id: string, options: { pool: string }, command: Command) => {
      const context = contextOf(command)
      print(context, await (await daemonClient(context)).request('DELETE', `/v1/store/objects/${encodeURIComponent(id)}${poolQuery(options.pool)}`), () => [`${id} deleted`])
    })

  withPool(store.command('status').description('the health of every shard of an object (or of every object)').argument('[id]'))
    .action(async (id: string | undefined, options: { pool: string }, command: Command) => {
      const context = contextOf(command)
      const client = await daemonClient(context)
      const ids = await objectIds(client, id, options.pool)
      const statuses = await Promise.all(ids.map(async one => client.request<ObjectStatus>('GET', `/v1/store/objects/${encodeURIComponent(one)}/status${poolQuery(options.pool)}`)))
      print(context, statuses, all => all.length === 0 ? ['no objects'] : all.flatMap(statusLines))
    })

  withPool(store.command('repair').description('rebuild missing and corrupt shards; a farmer that does not answer is replaced by a fresh namespace elsewhere').argument('[id]'))
    .action(async (id: string | undefined, options: { pool: string }, command: Command) => {
      const context = contextOf(command)
      const client = await daemonClient(context)
      const ids = await objectIds(client, id, options.pool)
      const reports: Array<PoolRepairReport> = []
      for (const one of ids) {
        const started = Date.now()
        reports.push(await withProgress<{ bytes: number }, PoolRepairReport>(context, 'POST', `/v1/store/objects/${encodeURIComponent(one)}/repair${poolQuery(options.pool)}`, {},
          p => ['repair', `repairing ${one}: ${throughput(p.bytes, started)} rewritten`]))
      }
      print(context, reports, all => all.length === 0
        ? ['no objects']
        : all.map(r => `${r.objectId}: ${r.complete ? 'full redundancy' : 'INCOMPLETE'}; ${r.repaired.length} copies rewritten${r.reserved.length > 0 ? `, ${r.reserved.length} namespace(s) replaced (${r.reserved.map(m => m.farmer).join(', ')})` : ''}${r.failed.length > 0 ? `; failed: ${r.failed.map(f => `${f.namespace}: ${f.reason}`).join('; ')}` : ''}${r.unrecoverable.length > 0 ? `; unrecoverable segments ${r.unrecoverable.join(', ')}` : ''}${r.unreplaced.length > 0 ? `; no farmer could take column(s) ${r.unreplaced.map(u => u.index).join(', ')}` : ''}`))
    })

  store
    .command('pools')
    .description('this 3Bot\'s storage pools')
    .action(async (_options, command: Command) => {
      const context = contextOf(command)
      print(context, await (await daemonClient(context)).request<StoragePool[]>('GET', '/v1/store/pools'), pools => pools.length === 0
        ? ['no pool; create one with p2pcloud store init --data 4 --parity 2']
        : pools.flatMap(p => [`${p.name}: ${p.dataShards}+${p.parityShards}, ${formatSize(p.namespaceBytes)} per namespace`, ...p.members.map(memberLine)]))
    })
}
