import { InvalidArgumentError, type Command } from 'commander'

/** Commander argument parsers: each rejects bad input with a message naming it. */

/** A repeatable option's values, in the order given. */
export function collect (value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value]
}

/**
 * A value whose rules live in a domain package, checked in the action once that package is
 * loaded (parsers run before, and loading it for every command would cost every command its
 * start): refused as a usage error worded as commander words its own (`flag` is an option's
 * `--name <value>` or an argument's `<name>`).
 */
export function checkOption<T> (command: Command, flag: string, value: string, check: (value: string) => T): T {
  try {
    return check(value)
  } catch (err: any) {
    const what = flag.startsWith('<') ? `command-argument value '${value}' is invalid for argument '${flag.slice(1, -1)}'` : `option '${flag}' argument '${value}' is invalid`
    command.error(`error: ${what}. ${err.message as string}`)
  }
}

/** Multiaddrs (`/p2p/<id>` required with `needsPeer`), normalised; undefined stays undefined. */
export async function checkMultiaddrs (command: Command, flag: string, values: string[] | undefined, needsPeer = false): Promise<string[] | undefined> {
  if (values == null) return undefined
  const { parseMultiaddr, parsePeerMultiaddr } = await import('@p2pcloud/node')
  return values.map(text => checkOption(command, flag, text, value => (needsPeer ? parsePeerMultiaddr : parseMultiaddr)(value).toString()))
}

const API_HOSTS = ['127.0.0.1', '::1', 'localhost'] as const
export type ApiHost = typeof API_HOSTS[number]

/** `HOST:PORT` with HOST one of the loopback names (the API never leaves this machine). */
export function apiAddressArg (text: string): { host: ApiHost, port: number } {
  const match = /^(?:\[([^\]]+)\]|([^:]+)):(\d+)$/.exec(text)
  if (match == null) {
    throw new InvalidArgumentError(`"${text}" is not HOST:PORT (for example 127.0.0.1:5050, or 127.0.0.1:0 for any free port)`)
  }
  const host = match[1] ?? match[2]
  const port = Number(match[3])
  if (!(API_HOSTS as readonly string[]).includes(host)) {
    throw new InvalidArgumentError(`API host "${host}" is not allowed; the API listens only on 127.0.0.1, ::1 or localhost`)
  }
  if (port > 65535) throw new InvalidArgumentError(`port ${port} is out of range (0-65535)`)
  return { host: host as ApiHost, port }
}
