import { chmod, mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Resources } from '@p2pcloud/capacity'
import type { DaemonLibp2p } from '@p2pcloud/daemon'
import { buildFromDirectory } from '@p2pcloud/flist'
import { hostIdOf, makeBusyboxRootfs, runcUnavailable } from '@p2pcloud/runtime'
import { parseDeploymentSpec } from '@p2pcloud/twin'
import { dialAddress, startLoopbackDaemon } from '../loopback-peers.js'
import { farmerSettings } from '../simulation.js'
import { benchContainer } from './bench-container.js'
import type { Benchmark, Measurement } from './results.js'
import { median } from './stats.js'

const GiB = 2 ** 30
const RUNS = 5
const FARMER_TOTAL: Resources = { cru: 4, mru: 8 * GiB, sru: 10 * GiB, hru: 0, ipv4u: 0 }
const COMMAND = ['/bin/sleep', '3600']

/** A farmer offering containers, as a daemon runs one: root filesystems from a flist cache over its flist exchange. */
async function startFarmer (home: string): Promise<DaemonLibp2p> {
  const farmer = farmerSettings({ farm: 'bench', country: 'BE', city: '', total: FARMER_TOTAL, capabilities: ['container'], cuHour: 0.1 })
  return startLoopbackDaemon({ home, config: { farmer }, tuning: { capacity: { debounceMs: 50 } } })
}

async function until (what: string, condition: () => boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise(resolve => setTimeout(resolve, 50))
  }
}

async function seconds (work: () => Promise<unknown>): Promise<number> {
  const started = performance.now()
  await work()
  return (performance.now() - started) / 1000
}

/** The same container started by the runtime alone: an OCI bundle over the busybox tree, `Container.start` (runc run) until running. */
async function directStart (dir: string, tree: string, run: number): Promise<number> {
  const { container } = await benchContainer({ dir, tree, name: `direct${run}`, command: COMMAND, pidsLimit: 256 })
  try {
    return await seconds(async () => container.start())
  } finally {
    await container.stop()
  }
}

/**
 * Deploy-to-running of a container over the mesh with the flist already in the farmer's cache:
 * `twin.deploy` (find, live capacity check, quote, propose, deploy, until the workload is ok)
 * of a busybox `sleep`, removed between runs; against starting the same container directly
 * with the runtime. Needs root, runc and busybox-static.
 */
async function run (): Promise<Measurement> {
  const missing = await runcUnavailable()
  if (missing !== undefined) throw new Error(`container-deploy cannot run here: ${missing}`)
  const dir = await mkdtemp(join(tmpdir(), 'p2pcloud-bench-deploy-'))
  const peers: DaemonLibp2p[] = []
  try {
    const tree = await makeBusyboxRootfs(join(dir, 'busybox'))
    // the direct containers' root: the flist's tree as the farmer's cache makes it, where their mapped root can reach it
    const direct = await makeBusyboxRootfs(join(dir, 'direct', 'busybox'), { owner: hostIdOf(0) })
    await chmod(dir, 0o711)
    await chmod(join(dir, 'direct'), 0o711)
    const farmer = await startFarmer(join(dir, 'farmer'))
    peers.push(farmer)
    // a 3Bot: the capacity market, contracts, flists (to publish) and the twin SDK
    const node = await startLoopbackDaemon({ home: join(dir, 'twin'), config: { bootstrap: [dialAddress(farmer)] } })
    peers.push(node)
    const twin = node.services.twin
    await until('the twin to hear the farmer', () => node.services.capacity.directory.size === 1)
    const built = await buildFromDirectory(tree, join(dir, 'busybox.flist'))
    await node.services.flists.publish(join(dir, 'busybox.flist'))
    const spec = parseDeploymentSpec(`
name: sleeper
lease: 1h
workloads:
  - name: sleep
    type: container
    flist: ${built.cid.toString()}
    entrypoint: [${COMMAND[0]}]
    args: ["${COMMAND[1]}"]
    cpu: 1
    memory: 64M
    rootfs: 64M
`, 'bench spec')
    const deploy = async (): Promise<number> => {
      const time = await seconds(async () => {
        const deployed = await twin.deploy(spec)
        const states = deployed.status?.workloads.map(w => w.state) ?? []
        if (states.join() !== 'ok') throw new Error(`the deploy settled with workload states ${states.join(', ')}`)
      })
      await twin.delete(spec.name)
      return time
    }
    // the first deploy fetches the flist and fills the cache; the ones measured find it there
    const coldSeconds = await deploy()
    const deploySeconds: number[] = []
    const directSeconds: number[] = []
    for (let i = 0; i < RUNS; i++) {
      deploySeconds.push(await deploy())
      directSeconds.push(await directStart(dir, direct, i))
    }
    return {
      metric: 'deploy to running of a container, flist in the farmer\'s cache, median of runs',
      value: median(deploySeconds),
      unit: 's',
      baseline: 'the same container started by the runtime alone (OCI bundle + Container.start, i.e. runc run until running)',
      baselineValue: median(directSeconds),
      extra: {
        runs: RUNS,
        coldDeploySeconds: coldSeconds,
        deployMinSeconds: Math.min(...deploySeconds),
        deployMaxSeconds: Math.max(...deploySeconds),
        directMinSeconds: Math.min(...directSeconds),
        directMaxSeconds: Math.max(...directSeconds)
      }
    }
  } finally {
    await Promise.all(peers.map(async peer => peer.stop()))
    await rm(dir, { recursive: true, force: true })
  }
}

export const containerDeploy: Benchmark = { name: 'container-deploy', run }
