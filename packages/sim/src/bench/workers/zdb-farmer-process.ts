/**
 * A zdb farmer in a process of its own, for a benchmark that measures its memory: wired as the
 * zdb-farmer worker is, it sends `{ address, pid }` over IPC once started and stops when its
 * parent says `stop` (or goes away).
 *
 *   node zdb-farmer-process.js <home>
 */
import type { Resources } from '@p2pcloud/capacity'
import { dialAddress, startLoopbackDaemon } from '../../loopback-peers.js'
import { farmerSettings, simulationConfig } from '../../simulation.js'

const GiB = 2 ** 30
const TOTAL: Resources = { cru: 2, mru: 4 * GiB, sru: GiB, hru: 10 * GiB, ipv4u: 0 }

const home = process.argv[2]
const farmer = farmerSettings({ farm: 'bench', country: 'BE', city: '', total: TOTAL, capabilities: ['zdb'], cuHour: 0.1 })
// simulationConfig lets many identities dial from 127.0.0.1, as hosts of their own would
const peer = await startLoopbackDaemon({ home, config: { ...simulationConfig(), farmer } })
const stop = async (): Promise<void> => {
  await peer.stop()
  process.exit(0)
}
process.on('message', message => { if (message === 'stop') void stop() })
process.on('disconnect', () => { void stop() })
process.send?.({ address: dialAddress(peer), pid: process.pid })
