import assert from 'node:assert/strict'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import type { Stream } from '@libp2p/interface'
import { pbStream } from '@libp2p/utils'
import { resourcesFromWire } from '@p2pcloud/capacity'
import type { Ledger } from '@p2pcloud/contracts'
import type { DaemonLibp2p } from '@p2pcloud/daemon'
import { DeploymentClient } from '@p2pcloud/farmer'
import { PendingDeployments, TwinStore, parseDeploymentSpec, type TwinOptions } from '@p2pcloud/twin'
import { CONTRACT_PROTOCOL, ContractErrorCodes, contractMessages } from '@p2pcloud/wire'
import { tempDir, waitFor } from '@p2pcloud/test-utils'
import { resources, startMarketPeer, volumeSpecYaml, type MarketPeer } from './helpers/index.js'

const MiB = 2 ** 20

const volumeSpec = (name: string): ReturnType<typeof parseDeploymentSpec> => parseDeploymentSpec(volumeSpecYaml(name))

/** A real farmer offering zdb in BE, at `cuHour` (0: the cheapest there is). */
async function zdbFarmer (dir: string, farm: string, cuHour?: number, bootstrap?: MarketPeer): Promise<MarketPeer> {
  return startMarketPeer({
    bootstrap: bootstrap?.node,
    farmer: { farm, country: 'BE', total: resources(4, 8, 20, 20), capabilities: ['zdb'], cuHour, home: join(dir, farm) }
  })
}

const answer = (fields: Partial<contractMessages.Response>): contractMessages.Response => ({ quoteEnvelope: new Uint8Array(), contracts: [], receiptEnvelopes: [], ...fields })

/**
 * Replace the farmer's contract handler by a hostile one. Its capacity protocol still answers with
 * its real advert (room to spare). Each contract request is read; `reply` answers it, or leaves the
 * stream open without a word when it returns undefined.
 */
async function hostileContracts (farmer: MarketPeer, reply: (request: contractMessages.Request, twin: string, ledger: Ledger) => Promise<contractMessages.Response | undefined>): Promise<void> {
  const ledger = await farmer.contracts.ready as Ledger
  const held: Stream[] = []
  await farmer.node.unhandle(CONTRACT_PROTOCOL)
  await farmer.node.handle(CONTRACT_PROTOCOL, async (stream, connection) => {
    const messages = pbStream(stream)
    const request = await messages.read(contractMessages.Request)
    const response = await reply(request, connection.remotePeer.toString(), ledger)
    if (response == null) {
      held.push(stream)
      return
    }
    await messages.write(response, contractMessages.Response)
    await stream.close()
  })
}

/** Quotes like a real farmer (signed by its ledger), then never answers a proposal, a cancel or anything else. */
async function blackholeAfterQuote (request: contractMessages.Request, twin: string, ledger: Ledger): Promise<contractMessages.Response | undefined> {
  if (request.quote == null) return undefined
  return answer({ quoteEnvelope: await ledger.quote(twin, resourcesFromWire(request.quote.resources), request.quote.leaseMs) as Uint8Array<ArrayBuffer> })
}

/** Refuses every quote for capacity, though its probe claimed room. */
async function refuseForCapacity (): Promise<contractMessages.Response> {
  return answer({ error: { code: ContractErrorCodes.INSUFFICIENT_CAPACITY, message: 'not enough free capacity', retryAfterMs: 0 } })
}

async function startTwin (bootstrap: MarketPeer, options: TwinOptions = {}): Promise<MarketPeer> {
  return startMarketPeer({ bootstrap: bootstrap.node, twin: { settleTimeoutMs: 10_000, ...options } })
}

async function hearBoth (node: DaemonLibp2p, cheapest: MarketPeer, other: MarketPeer): Promise<void> {
  const directory = node.services.capacity.directory
  await waitFor('the twin to hear both farmers', () => directory.get(cheapest.node.peerId.toString()) != null && directory.get(other.node.peerId.toString()) != null, 30_000)
  assert.equal(directory.query({ country: 'BE', sort: 'price' })[0].advert.peerId, cheapest.node.peerId.toString(), 'the hostile farmer is the cheapest')
}

describe('hostile farmers', () => {
  it('a farmer that quotes, then never answers the proposal nor the cancel: deploy and store init go on to the next farmer, the name stays usable, the reservation stays pending by contract id; rm --force forgets a deployment whose farmer does not answer', async () => {
    const dir = await tempDir('hostile-farmers')
    const honest = await zdbFarmer(dir, 'gent')
    const hostile = await zdbFarmer(dir, 'sink', 0, honest)
    await hostileContracts(hostile, blackholeAfterQuote)
    const deployer = await startTwin(honest)
    const pooler = await startTwin(honest)
    const hostileId = hostile.node.peerId.toString()
    const honestId = honest.node.peerId.toString()
    try {
      await Promise.all([hearBoth(deployer.node, hostile, honest), hearBoth(pooler.node, hostile, honest)])

      const started = Date.now()
      const deploying = deployer.twin.deploy(volumeSpec('app')).finally(() => {
        // a figure for the log, not an assertion: what a farmer that never confirms costs a deploy
        console.log(`deploy past a farmer that never answers the proposal nor the cancel took ${Date.now() - started} ms`)
      })
      const pooling = pooler.twin.pools.create({ dataShards: 1, parityShards: 0, namespaceBytes: 64 * MiB, leaseMs: 3_600_000 })
      // the name is stored only once the deploy settles; meanwhile a second deploy of it is refused
      await assert.rejects(deployer.twin.deploy(volumeSpec('app')), { name: 'DeploymentExists', message: 'a deployment named "app" is being deployed' })
      const [deployed, pool] = await Promise.all([deploying, pooling])
      assert.equal(deployed.farmer, honestId)
      assert.equal(deployed.status?.workloads[0].state, 'ok')
      assert.deepEqual(pool.members.map(m => [m.deployment, m.farmer]), [['pool-default-0', honestId]])

      // the reservation the hostile farmer never confirmed is kept by its contract id, apart from the names
      await Promise.all(([[deployer, 'app'], [pooler, 'pool-default-0']] as const).map(async ([{ twin }, name]) => {
        const pending = await twin.pendingReservations()
        assert.deepEqual(pending.map(p => [p.farmer, p.name]), [[hostileId, name]])
        assert.notEqual(pending[0].contractId, (await twin.list())[0].contractId)
        assert.ok(pending[0].dropAfter > Date.now() + 2 * 3_600_000 - 60_000, 'forgotten once its lease and grace are over')
        assert.equal((await twin.resolvePending()).length, 1, 'still pending: the farmer does not answer its cancel')
        assert.ok(twin.unreliable.has(hostileId), 'tried last by the next placements')
      }))
      assert.deepEqual((await deployer.twin.list()).map(d => [d.name, d.farmer]), [['app', honestId]])

      // once its lease and the farmer's grace are over, the farmer has freed it anyway: the
      // reservation is forgotten without asking the farmer (the same store, the clock moved there)
      const [reservation] = await deployer.twin.pendingReservations()
      const store = new TwinStore((deployer.node as any).components.datastore)
      const later = new PendingDeployments({
        store,
        contracts: deployer.contracts.client,
        deployments: new DeploymentClient(deployer.node, (deployer.node as any).components.privateKey),
        reach: async () => {},
        now: () => reservation.dropAfter
      })
      assert.deepEqual(await later.resolveAll(), [])
      assert.deepEqual(await deployer.twin.pendingReservations(), [])

      // the honest farmer goes away: rm cannot cancel there and says so; --force forgets it here
      await honest.node.stop()
      await assert.rejects(deployer.twin.delete('app'), (err: any) => {
        assert.equal(err.name, 'FarmerNotAnswering')
        assert.match(err.message, new RegExp(`farmer ${honestId} did not answer .*p2pcloud rm --force app forgets the deployment here, and it may hold contract ${deployed.contractId} until its lease ends`))
        return true
      })
      assert.equal((await deployer.twin.list()).length, 1, 'kept without --force')
      const forgotten = await deployer.twin.delete('app', { force: true })
      assert.equal(forgotten.cancelled, false)
      assert.match(forgotten.note ?? '', new RegExp(`forgotten here: it may hold contract ${deployed.contractId} until its lease ends \\(cancelled if it answers before\\)`))
      assert.deepEqual(await deployer.twin.list(), [])
      assert.deepEqual((await deployer.twin.pendingReservations()).map(r => [r.contractId, r.farmer]), [[deployed.contractId, honestId]], 'cancelled if the farmer comes back')
    } finally {
      await Promise.all([deployer.node, pooler.node, hostile.node, honest.node].map(async n => n.stop()))
    }
  })

  it('a farmer whose probe claims room and which refuses the quote for capacity is tried last by the next placements', async () => {
    const dir = await tempDir('hostile-farmers')
    const honest = await zdbFarmer(dir, 'gent')
    const refuser = await zdbFarmer(dir, 'sybil', 0, honest)
    await hostileContracts(refuser, refuseForCapacity)
    // a failure budget of one: a placement that tries the refuser first fails
    const { node, twin } = await startTwin(honest, { maxFailedFarmers: 1 })
    const refuserId = refuser.node.peerId.toString()
    try {
      await hearBoth(node, refuser, honest)
      await assert.rejects(twin.deploy(volumeSpec('first')), (err: any) => {
        assert.equal(err.name, 'PlacementError')
        assert.deepEqual(err.tried.map((t: any) => t.farmer), [refuserId])
        assert.match(err.message, /not enough free capacity/)
        return true
      })
      const deployed = await twin.deploy(volumeSpec('second'))
      assert.equal(deployed.farmer, honest.node.peerId.toString())
      assert.ok(twin.unreliable.has(refuserId))
    } finally {
      await Promise.all([node, refuser.node, honest.node].map(async n => n.stop()))
    }
  })
})
