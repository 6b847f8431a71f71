import { isWireguardKey } from './wireguard-keys.js'

/** One peer of a WireGuard device. */
export interface WireguardPeer {
  publicKey: string
  /** `host:port` (IPv6 hosts in brackets); absent while the peer's address is unknown (it may still reach us). */
  endpoint?: string
  /** CIDRs routed to this peer; an address outside every peer's list is dropped. */
  allowedIps: string[]
  /** Seconds between keepalives, so a NAT in between keeps the mapping open (0: none). */
  persistentKeepalive?: number
}

/** The whole configuration of a device: `wg syncconf` makes the device match it, keeping sessions of peers that stay. */
export interface WireguardConfig {
  privateKey: string
  listenPort: number
  peers: WireguardPeer[]
}

const CIDR = /^[0-9a-fA-F.:]+\/\d{1,3}$/
const ENDPOINT = /^(\[[0-9a-fA-F:.]+\]|[0-9.]+):\d{1,5}$/
const IPV4_ENDPOINT = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3}):(\d{1,5})$/

/** Whether `text` is an IPv4 endpoint `a.b.c.d:port`, as members list them. */
export function isEndpoint (text: string): boolean {
  const match = IPV4_ENDPOINT.exec(text)
  if (match === null) return false
  const numbers = match.slice(1).map(Number)
  return numbers.slice(0, 4).every(octet => octet <= 255) && numbers[4] >= 1 && numbers[4] <= 65535
}

/** The config in `wg`'s file format; every value is checked first, since a newline in one would add lines of its own. */
export function formatWireguardConfig (config: WireguardConfig): string {
  if (!isWireguardKey(config.privateKey)) throw new Error('the private key is not a WireGuard key')
  if (!Number.isInteger(config.listenPort) || config.listenPort < 0 || config.listenPort > 65535) throw new Error(`listen port ${config.listenPort} is not a port`)
  const lines = ['[Interface]', `PrivateKey = ${config.privateKey}`, `ListenPort = ${config.listenPort}`]
  for (const peer of config.peers) {
    if (!isWireguardKey(peer.publicKey)) throw new Error(`peer key ${JSON.stringify(peer.publicKey)} is not a WireGuard key`)
    const bad = peer.allowedIps.find(cidr => !CIDR.test(cidr))
    if (bad !== undefined) throw new Error(`allowed IP ${JSON.stringify(bad)} of peer ${peer.publicKey} is not a CIDR`)
    if (peer.endpoint !== undefined && !ENDPOINT.test(peer.endpoint)) throw new Error(`endpoint ${JSON.stringify(peer.endpoint)} of peer ${peer.publicKey} is not host:port`)
    lines.push('', '[Peer]', `PublicKey = ${peer.publicKey}`, `AllowedIPs = ${peer.allowedIps.join(', ')}`)
    if (peer.endpoint !== undefined) lines.push(`Endpoint = ${peer.endpoint}`)
    if ((peer.persistentKeepalive ?? 0) > 0) lines.push(`PersistentKeepalive = ${peer.persistentKeepalive}`)
  }
  return lines.join('\n') + '\n'
}

/** What `wg show <device> dump` says of one peer. */
export interface WireguardPeerStatus {
  publicKey: string
  endpoint?: string
  allowedIps: string[]
  /** Milliseconds since the epoch of the last completed handshake; absent when there was none. */
  latestHandshake?: number
  rxBytes: number
  txBytes: number
}

export interface WireguardStatus {
  publicKey: string
  listenPort: number
  peers: WireguardPeerStatus[]
}

/** Parse `wg show <device> dump`: a tab-separated line for the device, then one per peer. */
export function parseWireguardDump (dump: string): WireguardStatus {
  const [device, ...peers] = dump.trim().split('\n').map(line => line.split('\t'))
  if (device === undefined || device.length < 4) throw new Error(`not the output of wg show dump: ${JSON.stringify(dump.slice(0, 80))}`)
  return {
    publicKey: device[1],
    listenPort: Number(device[2]),
    peers: peers.filter(fields => fields.length >= 8).map(fields => ({
      publicKey: fields[0],
      ...(fields[2] !== '(none)' ? { endpoint: fields[2] } : {}),
      allowedIps: fields[3] === '(none)' ? [] : fields[3].split(','),
      ...(fields[4] !== '0' ? { latestHandshake: Number(fields[4]) * 1000 } : {}),
      rxBytes: Number(fields[5]),
      txBytes: Number(fields[6])
    }))
  }
}
