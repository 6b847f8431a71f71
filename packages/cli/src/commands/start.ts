import { Option, type Command } from 'commander'
import type { Daemon } from '@p2pcloud/daemon'
import { contextOf } from '../context.js'
import { offerLines } from '../farmer-offer.js'
import { printError } from '../output.js'
import { apiAddressArg, checkMultiaddrs, collect } from '../options.js'

interface StartOptions {
  listen?: string[]
  bootstrap?: string[]
  api?: ReturnType<typeof apiAddressArg>
  mdns: boolean
  relayServer?: boolean
}

function shortPeer (id: string): string {
  return `${id.slice(0, 12)}…${id.slice(-6)}`
}

/** In human mode, say when peers come and go: it is how a person sees the mesh form. */
function reportPeerEvents (daemon: Daemon): void {
  const node = daemon.peer.libp2p
  node.addEventListener('peer:connect', event => {
    process.stdout.write(`peer connected:    ${shortPeer(event.detail.toString())}\n`)
  })
  node.addEventListener('peer:disconnect', event => {
    process.stdout.write(`peer disconnected: ${shortPeer(event.detail.toString())}\n`)
  })
}

/** Stop cleanly on SIGINT/SIGTERM; a second signal exits at once. */
function stopOnSignals (daemon: Daemon, json: boolean): void {
  let stopping = false
  const onSignal = (signal: NodeJS.Signals): void => {
    if (stopping) {
      process.stderr.write(`received ${signal} again, exiting without a clean stop\n`)
      process.exit(1)
    }
    stopping = true
    if (!json) process.stdout.write(`received ${signal}, stopping…\n`)
    daemon.stop().then(() => {
      if (!json) process.stdout.write('stopped\n')
      process.exit(0)
    }, err => {
      printError(err)
      process.exit(1)
    })
  }
  process.on('SIGINT', onSignal)
  process.on('SIGTERM', onSignal)
}

export function registerStart (program: Command): void {
  program
    .command('start')
    .description('run the peer in the foreground until Ctrl-C')
    .option('--listen <multiaddr>', 'listen on this address instead of config.json\'s (repeatable)', collect)
    .option('--bootstrap <multiaddr>', 'also bootstrap from this peer, /p2p/<id> included (repeatable)', collect)
    .addOption(new Option('--api <host:port>', 'serve the local API here (port 0 = any free port)').argParser(apiAddressArg))
    .option('--no-mdns', 'do not look for peers on the local network with mDNS')
    .option('--relay-server', 'offer circuit relay v2 to peers that cannot be reached directly')
    .addHelpText('after', '\nThe API address and token are written to <home>/api.json for the other commands.\n--json prints one JSON line {"peerId","addresses","api","home"} once the peer is up (and "metrics", its metrics.listen URL, when config.json has one).')
    .action(async (options: StartOptions, command: Command) => {
      const context = contextOf(command)
      const listen = await checkMultiaddrs(command, '--listen <multiaddr>', options.listen)
      const bootstrap = await checkMultiaddrs(command, '--bootstrap <multiaddr>', options.bootstrap, true)
      const { farmerOffer, startDaemon } = await import('@p2pcloud/daemon')
      const daemon = await startDaemon(context.home, {
        listen,
        bootstrap,
        // commander makes --no-mdns default to true; only an explicit flag may override config.json
        mdns: options.mdns === false ? false : undefined,
        relayServer: options.relayServer,
        api: options.api
      })
      stopOnSignals(daemon, context.json)
      const node = daemon.peer.libp2p
      const ready = {
        peerId: node.peerId.toString(),
        addresses: node.getMultiaddrs().map(ma => ma.toString()),
        api: daemon.api.url,
        home: context.home,
        // only with config.json's metrics.listen
        ...(daemon.metrics != null ? { metrics: daemon.metrics.url } : {}),
        // a farmer says what it offers, and why none of the other kinds
        ...(daemon.peer.config.farmer.enabled ? { farmer: { ...await farmerOffer(daemon.peer.config.farmer.capabilities), capacity: daemon.peer.libp2p.services.capacity.offered } } : {})
      }
      if (context.json) {
        process.stdout.write(JSON.stringify(ready) + '\n')
        return
      }
      process.stdout.write([
        `p2pcloud peer ${ready.peerId} is running`,
        `  home: ${ready.home}`,
        '  listening on:',
        ...ready.addresses.map(address => `    ${address}`),
        `  API:  ${ready.api} (token in ${daemon.peer.paths.apiInfo})`,
        ...(ready.metrics != null ? [`  metrics: ${ready.metrics} (no token: config.json metrics.listen)`] : []),
        ...(ready.farmer != null ? ['  farmer:', ...offerLines(ready.farmer).map(line => `  ${line}`)] : []),
        'press Ctrl-C to stop (or p2pcloud stop)'
      ].join('\n') + '\n')
      reportPeerEvents(daemon)
    })
}
