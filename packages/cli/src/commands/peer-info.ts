import type { Command } from 'commander'
import type { PeerView } from '@p2pcloud/api'
import { contextOf, daemonClient } from '../context.js'
import { print } from '../output.js'
import { checkMultiaddrs } from '../options.js'

function peerLines (peer: PeerView): string[] {
  const direction = peer.connections.map(c => c.direction).join(', ')
  return [
    `${peer.peerId}${direction !== '' ? ` (${direction})` : ''}${peer.agent != null ? ` ${peer.agent}` : ''}`,
    ...peer.addresses.map(address => `  ${address}`)
  ]
}

/** The commands that ask the running daemon about itself and its peers. */
export function registerPeerInfo (program: Command): void {
  program
    .command('id')
    .description('print this peer\'s id and addresses (--json: {"peerId","addresses"})')
    .action(async (_options, command: Command) => {
      const context = contextOf(command)
      const id = await (await daemonClient(context)).id()
      print(context, id, value => [value.peerId, ...value.addresses.map(address => `  ${address}`)])
    })

  program
    .command('status')
    .description('print the daemon\'s state: uptime, connections, DHT and pubsub')
    .action(async (_options, command: Command) => {
      const context = contextOf(command)
      const status = await (await daemonClient(context)).status()
      print(context, status, value => [
        `peer:        ${value.peerId}`,
        `version:     ${value.version} (${value.status}, up ${value.uptimeSeconds}s since ${value.startedAt})`,
        `home:        ${value.home}`,
        `peers:       ${value.peers} (${value.connections} connections)`,
        `dht:         ${value.dht.protocol}, ${value.dht.mode} mode, ${value.dht.routingTableSize} peers in routing table`,
        `pubsub:      ${value.pubsub.peers} peers, topics: ${value.pubsub.topics.length > 0 ? value.pubsub.topics.join(', ') : 'none'}`,
        'addresses:',
        ...value.addresses.map(address => `  ${address}`)
      ])
    })

  program
    .command('peers')
    .description('list connected peers (--json: [{"peerId","addresses",...}])')
    .action(async (_options, command: Command) => {
      const context = contextOf(command)
      const peers = await (await daemonClient(context)).peers()
      print(context, peers, list => list.length === 0 ? ['no connected peers'] : list.flatMap(peerLines))
    })

  program
    .command('connect')
    .description('dial a peer by multiaddr, e.g. /ip4/1.2.3.4/tcp/4050/p2p/12D3Koo…')
    .argument('<multiaddr>', 'the address to dial')
    .action(async (text: string, _options, command: Command) => {
      const context = contextOf(command)
      const [target] = await checkMultiaddrs(command, '<multiaddr>', [text]) as string[]
      const peer = await (await daemonClient(context)).connect(target)
      print(context, peer, value => [`connected to ${value.peerId}`, ...value.addresses.map(address => `  ${address}`)])
    })
}
