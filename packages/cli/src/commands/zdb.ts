import type { Command } from 'commander'
import { contextOf, daemonClient } from '../context.js'
import { printJson } from '../output.js'

interface KeyLine { key?: string, hex: string, size: number }

/** `DEPLOYMENT/WORKLOAD` (or a deployment of one namespace) → the path of its keys and the query naming the namespace. */
function namespaceOf (target: string): { base: string, query: string } {
  const [deployment, workload, ...rest] = target.split('/')
  if (deployment === '' || rest.length > 0 || workload === '') throw new Error(`"${target}" is not DEPLOYMENT/NAMESPACE (or DEPLOYMENT, when it has one namespace)`)
  const query = workload != null ? `?${new URLSearchParams({ workload }).toString()}` : ''
  return { base: `/v1/deployments/${encodeURIComponent(deployment)}/zdb/keys`, query }
}

const keyPath = (target: string, key: string): string => {
  const { base, query } = namespaceOf(target)
  return `${base}/${encodeURIComponent(key)}${query}`
}

async function readStdin (): Promise<Buffer> {
  const chunks: Buffer[] = []
  for await (const chunk of process.stdin as AsyncIterable<Buffer>) chunks.push(chunk)
  return Buffer.concat(chunks)
}

/** `p2pcloud zdb set|get|del|scan`: a zdb namespace of one of this 3Bot's deployments, through the daemon. */
export function registerZdb (program: Command): void {
  const zdb = program
    .command('zdb')
    .description('keys and values of a zdb namespace of one of your deployments (DEPLOYMENT/NAMESPACE)')
    .addHelpText('after', '\nKeys are text (UTF-8, 1 to 256 bytes); values up to 4 MiB of any bytes.')
  zdb.command('set')
    .description('store VALUE under KEY (VALUE "-": read it from stdin); on the farmer\'s disk when it returns')
    .argument('<namespace>', 'DEPLOYMENT/NAMESPACE')
    .argument('<key>')
    .argument('<value>', 'the value, or - for stdin')
    .action(async (target: string, key: string, value: string, _options: unknown, command: Command) => {
      const context = contextOf(command)
      const bytes = value === '-' ? await readStdin() : Buffer.from(value)
      const stored = await (await daemonClient(context)).request<{ size: number }>('PUT', keyPath(target, key), bytes)
      if (context.json) printJson(stored)
      else process.stdout.write(`stored ${stored.size} bytes under "${key}"\n`)
    })
  zdb.command('get')
    .description('the value of KEY, as raw bytes to stdout')
    .argument('<namespace>', 'DEPLOYMENT/NAMESPACE')
    .argument('<key>')
    .action(async (target: string, key: string, _options: unknown, command: Command) => {
      const context = contextOf(command)
      const got = await (await daemonClient(context)).request<{ value: string }>('GET', keyPath(target, key))
      if (context.json) printJson(got)
      else process.stdout.write(Buffer.from(got.value, 'base64'))
    })
  zdb.command('del')
    .description('delete KEY')
    .argument('<namespace>', 'DEPLOYMENT/NAMESPACE')
    .argument('<key>')
    .action(async (target: string, key: string, _options: unknown, command: Command) => {
      const context = contextOf(command)
      const deleted = await (await daemonClient(context)).request('DELETE', keyPath(target, key))
      if (context.json) printJson(deleted)
      else process.stdout.write(`deleted "${key}"\n`)
    })
  zdb.command('scan')
    .description('the keys, in key order, with the size of their values')
    .argument('<namespace>', 'DEPLOYMENT/NAMESPACE')
    .option('--prefix <text>', 'only the keys that start with it')
    .action(async (target: string, options: { prefix?: string }, command: Command) => {
      const context = contextOf(command)
      const { base, query } = namespaceOf(target)
      const params = new URLSearchParams(query.slice(1))
      if (options.prefix != null) params.set('prefix', options.prefix)
      for await (const line of (await daemonClient(context)).lines<KeyLine>('GET', `${base}?${params.toString()}`)) {
        if (context.json) process.stdout.write(JSON.stringify(line) + '\n')
        else process.stdout.write(`${line.key ?? `0x${line.hex}`}\t${line.size}\n`)
      }
    })
}
