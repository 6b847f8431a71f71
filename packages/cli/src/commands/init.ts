import type { Command } from 'commander'
import { initHome } from '@p2pcloud/node'
import { contextOf } from '../context.js'
import { print } from '../output.js'

export function registerInit (program: Command): void {
  program
    .command('init')
    .description('create a peer home: an Ed25519 identity and a config.json with every default')
    .addHelpText('after', '\nThe home is --home DIR, else $P2PCLOUD_HOME, else ~/.p2pcloud. An existing identity is never replaced.')
    .action(async (_options, command: Command) => {
      const context = contextOf(command)
      const { peerId, paths } = await initHome(context.home)
      print(context, { peerId: peerId.toString(), home: paths.root, config: paths.config, identity: paths.identityKey }, value => [
        `initialised p2pcloud peer ${value.peerId}`,
        `  home:     ${value.home}`,
        `  config:   ${value.config} (edit it to change listen addresses, bootstrap peers, ...)`,
        `  identity: ${value.identity} (keep it private; it is this peer's id)`,
        'next: p2pcloud start' + (process.env.P2PCLOUD_HOME == null ? ` --home ${value.home}` : '')
      ])
    })
}
