import { InvalidArgumentError } from 'commander'
import { parseMultiaddr, parsePeerMultiaddr } from '@p2pcloud/node'

/** Commander argument parsers: each rejects bad input with a message naming it. */

export function collect (parse: (text: string) => string) {
  return (value: string, previous: string[] | undefined): string[] => [...(previous ?? []), parse(value)]
}

export function multiaddrArg (text: string): string {
  try {
    return parseMultiaddr(text).toString()
  } catch (err: any) {
    throw new InvalidArgumentError(err.message)
  }
}

export function peerMultiaddrArg (text: string): string {
  try {
    return parsePeerMultiaddr(text).toString()
  } catch (err: any) {
    throw new InvalidArgumentError(err.message)
  }
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
