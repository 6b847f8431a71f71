import { chmod, rename, writeFile } from 'node:fs/promises'
import { resolve } from 'node:path'
import type { Command } from 'commander'
import type { NetworkJoined, NetworkMemberView, NetworkView, PrivateNetwork } from '@p2pcloud/twin'
import { contextOf, daemonClient } from '../context.js'
import { print } from '../output.js'

const path = (name: string): string => `/v1/networks/${encodeURIComponent(name)}`
const ago = (ms: number): string => `${Math.max(0, Math.round((Date.now() - ms) / 1000))}s ago`

function networkLine (n: PrivateNetwork): string {
  const deployments = n.members.flatMap(m => m.deployments)
  return `${n.name.padEnd(20)} ${n.range.padEnd(16)} ${n.members.length} member(s)${deployments.length > 0 ? `, used by ${deployments.join(', ')}` : ''}`
}

function memberLines (m: NetworkMemberView, network: NetworkView): string[] {
  const name = (peerId: string): string => {
    const other = network.members.find(o => o.peerId === peerId)
    return other != null ? `${peerId} (${other.cidr})` : peerId
  }
  return [
    `  ${m.cidr.padEnd(16)} ${m.kind === 'machine' ? 'machine' : 'farmer '} ${m.peerId}${m.deployments.length > 0 ? `  deployments ${m.deployments.join(', ')}` : ''}`,
    `    key ${m.publicKey ?? '(not reported yet)'}; endpoints ${m.endpoints.length > 0 ? m.endpoints.join(', ') : 'none known'}`,
    ...(m.paths ?? []).map(p => `    → ${name(p.peerId)}: ${p.path}${p.endpoint != null ? ` via ${p.endpoint}` : ''}, last handshake ${p.latestHandshake != null ? ago(p.latestHandshake) : 'never'}`),
    ...(m.error != null ? [`    paths unknown: ${m.error}`] : [])
  ]
}

/** Written whole or not at all, readable by its owner only (it holds the private key). */
async function writePrivate (file: string, text: string): Promise<void> {
  const partial = `${file}.partial`
  await writeFile(partial, text, { mode: 0o600 })
  await chmod(partial, 0o600)
  await rename(partial, file)
}

/** `p2pcloud network …`: the twin's private networks (a /16, one /24 per member farmer or machine). */
export function registerNetworks (program: Command): void {
  const network = program.command('network').description('private networks between your containers on any farmers (WireGuard, one /16 each)')

  network
    .command('create')
    .description('create a network: your own object, no farmer yet; containers join it with network: NAME in their spec')
    .argument('<name>', '1 to 32 of a-z, 0-9, _ and -')
    .option('--range <cidr>', 'its /16, in a private range (default: a free 10.n.0.0/16)')
    .action(async (name: string, options: { range?: string }, command: Command) => {
      const context = contextOf(command)
      const created = await (await daemonClient(context)).request<PrivateNetwork>('POST', '/v1/networks', { name, range: options.range })
      print(context, created, n => [`network "${n.name}": ${n.range}; give containers network: ${n.name} in their spec`])
    })

  network
    .command('ls')
    .description('your networks')
    .action(async (_options, command: Command) => {
      const context = contextOf(command)
      const networks = await (await daemonClient(context)).request<PrivateNetwork[]>('GET', '/v1/networks')
      print(context, networks, all => all.length === 0 ? ['no networks; create one with p2pcloud network create NAME'] : all.map(networkLine))
    })

  network
    .command('show')
    .description('a network\'s members, their /24, endpoints, and how each farmer reaches each other member (direct, relayed, connecting), read from the farmers now')
    .argument('<name>')
    .action(async (name: string, _options, command: Command) => {
      const context = contextOf(command)
      const shown = await (await daemonClient(context)).request<NetworkView>('GET', path(name))
      print(context, shown, n => [
        `network "${n.name}": ${n.range}, id ${n.networkId}`,
        ...(n.members.length === 0 ? ['  no members yet: deploy a container with network: ' + n.name] : n.members.flatMap(m => memberLines(m, n)))
      ])
    })

  network
    .command('rm')
    .description('forget a network; refused while deployments use it')
    .argument('<name>')
    .option('--force', 'forget it even so: those deployments keep their part of it until removed or updated')
    .action(async (name: string, options: { force?: boolean }, command: Command) => {
      const context = contextOf(command)
      const removed = await (await daemonClient(context)).request<{ deleted: string }>('DELETE', `${path(name)}${options.force === true ? '?force=1' : ''}`)
      print(context, removed, r => [`network "${r.deleted}" removed`])
    })

  network
    .command('join')
    .description('make this machine a member of a network: the daemon runs its WireGuard (root, wg, wireguard-go or kernel WireGuard), or with --wg-config a wg-quick file for you to bring up; the farmers are told of it')
    .argument('<name>')
    .option('--wg-config <file>', 'do not run it: write a wg-quick file for this machine (its private key stays in FILE; bring it up with: wg-quick up FILE)')
    .addHelpText('after', '\nLive, the daemon keeps the key in its home, gives the machine .1 of its /24 with the /16 routed to it, follows members that join later and brings it up again at its next start.\nWith --wg-config, run it again to get a fresh key and the current members; farmers that join later are not in an older file.')
    .action(async (name: string, options: { wgConfig?: string }, command: Command) => {
      const context = contextOf(command)
      const client = await daemonClient(context)
      if (options.wgConfig == null) {
        const join = await client.request<NetworkJoined>('POST', `${path(name)}/join`, {})
        print(context, join, j => [
          `joined network "${j.network}" (${j.range}) as ${j.address} on device ${j.live?.device ?? '?'}: this machine reaches the network while the daemon runs; ${j.peers.length} peer(s), see p2pcloud network show ${j.network}`,
          ...j.notes.map(note => `warning: ${note}`)
        ])
        return
      }
      const [{ generateWireguardKeys }, { wgQuickConfig }] = await Promise.all([import('@p2pcloud/network'), import('@p2pcloud/twin')])
      const keys = generateWireguardKeys()
      const join = await client.request<NetworkJoined>('POST', `${path(name)}/join`, { publicKey: keys.publicKey })
      const file = resolve(options.wgConfig)
      await writePrivate(file, wgQuickConfig(keys.privateKey, join))
      print(context, { ...join, publicKey: keys.publicKey, wgConfig: file }, j => [
        `joined network "${j.network}" (${j.range}) as ${j.address}; ${j.peers.length} peer(s) in ${j.wgConfig} (wg-quick up ${j.wgConfig})`,
        ...j.notes.map(note => `warning: ${note}`)
      ])
    })

  network
    .command('leave')
    .description('this machine leaves a network: the farmers drop its key and the daemon removes its device (one brought up from a file: wg-quick down FILE)')
    .argument('<name>')
    .action(async (name: string, _options, command: Command) => {
      const context = contextOf(command)
      const left = await (await daemonClient(context)).request<{ left: string, notes: string[] }>('POST', `${path(name)}/leave`)
      print(context, left, l => [`left network "${l.left}"`, ...l.notes.map(note => `warning: ${note}`)])
    })
}
