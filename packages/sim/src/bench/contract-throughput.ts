import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { LevelDatastore } from 'datastore-level'
import { echoRequest, serveEchoRequests } from './echo-request.js'
import { startContractPeer, type ContractPeer } from '../market-peers.js'
import type { Benchmark, Measurement } from './results.js'

const TWINS = 50
const CONTRACTS_PER_TWIN = 4
/** Freshly started peers are busy for seconds (DHT refresh, identify, AutoNAT); measure after that. */
const SETTLE_MS = 10_000
const GiB = 2 ** 30

/** Every twin books `count` contracts in turn (quote + propose each); all twins at once. */
async function storm (farmer: ContractPeer, twins: ContractPeer[], count: number): Promise<number> {
  const start = performance.now()
  await Promise.all(twins.map(async twin => {
    for (let i = 0; i < count; i++) {
      const { envelope } = await twin.contracts.client.quote(farmer.node.peerId, { cru: 0, mru: 0, sru: GiB, hru: 0, ipv4u: 0 }, 3_600_000)
      await twin.contracts.client.propose(farmer.node.peerId, envelope)
    }
  }))
  return (twins.length * count) / ((performance.now() - start) / 1000)
}

/** The same twins doing trivial request/response calls on the same connections: the ceiling of the transport and framing. */
async function echoStorm (farmer: ContractPeer, twins: ContractPeer[], count: number): Promise<number> {
  const start = performance.now()
  await Promise.all(twins.map(async twin => {
    for (let i = 0; i < count; i++) await echoRequest(twin.node, farmer.node.peerId)
  }))
  return (twins.length * count) / ((performance.now() - start) / 1000)
}

/**
 * Contracts per second one farmer accepts from 50 concurrent twins on
 * loopback, with its durable level ledger (every acceptance on disk before
 * the answer), against trivial request/responses of the same twins.
 */
async function run (): Promise<Measurement> {
  const dir = await mkdtemp(join(tmpdir(), 'p2pcloud-bench-ledger-'))
  const datastore = new LevelDatastore(join(dir, 'datastore'))
  await datastore.open()
  const farmer = await startContractPeer({ home: join(dir, 'farmer'), datastore, farmer: { total: { cru: 64, mru: 256 * GiB, sru: 100_000 * GiB, hru: 0, ipv4u: 0 } } })
  const twins: ContractPeer[] = []
  try {
    await serveEchoRequests(farmer.node)
    for (let i = 0; i < TWINS; i++) twins.push(await startContractPeer({ home: join(dir, `twin-${i}`), bootstrap: farmer.node }))
    await Promise.all(twins.map(async twin => twin.node.dial(farmer.node.getMultiaddrs())))
    await new Promise(resolve => setTimeout(resolve, SETTLE_MS))
    await storm(farmer, twins, 1) // warm-up: JIT, connections, first streams
    const contractsPerSecond = await storm(farmer, twins, CONTRACTS_PER_TWIN)
    const echoesPerSecond = await echoStorm(farmer, twins, CONTRACTS_PER_TWIN * 2)
    return {
      // the farmer and all twins share one Node.js thread: this is the whole system's rate, not the farmer's alone
      metric: `contracts accepted per second (quote + propose each) from ${TWINS} concurrent twins in the same process, durable level ledger`,
      value: contractsPerSecond,
      unit: 'contracts/s',
      baseline: 'trivial request/responses per second from the same twins on the same connections (each contract is two of them)',
      baselineValue: echoesPerSecond,
      extra: {
        twins: TWINS,
        contractsPerTwin: CONTRACTS_PER_TWIN,
        ledgerContracts: farmer.contracts.ledger?.all().length ?? 0
      }
    }
  } finally {
    await Promise.all([...twins, farmer].map(async p => p.node.stop()))
    await datastore.close()
    await rm(dir, { recursive: true, force: true })
  }
}

export const contractThroughput: Benchmark = { name: 'contract-throughput', run }
