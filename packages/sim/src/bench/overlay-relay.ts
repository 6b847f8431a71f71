import { spawn, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { fileURLToPath } from 'node:url'
import { createTestInternet, waitFor, type TestSite } from '@p2pcloud/test-utils'
import { iperfMegabytesPerSecond } from './iperf.js'
import type { Benchmark, Measurement } from './results.js'
import { median } from './stats.js'
import { megabytesPerSecond } from './stream-throughput.js'
import type { RelayMemberInfo } from './workers/relay-member-process.js'

/** A member's relay counters and its site's UDP receive-buffer drops. */
interface RelayCounters { sent?: number, dropped?: number, udpReceiveBufferErrors: number }

const RUNS = 3
const STREAM_BYTES = 64 * 2 ** 20
const RANGE = '10.69.0.0/16'
const WORKER = fileURLToPath(new URL('./workers/relay-member-process.js', import.meta.url))

/** A member in its process in its site (workers/relay-member-process.ts), asked one thing at a time. */
class Member {
  private waiting?: { resolve: (result: any) => void, reject: (error: Error) => void }
  private readonly exited: Promise<unknown>

  private constructor (private readonly child: ChildProcess) {
    child.on('message', (reply: { result?: unknown, error?: string }) => {
      const waiter = this.waiting
      this.waiting = undefined
      if (reply.error !== undefined) waiter?.reject(new Error(reply.error))
      else waiter?.resolve(reply.result)
    })
    this.exited = new Promise(resolve => child.once('exit', code => {
      this.waiting?.reject(new Error(`a relay member exited with ${code}`))
      resolve(code)
    }))
  }

  static async start (site: TestSite, subnet: number, networkId: string): Promise<Member> {
    // nsenter, not ip netns exec: that one's private mount namespace would hide the namespaces the member makes from this process
    const member = new Member(spawn('nsenter', [`--net=/var/run/netns/${site.netns}`, process.execPath, WORKER, RANGE, String(subnet), networkId, site.address], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] }))
    await member.reply()
    return member
  }

  async ask<T>(op: string, args?: unknown): Promise<T> {
    const reply = this.reply<T>()
    this.child.send({ op, args })
    return await reply
  }

  private async reply<T>(): Promise<T> {
    return await new Promise<T>((resolve, reject) => { this.waiting = { resolve, reject } })
  }

  async stop (): Promise<void> {
    if (this.child.connected) this.child.send({ op: 'stop' })
    await Promise.race([this.exited, new Promise(resolve => setTimeout(resolve, 10_000))])
    this.child.kill('SIGKILL')
  }
}

/**
 * TCP throughput (iperf3) between two workloads on two sites of a test internet whose only path
 * is the mesh relay: the second site is behind a NAT that drops every UDP datagram, so its
 * WireGuard datagrams travel as frames on a libp2p stream over the connection it dialled out.
 * Each member (libp2p peer, network namespace, wireguard-go, workload) is a process of its own
 * in its site, as a farmer is on its host. Against one raw libp2p stream between the same two
 * peers over the same connection, moving bulk bytes the same way. Runs alternate.
 */
async function run (): Promise<Measurement> {
  const internet = await createTestInternet([{ name: 'a' }, { name: 'b', nat: true, blockUdp: true }])
  const members: Member[] = []
  try {
    const networkId = randomBytes(16).toString('hex')
    members.push(await Member.start(internet.site('a'), 1, networkId), await Member.start(internet.site('b'), 2, networkId))
    const [a, b] = members
    const [infoA, infoB] = [await a.ask<RelayMemberInfo>('info'), await b.ask<RelayMemberInfo>('info')]
    // behind its NAT, b is the one that dials
    await b.ask('dial', infoA.addresses)
    await a.ask('peer', infoB)
    await b.ask('peer', infoA)
    await waitFor('both members to be relayed', async () => await a.ask('path') === 'relayed' && await b.ask('path') === 'relayed', 60_000, 500)
    const transfer = async (): Promise<number> => megabytesPerSecond(STREAM_BYTES, await b.ask<number>('transfer', { addresses: infoA.addresses, bytes: STREAM_BYTES }))
    await transfer()
    const before = await Promise.all(members.map(async member => await member.ask<RelayCounters>('counters')))
    const relayRates: number[] = []
    const streamRates: number[] = []
    for (let i = 0; i < RUNS; i++) {
      relayRates.push(await iperfMegabytesPerSecond(infoB.workload, infoA.workload, infoA.address, 5203))
      streamRates.push(await transfer())
    }
    const [afterA, counters] = await Promise.all(members.map(async member => await member.ask<RelayCounters>('counters')))
    return {
      metric: 'TCP throughput (iperf3) between two workloads on two sites whose only path is the mesh relay (the second behind a NAT that drops UDP; each member a process in its site), median of runs',
      value: median(relayRates),
      unit: 'MB/s',
      baseline: 'one libp2p stream between the same two peers over the same connection, moving bulk bytes',
      baselineValue: median(streamRates),
      extra: { runs: RUNS, relayMinMBps: Math.min(...relayRates), relayMaxMBps: Math.max(...relayRates), streamMinMBps: Math.min(...streamRates), streamMaxMBps: Math.max(...streamRates), droppedDatagrams: counters.dropped ?? 0, sentDatagrams: counters.sent ?? 0, udpReceiveBufferErrorsA: afterA.udpReceiveBufferErrors - before[0].udpReceiveBufferErrors, udpReceiveBufferErrorsB: counters.udpReceiveBufferErrors - before[1].udpReceiveBufferErrors }
    }
  } finally {
    for (const member of members) await member.stop().catch(() => {})
    await internet.destroy()
  }
}

export const overlayRelay: Benchmark = { name: 'overlay-relay', run }
