import { MAX_NETWORK_ENDPOINTS } from './network-data.js'

const IP4 = /^\/ip4\/(\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3})\//

/**
 * Where other members may reach a WireGuard listening on `port` here: each IPv4 address of
 * this peer's own (libp2p's listen and announce addresses, as the address manager knows them),
 * once, best first as libp2p lists them; never loopback nor 0.0.0.0, which would name the
 * other member's own host.
 */
export function ownEndpoints (addresses: Array<{ toString: () => string }>, port: number): string[] {
  const hosts = addresses.map(address => IP4.exec(address.toString())?.[1])
    .filter((host): host is string => host !== undefined && !host.startsWith('127.') && host !== '0.0.0.0')
  return [...new Set(hosts)].slice(0, MAX_NETWORK_ENDPOINTS).map(host => `${host}:${port}`)
}
