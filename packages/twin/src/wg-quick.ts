import { NetworkRange, formatIpv4, isEndpoint, isWireguardKey } from '@p2pcloud/network'
import type { NetworkJoin } from './networks.js'

/** Seconds between keepalives from a joined machine: it is usually behind a NAT, and the farmers do not know its address. */
export const JOIN_KEEPALIVE_S = 25

/**
 * A wg-quick file for a machine that joined a network (`wg-quick up FILE`): its private key, `.1`
 * of its /24 with the network's /16 routed to the interface, and each member with a known key
 * as a peer (its /24, its first endpoint). Every value is checked: one with a newline would add lines.
 */
export function wgQuickConfig (privateKey: string, join: NetworkJoin): string {
  if (!isWireguardKey(privateKey)) throw new Error('the private key is not a WireGuard key')
  const range = NetworkRange.parse(join.range)
  const lines = [
    `# p2pcloud network "${join.network}" (${range.toString()}): this machine's part, made by p2pcloud network join; keep it private`,
    '[Interface]',
    `PrivateKey = ${privateKey}`,
    `Address = ${formatIpv4(range.subnet(join.subnet).gateway)}/16`
  ]
  for (const peer of join.peers) {
    if (!isWireguardKey(peer.publicKey)) throw new Error(`member ${peer.peerId} has no valid WireGuard key`)
    const endpoint = peer.endpoints.find(isEndpoint)
    lines.push('', `# ${peer.peerId}`, '[Peer]', `PublicKey = ${peer.publicKey}`, `AllowedIPs = ${range.subnet(peer.subnet).toString()}`)
    if (endpoint !== undefined) lines.push(`Endpoint = ${endpoint}`)
    lines.push(`PersistentKeepalive = ${JOIN_KEEPALIVE_S}`)
  }
  return lines.join('\n') + '\n'
}
