import { createTestInternet } from '@p2pcloud/test-utils'
import { containerWorkload, FarmerPair, SERVER_ADDRESS, SERVER_PAGE } from './farmer-network.js'
import type { Benchmark, Measurement } from './results.js'
import { median } from './stats.js'

const RUNS = 5
const CLIENT_SUBNET = '10.71.2'
/** Fetch A's page by overlay address until it answers (as the demo's client does, with busybox nc), then say so. */
const FETCH = `until printf 'GET / HTTP/1.0\\r\\n\\r\\n' | nc -w 1 ${SERVER_ADDRESS} 8080 | grep -q ${SERVER_PAGE}; do sleep 0.05; done; echo fetched; exec sleep 3600`
/** The baseline container: says it runs, at once. */
const STARTED = 'echo started; exec sleep 3600'

/**
 * From the deploy of a container on a network on farmer B (B already a member, with a direct
 * WireGuard path across two sites of a test internet to farmer A, whose server container is up) to the moment the farmer logs the
 * container's line after its first successful TCP fetch of A's page by overlay address; against
 * the same deploy of a container without a network until the farmer logs its first line. The
 * first run of each is a warm-up, not counted (the network one may include the first handshake).
 */
async function run (): Promise<Measurement> {
  const internet = await createTestInternet([{ name: 'a' }, { name: 'b' }])
  const pair = await FarmerPair.start([internet.site('a'), internet.site('b')]).catch(async err => { await internet.destroy(); throw err })
  try {
    let deployed = 0
    const timed = async (name: string, script: string, network: boolean, text: string): Promise<number> => {
      // a fresh address of B's /24 each time
      const ip = network ? `${CLIENT_SUBNET}.${10 + deployed++}` : ''
      const sentAt = await pair.deployOnB([version => containerWorkload(name, version, script, network ? 'net' : '', ip)])
      const { at } = await pair.lineWith(1, name, text)
      await pair.clearB()
      return (at - sentAt) / 1000
    }
    const warmNetwork = await timed('warm', FETCH, true, 'fetched')
    await timed('warmplain', STARTED, false, 'started')
    const networkSeconds: number[] = []
    const plainSeconds: number[] = []
    for (let i = 0; i < RUNS; i++) {
      networkSeconds.push(await timed(`client${i}`, FETCH, true, 'fetched'))
      plainSeconds.push(await timed(`plain${i}`, STARTED, false, 'started'))
    }
    return {
      metric: 'deploy of a container on a network (second farmer, direct WireGuard UDP between two in-process farmers in two sites of a test internet) to its first TCP fetch from the first farmer\'s container by overlay address, median of runs',
      value: median(networkSeconds),
      unit: 's',
      baseline: 'the same deploy on the same farmer of a busybox container without a network, until the farmer logs its first line',
      baselineValue: median(plainSeconds),
      extra: {
        runs: RUNS,
        firstRunSeconds: warmNetwork,
        networkMinSeconds: Math.min(...networkSeconds),
        networkMaxSeconds: Math.max(...networkSeconds),
        plainMinSeconds: Math.min(...plainSeconds),
        plainMaxSeconds: Math.max(...plainSeconds)
      }
    }
  } finally {
    await pair.stop()
    await internet.destroy()
  }
}

export const networkDeploy: Benchmark = { name: 'network-deploy', run }
