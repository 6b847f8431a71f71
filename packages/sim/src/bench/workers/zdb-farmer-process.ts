/**
 * A zdb farmer in a process of its own, for a benchmark that measures its memory: wired as the
 * zdb-farmer worker is, it sends `{ address, pid }` over IPC once started and stops when its
 * parent says `stop` (or goes away).
 *
 *   node zdb-farmer-process.js <home>
 */
import { join } from 'node:path'
import { capacityExtension, type Resources } from '@p2pcloud/capacity'
import { contractsExtension } from '@p2pcloud/contracts'
import { farmerExtension } from '@p2pcloud/farmer'
import { VERSION } from '@p2pcloud/node'
import { zdbCapability } from '@p2pcloud/zdb'
import { dialAddress, startLoopbackPeer } from '../../loopback-peers.js'
import { farmerSettings, simulationConfig } from '../../simulation.js'

const GiB = 2 ** 30
const TOTAL: Resources = { cru: 2, mru: 4 * GiB, sru: GiB, hru: 10 * GiB, ipv4u: 0 }

const home = process.argv[2]
const config = farmerSettings({ farm: 'bench', country: 'BE', city: '', total: TOTAL, capabilities: ['zdb'], cuHour: 0.1 })
const zdb = zdbCapability({ root: join(home, 'zdb') })
// simulationConfig lets many identities dial from 127.0.0.1, as hosts of their own would
const peer = await startLoopbackPeer(simulationConfig(), {
  extensions: [
    capacityExtension({ version: `p2pcloud/${VERSION}`, farmer: { config, total: TOTAL } }),
    contractsExtension({ farmer: { price: config.price, graceMs: 60_000 } }),
    farmerExtension({ volumesRoot: join(home, 'volumes'), drivers: [zdb.driver] }),
    { services: { zdb: zdb.service } }
  ]
})
const stop = async (): Promise<void> => {
  await peer.stop()
  process.exit(0)
}
process.on('message', message => { if (message === 'stop') void stop() })
process.on('disconnect', () => { void stop() })
process.send?.({ address: dialAddress(peer), pid: process.pid })
