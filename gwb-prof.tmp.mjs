import { GatewayWorld, MESH_HOST, OVERLAY_HOST } from './packages/sim/dist/src/bench/gateway-world.js'
import { loadTest } from './packages/sim/dist/src/bench/autocannon.js'
const which = process.argv[2]
const world = await GatewayWorld.start()
try {
  const opts = which === 'mesh' ? { url: world.gatewayUrl, host: MESH_HOST } : { url: world.gatewayUrl, host: OVERLAY_HOST }
  const t0 = process.cpuUsage()
  const r = await loadTest({ ...opts, connections: 32, durationSeconds: 8 })
  const u = process.cpuUsage(t0)
  console.log(which, Math.round(r.requestsPerSecond), 'req/s', 'cpu us/req', Math.round((u.user + u.system) / (r.ok)), 'p99', r.p99Ms, 'errors', r.errors)
} finally { await world.stop() }
