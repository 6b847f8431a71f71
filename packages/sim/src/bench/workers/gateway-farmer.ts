/**
 * The gateway benchmark's farmer in a process of its own (a gateway and a backend's farmer are
 * two machines; in one process they would share one thread): the daemon's own assembly with
 * containers and networks (the busybox tree handed to the container driver), whose container
 * kind serves the backend side of the mesh path (`gatewayTunnel`). Sends `{ address, peerId }` over IPC once started; stops when its parent says `stop`
 * (or goes away).
 *
 *   node gateway-farmer.js <home> <busybox tree> <first WireGuard port>
 */
import { startPeer } from '@p2pcloud/daemon'
import { defaultConfig } from '@p2pcloud/node'

const [home, tree, port] = process.argv.slice(2)
const rootfs = { acquire: async () => ({ path: tree, config: { entrypoint: [], cmd: ['sh'], env: [], workingDir: '/', user: '' }, release: async () => {} }) }
const farmer = await startPeer({
  home,
  config: {
    listen: ['/ip4/127.0.0.1/tcp/0'],
    mdns: { ...defaultConfig().mdns, enabled: false },
    farmer: {
      enabled: true, farm: 'bench', country: 'BE', capacity: { cru: 8, mru: '4G', sru: '4G', hru: '0' }, capabilities: ['container', 'network'],
      network: { ports: { first: Number(port), last: Number(port) + 3 } }
    }
  },
  tuning: { rootfs: () => rootfs }
})

let stopping: Promise<void> | undefined
const stop = async (): Promise<void> => {
  await farmer.stop()
  process.exit(0)
}
process.on('message', message => { if (message === 'stop') stopping ??= stop() })
process.on('disconnect', () => { stopping ??= stop() })
process.send?.({ address: farmer.getMultiaddrs()[0].toString(), peerId: farmer.peerId.toString() })
