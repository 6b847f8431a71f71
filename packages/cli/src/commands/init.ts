import type { Command } from 'commander'
import { defaultConfig, initHome } from '@p2pcloud/node'
import { daemonConfigSchema, type DaemonConfig } from '@p2pcloud/daemon'
import { contextOf } from '../context.js'
import { print } from '../output.js'

interface InitOptions {
  farmer?: boolean
  farm?: string
  country?: string
  city?: string
}

/** The farmer section for `init --farmer`; config validation names whatever is missing or wrong. */
function farmerSection (options: InitOptions): Partial<DaemonConfig> {
  if (options.farmer !== true) {
    if (options.farm != null || options.country != null || options.city != null) {
      throw new Error('--farm, --country and --city describe a farmer; add --farmer')
    }
    return {}
  }
  return {
    farmer: {
      ...defaultConfig(daemonConfigSchema).farmer,
      enabled: true,
      farm: options.farm ?? '',
      country: options.country?.toUpperCase() ?? '',
      city: options.city ?? ''
    }
  }
}

export function registerInit (program: Command): void {
  program
    .command('init')
    .description('create a peer home: an Ed25519 identity and a config.json with every default')
    .option('--farmer', 'make this peer a farmer that advertises its capacity')
    .option('--farm <name>', 'the farm this node belongs to (with --farmer)')
    .option('--country <cc>', 'two-letter ISO 3166 country code, e.g. BE (with --farmer)')
    .option('--city <name>', 'city, free text (with --farmer)')
    .addHelpText('after', '\nThe home is --home DIR, else $P2PCLOUD_HOME, else ~/.p2pcloud. An existing identity is never replaced.\nA farmer\'s capacity is measured at start; config.json "farmer.capacity" can set it instead.')
    .action(async (options: InitOptions, command: Command) => {
      const context = contextOf(command)
      const { peerId, paths } = await initHome(context.home, farmerSection(options), daemonConfigSchema)
      print(context, { peerId: peerId.toString(), home: paths.root, config: paths.config, identity: paths.identityKey, farmer: options.farmer === true }, value => [
        `initialised p2pcloud ${value.farmer ? 'farmer' : 'peer'} ${value.peerId}`,
        `  home:     ${value.home}`,
        `  config:   ${value.config} (edit it to change listen addresses, bootstrap peers, prices, ...)`,
        `  identity: ${value.identity} (keep it private; it is this peer's id)`,
        'next: p2pcloud start' + (process.env.P2PCLOUD_HOME == null ? ` --home ${value.home}` : '')
      ])
    })
}
