import { execFile, fork, spawn } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import type { MemoryProbeKind, MemoryProbeResult } from '../memory-probe.js'
import { residentMemory } from '../zdb-flood.js'
import type { Benchmark, Measurement } from './results.js'
import { median } from './stats.js'

const PEERS = 50
const PROBE = fileURLToPath(new URL('../memory-probe.js', import.meta.url))
const PROBE_TIMEOUT_MS = 240_000
const MiB = 2 ** 20
/**
 * Dials per bare node: about 13 each gives the 25-30 connections per node
 * that the p2pcloud peers hold once meshed (`connectionsPerPeerAvg` in the result).
 */
const BARE_DIALS = 13

/**
 * Measure in a child process of its own, with `--expose-gc`: RSS before and
 * after its peers start is then not muddied by what earlier benchmarks left
 * on this process's heap. The child stops its peers; if it hangs it is killed,
 * and its peers die with it.
 */
async function probe (kind: MemoryProbeKind, peers: number, bareDials = 0): Promise<MemoryProbeResult> {
  const child = fork(PROBE, [kind, String(peers), String(bareDials)], { execArgv: ['--expose-gc'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })
  try {
    return await new Promise<MemoryProbeResult>((resolve, reject) => {
      let result: MemoryProbeResult | undefined
      const timer = setTimeout(() => { reject(new Error(`memory probe (${kind}) did not finish within ${PROBE_TIMEOUT_MS} ms`)) }, PROBE_TIMEOUT_MS)
      child.on('message', message => { result = message as MemoryProbeResult })
      child.on('error', err => { clearTimeout(timer); reject(err) })
      child.on('exit', (code, signal) => {
        clearTimeout(timer)
        if (result != null && code === 0) resolve(result)
        else reject(new Error(`memory probe (${kind}) exited with ${signal ?? `code ${code}`} before reporting`))
      })
    })
  } finally {
    if (child.exitCode == null && child.signalCode == null) child.kill('SIGKILL')
  }
}

const CLI = fileURLToPath(new URL('../../../../cli/bin/p2pcloud.js', import.meta.url))
const IDLE_PROCESS = fileURLToPath(new URL('../idle-process.js', import.meta.url))
/** How long a whole process idles after it is up before its RSS is read, then samples 1 s apart. */
const IDLE_MS = 20_000
const SAMPLES = 5
const READY_TIMEOUT_MS = 60_000

async function sleep (ms: number): Promise<void> {
  await new Promise(resolve => setTimeout(resolve, ms))
}

/**
 * Run `args` with this Node as a process of its own, wait for the JSON line it prints once up,
 * let it idle, and give the median of its RSS samples. It is stopped with SIGTERM (SIGKILL if it
 * hangs) whatever happens.
 */
async function idleRss (label: string, args: string[]): Promise<number> {
  const child = spawn(process.execPath, args, { env: { ...process.env, P2PCLOUD_HOME: undefined }, stdio: ['ignore', 'pipe', 'pipe'] })
  const exited = new Promise<void>(resolve => child.on('exit', () => { resolve() }))
  try {
    await new Promise<void>((resolve, reject) => {
      let stdout = ''
      let stderr = ''
      const timer = setTimeout(() => { reject(new Error(`${label} was not up within ${READY_TIMEOUT_MS} ms: ${stderr}`)) }, READY_TIMEOUT_MS)
      child.stderr.on('data', chunk => { stderr += chunk })
      child.stdout.on('data', chunk => {
        stdout += chunk
        if (stdout.split('\n').some(l => l.startsWith('{'))) { clearTimeout(timer); resolve() }
      })
      void exited.then(() => { clearTimeout(timer); reject(new Error(`${label} exited before it was up: ${stderr}`)) })
    })
    await sleep(IDLE_MS)
    const samples: number[] = []
    for (let i = 0; i < SAMPLES; i++) {
      samples.push((await residentMemory(child.pid ?? 0)).rss)
      await sleep(1000)
    }
    return median(samples)
  } finally {
    child.kill('SIGTERM')
    const killer = setTimeout(() => child.kill('SIGKILL'), 10_000)
    await exited
    clearTimeout(killer)
  }
}

/** A real daemon, as a user starts it: `p2pcloud init`, then `p2pcloud start` (a 3Bot, alone, on loopback). */
async function daemonRss (): Promise<number> {
  const home = await mkdtemp(join(tmpdir(), 'p2pcloud-bench-daemon-'))
  try {
    await promisify(execFile)(process.execPath, [CLI, 'init', '--home', home])
    return await idleRss('p2pcloud start', [CLI, 'start', '--json', '--home', home, '--listen', '/ip4/127.0.0.1/tcp/0', '--no-mdns', '--api', '127.0.0.1:0'])
  } finally {
    await rm(home, { recursive: true, force: true })
  }
}

function perPeer (result: MemoryProbeResult): number {
  return (result.rssAfter - result.rssBefore) / result.peers / MiB
}

/**
 * The memory a user sees: the RSS of an idle `p2pcloud start` (a 3Bot daemon alone on loopback:
 * its libp2p node, the capacity market, contracts, the twin, flists, the local API and web UI),
 * against a process running only a bare libp2p node with the same libp2p services (createPeer),
 * and plain Node.js idling, each a process of its own idling 20 s before five RSS samples. Then,
 * in `extra`, what each more idle peer costs inside one process: 50 peers running the capacity
 * market, meshed (each bootstrapped from 3 earlier ones, then dialling as a real peer does) until
 * connections stop opening and closing, RSS after garbage collection minus RSS before, per peer;
 * and the same for bare libp2p nodes (TCP + Noise + Yamux only) holding about as many
 * connections each (every new node dials BARE_DIALS random earlier nodes). Every child reads
 * only its own memory.
 */
async function run (): Promise<Measurement> {
  // allSettled: no child is left running when another fails
  const processes = await Promise.allSettled([daemonRss(), idleRss('bare libp2p node', [IDLE_PROCESS, 'libp2p']), idleRss('plain node', [IDLE_PROCESS, 'node'])])
  const processFailed = processes.find(outcome => outcome.status === 'rejected')
  if (processFailed != null) throw (processFailed as PromiseRejectedResult).reason
  const [daemon, libp2p, plainNode] = processes.map(outcome => (outcome as PromiseFulfilledResult<number>).value / MiB)
  const settled = await Promise.allSettled([probe('p2pcloud', PEERS), probe('bare', PEERS, BARE_DIALS)])
  const failed = settled.find(outcome => outcome.status === 'rejected')
  if (failed != null) throw (failed as PromiseRejectedResult).reason
  const [ours, bare] = settled.map(outcome => (outcome as PromiseFulfilledResult<MemoryProbeResult>).value)
  return {
    metric: 'resident memory (RSS) of an idle p2pcloud daemon process (p2pcloud start, a 3Bot alone on loopback), median of 5 samples after 20 s',
    value: daemon,
    unit: 'MiB',
    baseline: 'a process running a bare libp2p node with the same libp2p services (createPeer: tcp, noise, yamux, identify, ping, kad-dht, gossipsub, autonat, relay, dcutr), idle the same way',
    baselineValue: libp2p,
    extra: {
      plainNodeRssMiB: plainNode,
      peers: PEERS,
      perPeerInProcessMiB: perPeer(ours),
      rssBeforeMiB: ours.rssBefore / MiB,
      rssAfterMiB: ours.rssAfter / MiB,
      heapUsedPerPeerMiB: (ours.heapUsedAfter - ours.heapUsedBefore) / PEERS / MiB,
      connectionsPerPeerAvg: ours.connectionsAvg,
      settleMs: ours.elapsedMs,
      barePerPeerInProcessMiB: perPeer(bare),
      bareRssBeforeMiB: bare.rssBefore / MiB,
      bareRssAfterMiB: bare.rssAfter / MiB,
      bareHeapUsedPerPeerMiB: (bare.heapUsedAfter - bare.heapUsedBefore) / PEERS / MiB,
      bareConnectionsPerPeerAvg: bare.connectionsAvg,
      loadAverage1mAfter: loadavg()[0]
    }
  }
}

export const idlePeerMemory: Benchmark = { name: 'idle-peer-memory', run }
