import { execFileSync } from 'node:child_process'
import { createTestInternet } from '@p2pcloud/test-utils'
import { containerWorkload, FarmerPair, SERVER_ADDRESS } from './farmer-network.js'
import { againstBareTunnel, iperfMegabytesPerSecond } from './iperf.js'
import { bareTunnel } from './overlay-throughput.js'
import type { Benchmark, Measurement } from './results.js'

const RUNS = 3

/**
 * TCP throughput (iperf3) between two containers on two farmers in two sites of a test internet,
 * over their private network (direct WireGuard UDP across the sites: container veth, bridge,
 * wireguard-go, and back), against a bare wireguard-go tunnel between the same two sites set up
 * by hand in the same run. iperf3 is this host's, run in each container's network namespace (a
 * busybox container has none): the packets take the containers' path, the process is not under
 * the containers' CPU limit. Runs alternate so that drift hits both alike.
 */
async function run (): Promise<Measurement> {
  const internet = await createTestInternet([{ name: 'a' }, { name: 'b' }])
  const cleanup: Array<() => Promise<void>> = [async () => { await internet.destroy() }]
  try {
    const bare = await bareTunnel(internet)
    cleanup.push(async () => { for (const device of bare.devices) await device.destroy() })
    const pair = await FarmerPair.start([internet.site('a'), internet.site('b')])
    cleanup.push(async () => { await pair.stop() })
    await pair.deployOnB([version => containerWorkload('client', version, 'exec sleep 3600', 'net', '10.71.2.2')])
    await pair.settled(1, 'client')
    const [server, client] = [pair.netnsOf(0, 'server'), pair.netnsOf(1, 'client')]
    cleanup.push(async () => { for (const netns of [server, client]) execFileSync('ip', ['netns', 'del', netns]) })
    return await againstBareTunnel(
      'TCP throughput (iperf3) between two containers on two farmers in two sites over their network (direct WireGuard UDP across the sites, in-process farmers), median of runs',
      RUNS,
      async () => await iperfMegabytesPerSecond(client, server, SERVER_ADDRESS, 5201),
      async () => await iperfMegabytesPerSecond(internet.site('b').netns, internet.site('a').netns, bare.addresses[0], 5202)
    )
  } finally {
    for (const step of cleanup.reverse()) await step().catch(() => {})
  }
}

export const networkContainers: Benchmark = { name: 'network-containers', run }
