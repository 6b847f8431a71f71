import { spawn } from 'node:child_process'
import type { Command } from 'commander'
import { contextOf, daemonClient } from '../context.js'
import { print } from '../output.js'

interface LoginLink { url: string, expiresAt: string }

/** The command that opens URLs in the user's browser here, or undefined where there is none to open. */
function browserOpener (): string | undefined {
  if (process.platform === 'darwin') return 'open'
  if (process.platform === 'win32') return undefined
  // without a display, xdg-open would start a text browser in this terminal or fail
  return process.env.DISPLAY != null || process.env.WAYLAND_DISPLAY != null ? 'xdg-open' : undefined
}

/** Best effort: the link is printed anyway, so a browser that does not start costs nothing. */
function openInBrowser (url: string): boolean {
  const opener = browserOpener()
  if (opener == null) return false
  const child = spawn(opener, [url], { detached: true, stdio: 'ignore' })
  child.on('error', () => {})
  child.unref()
  return true
}

/** `p2pcloud ui`: a one-time login link to the daemon's web UI, asked for with the token in api.json. */
export function registerUi (program: Command): void {
  program
    .command('ui')
    .description('print (and open where it can) a one-time link that logs a browser on this machine in to the daemon\'s web UI')
    .option('--no-open', 'only print the link')
    .action(async (options: { open: boolean }, command: Command) => {
      const context = contextOf(command)
      const link = await (await daemonClient(context)).request<LoginLink>('POST', '/v1/ui/login', {})
      const opened = options.open && openInBrowser(link.url)
      print(context, { ...link, opened }, value => [
        `open this link in a browser on this machine; it works once, until ${new Date(value.expiresAt).toLocaleTimeString()}:`,
        `  ${value.url}`,
        ...(value.opened ? ['(opening it in your browser)'] : [])
      ])
    })
}
