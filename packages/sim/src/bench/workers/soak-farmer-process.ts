/**
 * A farmer of the soak benchmark in a process of its own (its heap and RSS are its own), with
 * a metrics registry as a daemon keeps one. It sends `{ address, peerId, pid }` over IPC once started;
 * to `sample` it scrapes its registry and answers with a Sample taken after a full GC; it stops
 * when its parent says `stop` (or goes away).
 *
 *   node soak-farmer-process.js <home> <farm> [<bootstrap address>]
 */
import { registerDaemonMetrics } from '@p2pcloud/daemon'
import { Registry } from 'prom-client'
import type { Resources } from '@p2pcloud/capacity'
import { dialAddress, startLoopbackDaemon } from '../../loopback-peers.js'
import { farmerSettings, simulationConfig } from '../../simulation.js'
import { takeSample } from '../soak-sample.js'

const GiB = 2 ** 30
const TOTAL: Resources = { cru: 4, mru: 8 * GiB, sru: 10 * GiB, hru: 10 * GiB, ipv4u: 0 }

const [home, farm, bootstrap] = process.argv.slice(2)
const registry = new Registry()
const farmer = farmerSettings({ farm, country: 'BE', city: '', total: TOTAL, capabilities: ['zdb'], cuHour: 0.1 })
const peer = await startLoopbackDaemon({ home, config: { ...simulationConfig(), farmer, bootstrap: bootstrap != null ? [bootstrap] : [] }, tuning: { metrics: registry } })
registerDaemonMetrics(registry, peer)
const stop = async (): Promise<void> => {
  await peer.stop()
  process.exit(0)
}
process.on('message', message => {
  if (message === 'stop') void stop()
  // a scrape as Prometheus would make it: the metrics path runs for as long as the soak does
  if (message === 'sample') void registry.metrics().then(async text => { process.send?.({ sample: await takeSample(text.length) }) })
})
process.on('disconnect', () => { void stop() })
process.send?.({ address: dialAddress(peer), peerId: peer.peerId.toString(), pid: process.pid })
