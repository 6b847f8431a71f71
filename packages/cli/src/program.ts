import { Command } from 'commander'
import { VERSION } from '@p2pcloud/node/home-files'
import { registerConfig } from './commands/config.js'
import { registerDeployments } from './commands/deployments.js'
import { registerExec } from './commands/exec.js'
import { registerFarmer } from './commands/farmer.js'
import { registerFlist } from './commands/flist.js'
import { registerInit } from './commands/init.js'
import { registerLogs } from './commands/logs.js'
import { registerMarket } from './commands/market.js'
import { registerNetworks } from './commands/networks.js'
import { registerPeerInfo } from './commands/peer-info.js'
import { registerStart } from './commands/start.js'
import { registerStop } from './commands/stop.js'
import { registerStore } from './commands/store.js'
import { registerPools } from './commands/pools.js'
import { registerUi } from './commands/ui.js'
import { registerZdb } from './commands/zdb.js'

/**
 * The `p2pcloud` command tree; `bin.ts` runs it. Command modules load the domain packages (and
 * with them libp2p) only in their actions, so `--help` and the commands that only ask the daemon
 * start fast.
 */
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
  registerStop(program)
  registerConfig(program)
  registerPeerInfo(program)
  registerMarket(program)
  registerDeployments(program)
  registerLogs(program)
  registerExec(program)
  registerFlist(program)
  registerStore(program)
  registerZdb(program)
  registerPools(program)
  registerNetworks(program)
  registerFarmer(program)
  registerUi(program)
  return program
}
