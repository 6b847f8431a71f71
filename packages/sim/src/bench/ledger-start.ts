import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { generateKeyPair } from '@libp2p/crypto/keys'
import type { PrivateKey } from '@libp2p/interface'
import { LevelDatastore } from 'datastore-level'
import { CapacityAccount } from '@p2pcloud/capacity'
import { Ledger, signProposal, type LedgerInit } from '@p2pcloud/contracts'
import { QUOTE_VALIDITY_MS, peerIdFromBytes } from '@p2pcloud/wire'
import { collector } from './collector.js'
import type { Benchmark, Measurement } from './results.js'

/** The attack of issue #12 finding 10: 4,048 contracts made (and cancelled) in 60 s by four identities. */
const TWINS = 4
const FINISHED_PER_TWIN = 1000
const OPEN_PER_TWIN = 16
const GiB = 2 ** 30
const MiB = 2 ** 20
const HOUR = 3_600_000
const STORAGE = { cru: 0, mru: 0, sru: GiB, hru: 0, ipv4u: 0 }


function settledHeap (gc: () => void): number {
  for (let i = 0; i < 3; i++) gc()
  return process.memoryUsage().heapUsed
}

/** Open a fresh ledger on the datastore as a farmer's start does: how long, how much heap it keeps, how many contracts it holds. */
async function timedStart (init: LedgerInit, gc: () => void): Promise<{ ms: number, heapMiB: number, live: number }> {
  const before = settledHeap(gc)
  const ledger = new Ledger(init)
  const start = performance.now()
  await ledger.start(3_600_000)
  const ms = performance.now() - start
  const heapMiB = (settledHeap(gc) - before) / MiB
  const live = ledger.all().length
  ledger.stop()
  return { ms, heapMiB, live }
}

/**
 * A farmer's start with 4,000 contracts that are over (cancelled, one usage receipt each) and
 * 64 open ones in its level datastore: once the cancelled ones have moved to the finished store,
 * against the same contracts still in the live ledger, where they all stayed before.
 */
async function run (): Promise<Measurement> {
  const gc = collector()
  const dir = await mkdtemp(join(tmpdir(), 'p2pcloud-bench-ledger-start-'))
  const datastore = new LevelDatastore(join(dir, 'datastore'))
  await datastore.open()
  try {
    const farmerKey = await generateKeyPair('Ed25519')
    const clock = { now: Date.UTC(2030, 0, 1) }
    const init: LedgerInit = {
      datastore,
      account: new CapacityAccount({ cru: 0, mru: 0, sru: 10_000 * GiB, hru: 0, ipv4u: 0 }, datastore),
      farmerId: peerIdFromBytes(farmerKey.publicKey.toMultihash().bytes),
      privateKey: farmerKey,
      price: { currency: 'TFT', cuHour: 0.1, suHour: 0.05, ipv4Hour: 0.02 },
      graceMs: HOUR,
      maxOpenPerTwin: FINISHED_PER_TWIN + OPEN_PER_TWIN,
      maxFinishedPerTwin: FINISHED_PER_TWIN,
      now: () => clock.now
    }
    const ledger = new Ledger(init)
    await ledger.start(3_600_000)
    const twins: Array<{ key: PrivateKey, id: string }> = await Promise.all(Array.from({ length: TWINS }, async () => {
      const key = await generateKeyPair('Ed25519')
      return { key, id: peerIdFromBytes(key.publicKey.toMultihash().bytes) }
    }))
    const book = async (twin: { key: PrivateKey, id: string }): Promise<string> => {
      const proposal = await signProposal(await ledger.quote(twin.id, STORAGE, HOUR), twin.id, clock.now, twin.key)
      return (await ledger.propose(proposal, twin.id)).id
    }
    const toCancel: Array<{ twin: string, id: string }> = []
    for (const twin of twins) {
      for (let i = 0; i < FINISHED_PER_TWIN; i++) toCancel.push({ twin: twin.id, id: await book(twin) })
      for (let i = 0; i < OPEN_PER_TWIN; i++) await book(twin)
    }
    clock.now += 30_000
    for (const { twin, id } of toCancel) await ledger.cancel(id, twin)
    await ledger.sweep() // one receipt per cancelled contract
    ledger.stop()
    const kept = await timedStart(init, gc)

    clock.now += QUOTE_VALIDITY_MS
    const retiring = performance.now()
    await ledger.sweep() // the cancelled ones leave the live ledger
    const retireMs = performance.now() - retiring
    const pruned = await timedStart(init, gc)
    return {
      metric: `start of a farmer's ledger (level, on disk) holding ${TWINS * FINISHED_PER_TWIN} cancelled contracts and ${TWINS * OPEN_PER_TWIN} open ones, the cancelled ones in the finished store`,
      value: pruned.ms,
      unit: 'ms',
      baseline: 'the same start with the cancelled contracts still in the live ledger, as every contract stayed before',
      baselineValue: kept.ms,
      extra: {
        liveContractsLoaded: pruned.live,
        baselineLiveContractsLoaded: kept.live,
        heapKeptMiB: pruned.heapMiB,
        baselineHeapKeptMiB: kept.heapMiB,
        retireMsPerContract: retireMs / toCancel.length
      }
    }
  } finally {
    await datastore.close()
    await rm(dir, { recursive: true, force: true })
  }
}

export const ledgerStart: Benchmark = { name: 'ledger-start', run }
