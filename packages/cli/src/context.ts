import type { Command } from 'commander'
import { ApiClient } from '@p2pcloud/api/client'
import { homePaths, resolveHome, type HomePaths } from '@p2pcloud/node/home-files'

/** What every command needs: the selected home and the output mode. */
export interface CommandContext {
  home: string
  paths: HomePaths
  json: boolean
}

export function contextOf (command: Command): CommandContext {
  const options = command.optsWithGlobals<{ home?: string, json?: boolean }>()
  const home = resolveHome(options.home)
  return { home, paths: homePaths(home), json: options.json === true }
}

/** The API client of the daemon running on the context's home. */
export async function daemonClient (context: CommandContext): Promise<ApiClient> {
  return ApiClient.forHome(context.paths.apiInfo)
}
