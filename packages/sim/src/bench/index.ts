import { advertPropagation } from './advert-propagation.js'
import { cliStartup } from './cli-startup.js'
import { containerDeploy } from './container-deploy.js'
import { contractThroughput } from './contract-throughput.js'
import { dialLatency } from './dial-latency.js'
import { directoryFlood } from './directory-flood.js'
import { flistBuild } from './flist-build.js'
import { flistDiskAttack } from './flist-disk-attack.js'
import { flistFetch } from './flist-fetch.js'
import { gatewayHttpMesh, gatewayHttpOverlay } from './gateway-http.js'
import { idlePeerMemory } from './idle-peer-memory.js'
import { lateJoinerDht } from './late-joiner-dht.js'
import { ledgerStart } from './ledger-start.js'
import { logFlood } from './log-flood.js'
import { networkContainers } from './network-containers.js'
import { networkDeploy } from './network-deploy.js'
import { overlayRelay } from './overlay-relay.js'
import { overlayThroughput } from './overlay-throughput.js'
import { proposeLatency } from './propose-latency.js'
import type { Benchmark } from './results.js'
import { soak } from './soak.js'
import { storageTransfer } from './storage-transfer.js'
import { streamThroughput } from './stream-throughput.js'
import { zdbCompaction } from './zdb-compaction.js'
import { zdbFlood } from './zdb-flood.js'

/** Every benchmark `npm run bench` runs, in this order (the container, network and gateway benches last: they throw where runc or wireguard-go is missing). */
export const benchmarks: readonly Benchmark[] = [
  streamThroughput,
  dialLatency,
  advertPropagation,
  lateJoinerDht,
  directoryFlood,
  idlePeerMemory,
  proposeLatency,
  contractThroughput,
  ledgerStart,
  cliStartup,
  flistBuild,
  flistFetch,
  flistDiskAttack,
  storageTransfer,
  zdbFlood,
  soak,
  zdbCompaction,
  containerDeploy,
  logFlood,
  overlayThroughput,
  overlayRelay,
  networkDeploy,
  networkContainers,
  gatewayHttpOverlay,
  gatewayHttpMesh
]

export * from './results.js'
export { formatSummary } from './summary.js'
