import type { Command } from 'commander'
import type { DaemonConfig, FarmerOffer } from '@p2pcloud/daemon'
import { contextOf } from '../context.js'
import { print } from '../output.js'
import { offerLines } from '../farmer-offer.js'

interface InitOptions {
  farmer?: boolean
  farm?: string
  country?: string
  city?: string
  capabilities?: string[]
}

/** `--capabilities a,b`; `none` (or nothing) lists none. */
function capabilityList (text: string): string[] {
  const names = text.split(',').map(name => name.trim()).filter(name => name !== '')
  return names.length === 1 && names[0] === 'none' ? [] : names
}

/** The farmer section for `init --farmer`; config validation names whatever is missing or wrong. */
async function farmerSection (options: InitOptions): Promise<Partial<DaemonConfig>> {
  const [{ defaultConfig }, { daemonConfigSchema, machineCapabilities }] = await Promise.all([import('@p2pcloud/node'), import('@p2pcloud/daemon')])
  if (options.farmer !== true) {
    if (options.farm != null || options.country != null || options.city != null || options.capabilities != null) {
      throw new Error('--farm, --country, --city and --capabilities describe a farmer; add --farmer')
    }
    return {}
  }
  return {
    farmer: {
      ...defaultConfig(daemonConfigSchema).farmer,
      enabled: true,
      farm: options.farm ?? '',
      country: options.country?.toUpperCase() ?? '',
      city: options.city ?? '',
      // a bad name is refused by the config's schema, naming farmer.capabilities
      capabilities: (options.capabilities ?? await machineCapabilities()) as DaemonConfig['farmer']['capabilities']
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
    .option('--capabilities <list>', 'what the farmer offers, comma-separated: volume, container, zdb, network, gateway, relay, or none (default: the workload kinds this machine can run now)', capabilityList)
    .addHelpText('after', '\nThe home is --home DIR, else $P2PCLOUD_HOME, else ~/.p2pcloud. An existing identity is never replaced.\nA farmer\'s capacity is measured at start; "p2pcloud config set farmer.capacity.mru 16G" sets it instead.\nWithout --capabilities a farmer offers each workload kind this machine can run (volume and container\nneed root, container runc, network root and WireGuard); init says why it offers none of the others.')
    .action(async (options: InitOptions, command: Command) => {
      const context = contextOf(command)
      const farmer = await farmerSection(options)
      const [{ initHome }, { daemonConfigSchema, farmerOffer }] = await Promise.all([import('@p2pcloud/node'), import('@p2pcloud/daemon')])
      const { peerId, paths } = await initHome(context.home, farmer, daemonConfigSchema)
      const offer: FarmerOffer | undefined = farmer.farmer != null ? await farmerOffer(farmer.farmer.capabilities) : undefined
      print(context, { peerId: peerId.toString(), home: paths.root, config: paths.config, identity: paths.identityKey, farmer: offer != null, ...(offer != null ? { offer } : {}) }, value => [
        `initialised p2pcloud ${value.farmer ? 'farmer' : 'peer'} ${value.peerId}`,
        `  home:     ${value.home}`,
        `  config:   ${value.config} (change it with p2pcloud config set KEY VALUE: listen addresses, bootstrap peers, prices, ...)`,
        `  identity: ${value.identity} (keep it private; it is this peer's id)`,
        ...(value.offer != null ? offerLines(value.offer) : []),
        'next: p2pcloud start' + (process.env.P2PCLOUD_HOME == null ? ` --home ${value.home}` : '')
      ])
    })
}
