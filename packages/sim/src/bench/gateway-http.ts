import { loadTest, type LoadResult } from './autocannon.js'
import { GatewayWorld, MESH_HOST, OVERLAY_HOST } from './gateway-world.js'
import type { Benchmark, Measurement } from './results.js'
import { median } from './stats.js'

/** Client connections of every run (autocannon's keep-alive connections). */
const CONNECTIONS = 32
/** Runs straight and through the gateway, alternating, so that both meet the same background load; medians. */
const RUNS = 3
const RUN_SECONDS = 5
const WARM_UP_SECONDS = 2
/** The fixed rate the gateway must sustain without an error (frp fails beyond it), for SUSTAINED_SECONDS. */
const SUSTAINED_RATE = 3000
const SUSTAINED_SECONDS = 10

type GatewayPath = 'overlay' | 'mesh'

const PATHS: Record<GatewayPath, { host: string, what: string }> = {
  overlay: { host: OVERLAY_HOST, what: 'FrontDoor → tcpBackend to the backend\'s overlay address over this host\'s WireGuard (wireguard-go) into the farmer\'s network' },
  mesh: { host: MESH_HOST, what: 'FrontDoor → tunnelConnector → a libp2p stream per backend connection to the farmer\'s gatewayTunnel → its namespace forwarder → the container' }
}

/** Medians of the runs' figures, their errors and timeouts summed. */
const figures = (prefix: string, runs: LoadResult[]): Record<string, number> => ({
  [`${prefix}Rps`]: median(runs.map(r => r.requestsPerSecond)),
  [`${prefix}P50Ms`]: median(runs.map(r => r.p50Ms)),
  [`${prefix}P99Ms`]: median(runs.map(r => r.p99Ms)),
  [`${prefix}Errors`]: runs.reduce((sum, r) => sum + r.errors, 0),
  [`${prefix}Timeouts`]: runs.reduce((sum, r) => sum + r.timeouts, 0)
})

/**
 * Requests/s through the gateway on one path against the same backend straight, in one run
 * (GatewayWorld: a real farmer, its container on a private network with a keep-alive Node
 * server in the container's network namespace, this host joined to the network by WireGuard),
 * autocannon in a process of its own with CONNECTIONS keep-alive connections, RUNS runs of each
 * alternating; then SUSTAINED_RATE req/s through the gateway, counting errors and timeouts; and,
 * for scale, busybox httpd (a fork per request) in the same container, straight.
 */
async function measure (path: GatewayPath): Promise<Measurement> {
  const world = await GatewayWorld.start()
  try {
    const through = { url: world.gatewayUrl, host: PATHS[path].host, connections: CONNECTIONS }
    const direct = { url: world.backendUrl, connections: CONNECTIONS }
    await loadTest({ ...direct, durationSeconds: WARM_UP_SECONDS })
    await loadTest({ ...through, durationSeconds: WARM_UP_SECONDS })
    const straight: LoadResult[] = []
    const gateway: LoadResult[] = []
    let cpuUs = 0
    let farmerCpuUs = 0
    for (let i = 0; i < RUNS; i++) {
      straight.push(await loadTest({ ...direct, durationSeconds: RUN_SECONDS }))
      const used = process.cpuUsage()
      const farmerUsed = await world.farmerCpuUs()
      gateway.push(await loadTest({ ...through, durationSeconds: RUN_SECONDS }))
      const { user, system } = process.cpuUsage(used)
      cpuUs += user + system
      farmerCpuUs += await world.farmerCpuUs() - farmerUsed
    }
    const answered = gateway.reduce((sum, r) => sum + r.ok, 0)
    const sustained = await loadTest({ ...through, durationSeconds: SUSTAINED_SECONDS, rate: SUSTAINED_RATE })
    const httpd = await loadTest({ url: world.httpdUrl, connections: 8, durationSeconds: 5 })
    return {
      metric: `HTTP requests/s through the gateway, ${path} path (${PATHS[path].what}); autocannon, ${CONNECTIONS} keep-alive connections, median of ${RUNS} runs of ${RUN_SECONDS} s, 2 cores`,
      value: median(gateway.map(r => r.requestsPerSecond)),
      unit: 'req/s',
      baseline: 'autocannon straight to the same backend (a keep-alive Node HTTP server in the container\'s network namespace) at its overlay address, over the same WireGuard, runs alternating with the gateway\'s',
      baselineValue: median(straight.map(r => r.requestsPerSecond)),
      extra: {
        connections: CONNECTIONS,
        runs: RUNS,
        runSeconds: RUN_SECONDS,
        ...figures('gateway', gateway),
        gatewayMinRps: Math.min(...gateway.map(r => r.requestsPerSecond)),
        gatewayMaxRps: Math.max(...gateway.map(r => r.requestsPerSecond)),
        // CPU per answered request of this process (the gateway: front door and, on the mesh path, its libp2p
        // node) and of the farmer's (the tunnel's other end, mesh path): less at the mercy of the 2 cores' other work than req/s
        gatewayProcessCpuUsPerRequest: cpuUs / Math.max(1, answered),
        farmerProcessCpuUsPerRequest: farmerCpuUs / Math.max(1, answered),
        ...figures('direct', straight),
        sustainedTargetRps: SUSTAINED_RATE,
        sustainedSeconds: SUSTAINED_SECONDS,
        ...figures('sustained', [sustained]),
        httpdDirectRps: httpd.requestsPerSecond,
        httpdDirectP99Ms: httpd.p99Ms
      }
    }
  } finally {
    await world.stop()
  }
}

export const gatewayHttpOverlay: Benchmark = { name: 'gateway-http-overlay', run: async () => await measure('overlay') }
export const gatewayHttpMesh: Benchmark = { name: 'gateway-http-mesh', run: async () => await measure('mesh') }
