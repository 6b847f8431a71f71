import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { peerIdFromString } from '@libp2p/peer-id'
import type { ContractView } from '@p2pcloud/contracts'
import { contractIdOf, signProposal } from '@p2pcloud/contracts'
import { multiaddr } from '@multiformats/multiaddr'
import { waitFor } from '@p2pcloud/test-utils'
import { farmerHome, resources, runCli, spawnDaemon, startMarketPeer, type MarketPeer } from './helpers/index.js'

const HOUR = 3_600_000

async function stop (peers: MarketPeer[]): Promise<void> {
  await Promise.all(peers.map(async p => p.node.stop()))
}

describe('contracts over the wire', () => {
  it('quote → propose → accept in the farmer\'s ledger; free capacity drops in other peers\' find; cancel gives it back', async () => {
    const farmer = await startMarketPeer({ farmer: { farm: 'gent', country: 'BE', total: resources(8, 32) } })
    const twin = await startMarketPeer({ bootstrap: farmer.node })
    const observer = await startMarketPeer({ bootstrap: farmer.node })
    try {
      await waitFor('the observer to hear the farmer', () => observer.market.directory.get(farmer.node.peerId.toString()) != null)
      await waitFor('the twin to hear the farmer', () => twin.market.directory.get(farmer.node.peerId.toString()) != null)
      assert.equal(twin.market.directory.get(farmer.node.peerId.toString())?.answered, false)
      const { quote, envelope } = await twin.contracts.client.quote(farmer.node.peerId, resources(2, 4, 10), HOUR)
      assert.ok(quote.pricePerHourMicro > 0)
      const contract = await twin.contracts.client.propose(farmer.node.peerId, envelope)
      assert.equal(contract.state, 'active')
      assert.equal(twin.market.directory.get(farmer.node.peerId.toString())?.answered, true, 'a farmer that signed a contract with the twin ranks first in its find')
      assert.equal(observer.market.directory.get(farmer.node.peerId.toString())?.answered, false)
      assert.equal(contract.acceptance.leaseEnd - contract.acceptance.leaseStart, HOUR)
      assert.equal(farmer.contracts.ledger?.all().length, 1)
      await waitFor('the observer to see 6 free cores', () => observer.market.directory.get(farmer.node.peerId.toString())?.advert.free.cru === 6)

      const listed = await twin.contracts.client.list(farmer.node.peerId)
      assert.deepEqual(listed.map(c => c.id), [contract.id])
      const cancelled = await twin.contracts.client.cancel(farmer.node.peerId, contract.id)
      assert.equal(cancelled.state, 'cancelled')
      await waitFor('the observer to see 8 free cores again', () => observer.market.directory.get(farmer.node.peerId.toString())?.advert.free.cru === 8)
    } finally {
      await stop([observer, twin, farmer])
    }
  })

  it('a reservation that cannot succeed fails at once with the farmer\'s reason; another twin cannot see or change the contract', async () => {
    const farmer = await startMarketPeer({ farmer: { farm: 'gent', country: 'BE', total: resources(4, 8) } })
    const alice = await startMarketPeer({ bootstrap: farmer.node })
    const bob = await startMarketPeer({ bootstrap: farmer.node })
    try {
      // by peer id alone a dial waits for the bootstrap connection (or a DHT lookup)
      await waitFor('both twins to be connected to the farmer', () => [alice, bob].every(t => t.node.getConnections(farmer.node.peerId).length > 0))
      await assert.rejects(alice.contracts.client.quote(farmer.node.peerId, resources(16, 8), HOUR), (err: any) => {
        assert.equal(err.name, 'RemoteError')
        assert.equal(err.code, 'INSUFFICIENT_CAPACITY')
        assert.match(err.message, /asked cru=16, free cru=4/)
        return true
      })
      const { envelope } = await alice.contracts.client.quote(farmer.node.peerId, resources(1, 1, 0), HOUR)
      const contract = await alice.contracts.client.propose(farmer.node.peerId, envelope)
      for (const call of [
        async () => bob.contracts.client.get(farmer.node.peerId, contract.id),
        async () => bob.contracts.client.cancel(farmer.node.peerId, contract.id),
        async () => bob.contracts.client.renew(farmer.node.peerId, contract.id, HOUR)
      ]) {
        await assert.rejects(call(), { name: 'RemoteError', code: 'NOT_FOUND' })
      }
      assert.deepEqual(await bob.contracts.client.list(farmer.node.peerId), [])
      // bob relaying alice's signed proposal is refused: the sender must be the twin
      const aliceKey = (alice.node as any).components.privateKey
      const { envelope: quote2 } = await alice.contracts.client.quote(farmer.node.peerId, resources(1, 1, 0), HOUR)
      const relayed = await signProposal(quote2, alice.node.peerId.toString(), Date.now(), aliceKey)
      await assert.rejects(bob.contracts.client.sendProposal(farmer.node.peerId, relayed), { code: 'UNAUTHORIZED' })
      // the same proposal sent twice by alice books once
      const first = await alice.contracts.client.sendProposal(farmer.node.peerId, relayed)
      const again = await alice.contracts.client.sendProposal(farmer.node.peerId, relayed)
      assert.equal(first.id, again.id)
      assert.equal(farmer.contracts.ledger?.all().length, 2)
      assert.deepEqual(farmer.market.account?.reserved(), resources(2, 2, 0))
    } finally {
      await stop([bob, alice, farmer])
    }
  })

  it('a farmer killed with SIGKILL during a storm of proposals keeps every accepted contract and no more than fits', async () => {
    const home = await farmerHome('sigkill-farmer', { cru: 60, mru: '60G', sru: '10G', hru: 0 })
    let daemon = await spawnDaemon(home)
    const farmerId = peerIdFromString(daemon.ready.peerId)
    const twins = await Promise.all(Array.from({ length: 4 }, async () => startMarketPeer()))
    try {
      for (const twin of twins) await twin.node.dial(multiaddr(daemon.ready.addresses[0]), { signal: AbortSignal.timeout(10_000) })
      const acknowledged = new Set<string>()
      const sent = new Set<string>()
      let killed = false
      const storm = twins.map(async twin => {
        for (let i = 0; i < 40 && !killed; i++) {
          try {
            const { envelope } = await twin.contracts.client.quote(farmerId, resources(1, 1, 0), HOUR)
            const proposal = await signProposal(envelope, twin.node.peerId.toString(), Date.now(), (twin.node as any).components.privateKey)
            sent.add(contractIdOf(proposal))
            const contract = await twin.contracts.client.sendProposal(farmerId, proposal)
            acknowledged.add(contract.id)
          } catch {
            // the farmer is gone (killed) or full: both are expected in a storm
          }
        }
      })
      await waitFor('a first batch of contracts', () => acknowledged.size >= 15, 30_000, 10)
      daemon.child.kill('SIGKILL')
      killed = true
      await Promise.all(storm)
      await daemon.stop()

      daemon = await spawnDaemon(home)
      const ledger: ContractView[] = JSON.parse((await runCli(['farmer', 'contracts', '--json', '--home', home])).stdout)
      const inLedger = new Set(ledger.map(c => c.id))
      for (const id of acknowledged) assert.ok(inLedger.has(id), `acknowledged contract ${id} survived the kill`)
      for (const id of inLedger) assert.ok(sent.has(id), `contract ${id} in the ledger was proposed`)
      assert.ok(ledger.length <= 60, 'never more than fits')
      const capacity = JSON.parse((await runCli(['capacity', '--json', '--home', home])).stdout)
      assert.equal(capacity.reserved.cru, ledger.filter(c => c.state === 'active').length, 'reserved capacity matches the ledger exactly')
      assert.equal(capacity.free.cru, 60 - capacity.reserved.cru)
    } finally {
      await stop(twins)
      await daemon.stop()
    }
  })

  it('a twin opening more contracts than a farmer daemon allows per twin gets TOO_MANY_CONTRACTS; cancelling one makes room', async () => {
    const home = await farmerHome('twin-cap-farmer', { cru: 60, mru: '60G', sru: '10G', hru: 0 }, { maxOpenContractsPerTwin: 3 })
    const daemon = await spawnDaemon(home)
    const farmerId = peerIdFromString(daemon.ready.peerId)
    const [twin, other] = await Promise.all([startMarketPeer(), startMarketPeer()])
    try {
      for (const peer of [twin, other]) await peer.node.dial(multiaddr(daemon.ready.addresses[0]), { signal: AbortSignal.timeout(10_000) })
      const book = async (peer: MarketPeer): Promise<string> => {
        const { envelope } = await peer.contracts.client.quote(farmerId, resources(1, 1, 0), HOUR)
        return (await peer.contracts.client.propose(farmerId, envelope)).id
      }
      // at once, as a hostile twin would: the cap holds however many bookings race
      const outcomes = await Promise.allSettled(Array.from({ length: 6 }, async () => book(twin)))
      const booked = outcomes.filter(o => o.status === 'fulfilled').map(o => (o as PromiseFulfilledResult<string>).value)
      const refused = outcomes.filter(o => o.status === 'rejected').map(o => (o as PromiseRejectedResult).reason)
      assert.equal(booked.length, 3)
      for (const err of refused) {
        assert.equal(err.code, 'TOO_MANY_CONTRACTS')
        assert.match(err.message, /already holds 3 open contracts on this farmer, its limit of 3/)
      }
      // the cap is per twin: another twin still books
      await book(other)
      await twin.contracts.client.cancel(farmerId, booked[0])
      booked.push(await book(twin))
      await assert.rejects(book(twin), { code: 'TOO_MANY_CONTRACTS' })
      const ledger: ContractView[] = JSON.parse((await runCli(['farmer', 'contracts', '--json', '--home', home])).stdout)
      assert.equal(ledger.filter(c => c.twin === twin.node.peerId.toString() && c.state === 'active').length, 3)
    } finally {
      await stop([twin, other])
      await daemon.stop()
    }
  })

  it('contracts that are over leave the farmer daemon\'s live ledger and are not loaded at start; get and receipts still answer until retention drops them', async () => {
    const PER_TWIN = 50
    const KEPT = 40
    const home = await farmerHome('ledger-prune-farmer', { cru: 60, mru: '60G', sru: '10G', hru: 0 }, { maxFinishedContractsPerTwin: KEPT })
    let daemon = await spawnDaemon(home)
    const farmerId = peerIdFromString(daemon.ready.peerId)
    const twins = await Promise.all(Array.from({ length: 4 }, async () => startMarketPeer()))
    const live = async (): Promise<ContractView[]> => JSON.parse((await runCli(['farmer', 'contracts', '--json', '--home', home])).stdout)
    try {
      for (const twin of twins) await twin.node.dial(multiaddr(daemon.ready.addresses[0]), { signal: AbortSignal.timeout(10_000) })
      // 200 contracts made and cancelled, oldest first, and one left open per twin
      const cancelled = await Promise.all(twins.map(async twin => {
        const ids: string[] = []
        for (let i = 0; i < PER_TWIN; i++) {
          const { envelope } = await twin.contracts.client.quote(farmerId, resources(1, 1, 0), HOUR)
          const { id } = await twin.contracts.client.propose(farmerId, envelope)
          await twin.contracts.client.cancel(farmerId, id)
          ids.push(id)
        }
        return ids
      }))
      const open = await Promise.all(twins.map(async twin => {
        const { envelope } = await twin.contracts.client.quote(farmerId, resources(1, 1, 0), HOUR)
        return (await twin.contracts.client.propose(farmerId, envelope)).id
      }))
      const [alice] = twins
      const newest = cancelled[0][PER_TWIN - 1]
      await waitFor('the receipt of a cancelled contract', async () => (await alice.contracts.client.receipts(farmerId, newest)).length === 1)
      const receipt = (await alice.contracts.client.receipts(farmerId, newest))[0]

      // once their quotes can no longer book (60 s), the cancelled ones leave the live ledger
      await waitFor('the live ledger to hold the open contracts only', async () => (await live()).length === open.length, 120_000, 2000)
      assert.deepEqual((await live()).map(c => c.id).sort(), [...open].sort())

      const readable = async (): Promise<void> => {
        assert.equal((await alice.contracts.client.get(farmerId, newest)).state, 'cancelled')
        assert.deepEqual((await alice.contracts.client.receipts(farmerId, newest)).map(r => r.envelope), [receipt.envelope], 'the signed receipt, byte for byte')
        assert.equal((await alice.contracts.client.cancel(farmerId, newest)).state, 'cancelled', 'cancel stays idempotent')
        await assert.rejects(alice.contracts.client.renew(farmerId, newest, HOUR), { code: 'CONTRACT_ENDED' })
        const listed = await alice.contracts.client.list(farmerId)
        assert.equal(listed.length, 1 + KEPT, 'the open contract and the finished ones kept')
        assert.deepEqual(listed.filter(c => c.state === 'active').map(c => c.id), [open[0]])
        // past maxFinishedContractsPerTwin the oldest are gone, receipts and all
        const dropped = cancelled[0][0]
        await assert.rejects(alice.contracts.client.get(farmerId, dropped), { code: 'NOT_FOUND' })
        await assert.rejects(alice.contracts.client.receipts(farmerId, dropped), { code: 'NOT_FOUND' })
        // and another twin learns nothing of alice's finished contract
        await assert.rejects(twins[1].contracts.client.get(farmerId, newest), { code: 'NOT_FOUND' })
      }
      await readable()

      // a restart loads the open contracts only: what the ledger holds is what it loaded
      await daemon.stop()
      daemon = await spawnDaemon(home)
      assert.deepEqual((await live()).map(c => c.id).sort(), [...open].sort())
      for (const twin of twins) await twin.node.dial(multiaddr(daemon.ready.addresses[0]), { signal: AbortSignal.timeout(10_000) })
      await readable()
    } finally {
      await stop(twins)
      await daemon.stop()
    }
  })
})
