import { execFile, execFileSync, spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { promisify } from 'node:util'
import { generateWireguardKeys, WireguardDevice } from '@p2pcloud/network'
import { containerWorkload, FarmerPair, SERVER_ADDRESS } from './farmer-network.js'
import type { Benchmark, Measurement } from './results.js'
import { median } from './stats.js'

const RUNS = 3
const MiB = 2 ** 20
/** What each run pushes. */
const PUSH_MiB = 256
/** The push to `address`:9000 with busybox nc run as `nc`. */
const push = (nc: string, address: string): string => `dd if=/dev/zero bs=1048576 count=${PUSH_MiB} 2>/dev/null | ${nc} ${address} 9000`
const TIMEOUT_MS = 60_000

/** The bare tunnel: two namespaces, a wireguard-go device each (its UDP socket on this host's loopback, as the farmers' are), set up by hand. */
async function bareTunnel (): Promise<{ namespaces: string[], devices: WireguardDevice[], addresses: string[] }> {
  const tag = randomBytes(3).toString('hex')
  const namespaces = [`p2pbench-${tag}-a`, `p2pbench-${tag}-b`]
  const addresses = ['10.72.0.1', '10.72.0.2']
  const ports = [51_930, 51_931]
  const keys = namespaces.map(() => generateWireguardKeys())
  const devices: WireguardDevice[] = []
  for (const [i, netns] of namespaces.entries()) {
    execFileSync('ip', ['netns', 'add', netns])
    const device = await WireguardDevice.create(`p2pbw${i}${tag}`, { implementation: 'wireguard-go' })
    devices.push(device)
    await device.configure({ privateKey: keys[i].privateKey, listenPort: ports[i], peers: [{ publicKey: keys[1 - i].publicKey, allowedIps: [`${addresses[1 - i]}/32`], endpoint: `127.0.0.1:${ports[1 - i]}` }] })
    await device.moveTo(netns)
    execFileSync('ip', ['-n', netns, 'addr', 'add', `${addresses[i]}/24`, 'dev', device.name])
    execFileSync('ip', ['-n', netns, 'link', 'set', device.name, 'up'])
  }
  return { namespaces, devices, addresses }
}

/** Seconds for the same push through the bare tunnel: busybox nc from namespace b to a `nc -l | wc -c` in namespace a, until the receiver counted EOF. */
async function barePush (namespaces: string[], address: string): Promise<number> {
  // its stdin stays open (busybox nc quits when its stdin ends)
  const server = spawn('ip', ['netns', 'exec', namespaces[0], 'sh', '-c', 'busybox nc -l -p 9000 | wc -c'], { stdio: ['pipe', 'pipe', 'ignore'] })
  let counted = ''
  const done = new Promise<number>(resolve => server.stdout.on('data', (data: Buffer) => { counted += data.toString(); if (counted.includes('\n')) resolve(performance.now()) }))
  const timeout = setTimeout(() => server.kill(), TIMEOUT_MS)
  try {
    await new Promise(resolve => setTimeout(resolve, 200))
    const started = performance.now()
    await promisify(execFile)('ip', ['netns', 'exec', namespaces[1], 'sh', '-c', push('busybox nc', address)], { timeout: TIMEOUT_MS })
    const seconds = (await done - started) / 1000
    if (Number(counted.trim()) !== PUSH_MiB * MiB) throw new Error(`the bare tunnel's receiver counted ${counted.trim()} bytes, not ${PUSH_MiB * MiB}`)
    return seconds
  } finally {
    clearTimeout(timeout)
    server.kill()
  }
}

/**
 * TCP throughput between two containers on two farmers over their private network (direct
 * WireGuard UDP over loopback between two in-process farmers: container veth, bridge,
 * wireguard-go, and back): busybox nc in B's container pushes PUSH_MiB MiB of /dev/zero to
 * A's container, where `nc -l | wc -c` counts it; timed from before the exec until the farmer
 * logs the count. Against the same busybox nc push through a bare wireguard-go tunnel between
 * two namespaces of this host, set up by hand in the same run. Runs alternate.
 */
async function run (): Promise<Measurement> {
  const pair = await FarmerPair.start()
  let bare: Awaited<ReturnType<typeof bareTunnel>> | undefined
  try {
    bare = await bareTunnel()
    await pair.deployOnB([version => containerWorkload('pusher', version, 'exec sleep 3600', 'net', '10.71.2.2')])
    await pair.settled(1, 'pusher')
    const overlayPush = async (): Promise<number> => {
      const started = Date.now()
      const pushed = await pair.exec(1, 'pusher', ['sh', '-c', push('nc', SERVER_ADDRESS)])
      if (pushed.code !== 0) throw new Error(`the push exited with ${pushed.code}: ${pushed.stderr}`)
      // the receiver's count of the whole push (a short count never matches: the wait times out)
      const { at } = await pair.lineWith(0, 'server', String(PUSH_MiB * MiB), TIMEOUT_MS, started)
      return (at - started) / 1000
    }
    // warm-up of each (handshakes, caches)
    await overlayPush()
    await barePush(bare.namespaces, bare.addresses[0])
    const overlayRates: number[] = []
    const bareRates: number[] = []
    const rate = (seconds: number): number => PUSH_MiB * MiB / seconds / 1e6
    for (let i = 0; i < RUNS; i++) {
      overlayRates.push(rate(await overlayPush()))
      bareRates.push(rate(await barePush(bare.namespaces, bare.addresses[0])))
    }
    return {
      metric: `TCP throughput between two containers on two farmers over their network (direct WireGuard UDP over loopback, in-process farmers; busybox nc pushing ${PUSH_MiB} MiB, timed until the receiver counted it), median of runs`,
      value: median(overlayRates),
      unit: 'MB/s',
      baseline: 'the same busybox nc push through a bare wireguard-go tunnel between two namespaces of the same host (UDP over loopback), set up by hand',
      baselineValue: median(bareRates),
      extra: { runs: RUNS, pushMiB: PUSH_MiB, overlayMinMBps: Math.min(...overlayRates), overlayMaxMBps: Math.max(...overlayRates), bareMinMBps: Math.min(...bareRates), bareMaxMBps: Math.max(...bareRates) }
    }
  } finally {
    for (const device of bare?.devices ?? []) await device.destroy().catch(() => {})
    for (const netns of bare?.namespaces ?? []) execFileSync('sh', ['-c', `ip netns del ${netns} 2>/dev/null; true`])
    await pair.stop()
  }
}

export const networkContainers: Benchmark = { name: 'network-containers', run }
