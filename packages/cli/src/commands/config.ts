import { readFile, rename, writeFile } from 'node:fs/promises'
import type { Command } from 'commander'
import { isRunning, readHolder } from '@p2pcloud/node/home-files'
import type { DaemonConfig } from '@p2pcloud/daemon'
import { contextOf, type CommandContext } from '../context.js'
import { getKey, parseValue, setKey } from '../config-keys.js'
import { offerLines } from '../farmer-offer.js'
import { print } from '../output.js'

/** What reads and checks a config: loaded in the action (it brings the daemon's packages). */
async function configRules (): Promise<{ node: typeof import('@p2pcloud/node'), daemon: typeof import('@p2pcloud/daemon') }> {
  const [node, daemon] = await Promise.all([import('@p2pcloud/node'), import('@p2pcloud/daemon')])
  return { node, daemon }
}

type ConfigRules = Awaited<ReturnType<typeof configRules>>

/** config.json as written (sizes as typed, "16G"), checked against the schema first so that a broken file is named. */
async function rawConfig (context: CommandContext, { node, daemon }: ConfigRules): Promise<Record<string, any>> {
  await node.readConfig(context.paths.config, daemon.daemonConfigSchema)
  return JSON.parse(await readFile(context.paths.config, 'utf8'))
}

/** The key's value as written, else its default; an unknown key's error lists the keys there are. */
function valueOf (raw: Record<string, any>, key: string, { node, daemon }: ConfigRules): ReturnType<typeof getKey> {
  try {
    return getKey(raw, key)
  } catch (err) {
    try {
      return getKey(node.defaultConfig(daemon.daemonConfigSchema), key)
    } catch {
      throw err
    }
  }
}

const shown = (value: unknown): string => typeof value === 'string' ? value : JSON.stringify(value)

/** `p2pcloud config get|set`: read and change config.json by dotted keys, every change checked against its schema. */
export function registerConfig (program: Command): void {
  const config = program
    .command('config')
    .description('read or change this home\'s config.json by dotted keys, e.g. farmer.capabilities, farmer.capacity.mru')
    .addHelpText('after', '\nEvery field is documented in packages/node/README.md#configjson. A change is checked against the\nconfig\'s schema before it is written, and applies at the daemon\'s next start.')

  config
    .command('get')
    .description('print the value of a key (a section prints as JSON)')
    .argument('<key>', 'dotted key, e.g. farmer.price.cuHour')
    .action(async (key: string, _options, command: Command) => {
      const context = contextOf(command)
      const rules = await configRules()
      const value = valueOf(await rawConfig(context, rules), key, rules)
      print(context, value, v => [shown(v)])
    })

  config
    .command('set')
    .description('set a key and write config.json, if the whole config is still valid')
    .argument('<key>', 'dotted key, e.g. farmer.capacity.mru')
    .argument('<value>', 'JSON (true, 8, null, ["zdb"]) or text; a list also as a,b: farmer.capabilities volume,zdb')
    .addHelpText('after', '\nExamples:\n  p2pcloud config set farmer.capabilities volume,zdb,container\n  p2pcloud config set farmer.capacity.mru 16G\n  p2pcloud config set farmer.price.cuHour 0.2\n  p2pcloud config set bootstrap /ip4/203.0.113.7/tcp/4050/p2p/12D3KooW…')
    .action(async (key: string, text: string, _options, command: Command) => {
      const context = contextOf(command)
      const rules = await configRules()
      const raw = await rawConfig(context, rules)
      let current: ReturnType<typeof getKey> | undefined
      let unknown: Error | undefined
      try {
        current = valueOf(raw, key, rules)
      } catch (err: any) {
        // maybe a section the schema allows but config.json leaves out (farmer.network): the schema decides
        unknown = err
      }
      const value = parseValue(text, current)
      const next = setKey(raw, key, value)
      let parsed: DaemonConfig
      try {
        parsed = rules.node.parseConfig(next, `${context.paths.config} with ${key} = ${shown(value)}`, rules.daemon.daemonConfigSchema)
      } catch (err: any) {
        throw unknown != null ? new Error(`${unknown.message} (${err.message as string})`) : err
      }
      // written whole, then renamed over the old file: a crash leaves one or the other
      const partial = `${context.paths.config}.partial`
      await writeFile(partial, JSON.stringify(next, null, 2) + '\n', { mode: 0o644 })
      await rename(partial, context.paths.config)
      const pid = await readHolder(context.paths.lock)
      const running = pid != null && isRunning(pid)
      const offer = key.startsWith('farmer.capabilities') && parsed.farmer.enabled ? await rules.daemon.farmerOffer(parsed.farmer.capabilities) : undefined
      print(context, { key, value, restart: running, ...(offer != null ? { offer } : {}) }, r => [
        `${r.key} = ${shown(r.value)}`,
        ...(r.offer != null ? offerLines(r.offer) : []),
        ...(r.restart ? ['the daemon running on this home reads it at its next start: p2pcloud stop, then p2pcloud start'] : [])
      ])
    })
}
