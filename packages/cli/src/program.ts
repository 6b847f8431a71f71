import { Command } from 'commander'
import { VERSION } from '@p2pcloud/node'
import { registerDeployments } from './commands/deployments.js'
import { registerFarmer } from './commands/farmer.js'
import { registerFlist } from './commands/flist.js'
import { registerInit } from './commands/init.js'
import { registerLogs } from './commands/logs.js'
import { registerMarket } from './commands/market.js'
import { registerNetworks } from './commands/networks.js'
import { registerPeerInfo } from './commands/peer-info.js'
import { registerStart } from './commands/start.js'
import { registerStore } from './commands/store.js'
import { registerPools } from './commands/pools.js'
import { registerUi } from './commands/ui.js'

/** The `p2pcloud` command tree; `bin.ts` runs it. */
export function createProgram (): Command {
  const program = new Command('p2pcloud')
    .description('a peer-to-peer cloud: run a peer, find capacity, deploy workloads')
    .version(VERSION, '-V, --version')
    .option('--home <dir>', 'the peer home to use (default: $P2PCLOUD_HOME, else ~/.p2pcloud)')
    .option('--json', 'print exact JSON instead of text for people')
    .configureHelp({ showGlobalOptions: true })
    .showHelpAfterError('(run with --help for usage)')
  registerInit(program)
  registerStart(program)
  registerPeerInfo(program)
  registerMarket(program)
  registerDeployments(program)
  registerLogs(program)
  registerFlist(program)
  registerStore(program)
  registerPools(program)
  registerNetworks(program)
  registerFarmer(program)
  registerUi(program)
  return program
}
