import { loadTest, type LoadResult } from './autocannon.js'
import { GatewayWorld, MESH_HOST, OVERLAY_HOST } from './gateway-world.js'
import type { Benchmark, Measurement } from './results.js'

/** Client connections of every run (autocannon's keep-alive connections). */
const CONNECTIONS = 32
const SECONDS = 10
const WARM_UP_SECONDS = 2
/** The fixed rate the gateway must sustain without an error (frp fails beyond it). */
const SUSTAINED_RATE = 3000

type GatewayPath = 'overlay' | 'mesh'

const PATHS: Record<GatewayPath, { host: string, what: string }> = {
  overlay: { host: OVERLAY_HOST, what: 'FrontDoor → tcpBackend to the backend\'s overlay address over this host\'s WireGuard (wireguard-go) into the farmer\'s network' },
  mesh: { host: MESH_HOST, what: 'FrontDoor → tunnelConnector → a libp2p stream per backend connection to the farmer\'s gatewayTunnel → its namespace forwarder → the container' }
}

const figures = (prefix: string, result: LoadResult): Record<string, number> => ({
  [`${prefix}Rps`]: result.requestsPerSecond,
  [`${prefix}P50Ms`]: result.p50Ms,
  [`${prefix}P99Ms`]: result.p99Ms,
  [`${prefix}Errors`]: result.errors,
  [`${prefix}Timeouts`]: result.timeouts
})

/**
 * Requests/s through the gateway on one path against the same backend straight, in one run
 * (GatewayWorld: a real farmer, its container on a private network with a keep-alive Node
 * server in the container's network namespace, this host joined to the network by WireGuard),
 * autocannon in a process of its own with CONNECTIONS keep-alive connections for SECONDS each;
 * then SUSTAINED_RATE req/s through the gateway for SECONDS, counting errors and timeouts; and,
 * for scale, busybox httpd (a fork per request) in the same container, straight.
 */
async function measure (path: GatewayPath): Promise<Measurement> {
  const world = await GatewayWorld.start()
  try {
    const through = { url: world.gatewayUrl, host: PATHS[path].host, connections: CONNECTIONS }
    const direct = { url: world.backendUrl, connections: CONNECTIONS }
    await loadTest({ ...direct, durationSeconds: WARM_UP_SECONDS })
    await loadTest({ ...through, durationSeconds: WARM_UP_SECONDS })
    const straight = await loadTest({ ...direct, durationSeconds: SECONDS })
    const used = process.cpuUsage()
    const gateway = await loadTest({ ...through, durationSeconds: SECONDS })
    const { user, system } = process.cpuUsage(used)
    const sustained = await loadTest({ ...through, durationSeconds: SECONDS, rate: SUSTAINED_RATE })
    const httpd = await loadTest({ url: world.httpdUrl, connections: 8, durationSeconds: 5 })
    return {
      metric: `HTTP requests/s through the gateway, ${path} path (${PATHS[path].what}); autocannon, ${CONNECTIONS} keep-alive connections, ${SECONDS} s, 2 cores`,
      value: gateway.requestsPerSecond,
      unit: 'req/s',
      baseline: 'autocannon straight to the same backend (a keep-alive Node HTTP server in the container\'s network namespace) at its overlay address, over the same WireGuard',
      baselineValue: straight.requestsPerSecond,
      extra: {
        connections: CONNECTIONS,
        seconds: SECONDS,
        ...figures('gateway', gateway),
        // CPU of this process (the front door; on the mesh path the farmer's side too) per answered request: less
        // at the mercy of what else runs on the 2 cores than req/s is
        gatewayProcessCpuUsPerRequest: (user + system) / Math.max(1, gateway.ok),
        ...figures('direct', straight),
        sustainedTargetRps: SUSTAINED_RATE,
        ...figures('sustained', sustained),
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
