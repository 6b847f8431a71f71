import assert from 'node:assert/strict'
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { parseDeploymentSpec } from '@p2pcloud/twin'
import { loopMountUnavailable } from '@p2pcloud/farmer'
import type { DaemonLibp2p } from '@p2pcloud/daemon'
import { tempDir, waitFor } from '@p2pcloud/test-utils'
import { resources, startMarketPeer, type MarketPeer } from './helpers/index.js'

async function startTwin (bootstrap: DaemonLibp2p): Promise<MarketPeer> {
  return startMarketPeer({ bootstrap, twin: { settleTimeoutMs: 10_000 } })
}

const spec = (name: string, size: string, extra = ''): ReturnType<typeof parseDeploymentSpec> => parseDeploymentSpec(`
name: ${name}
where:
  country: BE${extra}
lease: 1h
workloads:
  - name: data
    type: volume
    size: ${size}
`)

describe('twin SDK', { skip: loopMountUnavailable() }, () => {
  it('deploy finds a matching farmer, reserves, deploys and waits for ok; update, receipts; rm gives the capacity back', async () => {
    const farmer = await startMarketPeer({ farmer: { farm: 'gent', country: 'BE', total: resources(2, 4, 10), receiptPeriodMs: 300 } })
    const { node, twin } = await startTwin(farmer.node)
    try {
      await waitFor('the twin to hear the farmer', () => node.services.capacity.directory.size === 1)
      const deployed = await twin.deploy(spec('app', '2G'))
      assert.equal(deployed.farmer, farmer.node.peerId.toString())
      assert.deepEqual(deployed.status?.workloads.map(w => [w.name, w.state]), [['data', 'ok']])
      assert.equal(deployed.contract?.state, 'active')
      assert.deepEqual((await twin.list()).map(d => d.name), ['app'])
      assert.equal(farmer.market.account?.free().sru, 8 * 2 ** 30)
      await assert.rejects(twin.deploy(spec('app', '1G')), { name: 'DeploymentExists' })

      // update: a second volume; the first keeps its version and its state
      const updated = await twin.update(parseDeploymentSpec(`
name: app
where:
  country: BE
lease: 1h
workloads:
  - name: data
    type: volume
    size: 1G
  - name: logs
    type: volume
    size: 512M
`))
      assert.equal(updated.version, 2)
      assert.deepEqual(updated.status?.workloads.map(w => [w.name, w.version, w.state]), [['data', 2, 'ok'], ['logs', 2, 'ok']])
      await assert.rejects(twin.update(spec('app', '20G')), { name: 'ContractTooSmall', message: /and a contract cannot grow/ })

      // usage receipts: signed by the farmer every 300 ms of lease time here, kept by the twin
      await waitFor('two receipts', async () => (await twin.receipts('app')).length >= 2)
      const receipts = await twin.receipts('app')
      assert.deepEqual(receipts.slice(0, 2).map(r => r.seq), [1, 2])
      assert.equal(receipts[1].periodStart, receipts[0].periodEnd)
      assert.ok(receipts.every(r => r.suHoursMilli >= 0 && r.currency === 'TFT'))
      await twin.delete('app')
      assert.equal(farmer.market.account?.free().sru, 10 * 2 ** 30)
      assert.deepEqual(await twin.list(), [])
    } finally {
      await node.stop()
      await farmer.node.stop()
    }
  })

  it('a deploy that cannot succeed fails with the farmer\'s own message, and leaves no contract behind', async () => {
    // the farmer's volumes root is a file: creating any volume fails on the farmer
    const home = await tempDir('broken-volumes')
    await writeFile(join(home, 'volumes'), 'not a directory')
    const farmer = await startMarketPeer({ farmer: { farm: 'gent', country: 'BE', total: resources(2, 4, 10), home } })
    const { node, twin } = await startTwin(farmer.node)
    try {
      await waitFor('the twin to hear the farmer', () => node.services.capacity.directory.size === 1)
      const started = Date.now()
      await assert.rejects(twin.deploy(spec('app', '1G')), (err: any) => {
        assert.equal(err.name, 'DeployFailed')
        assert.match(err.message, new RegExp(`farmer ${farmer.node.peerId.toString()}: workload "data": .*(ENOTDIR|EEXIST|not a directory)`))
        return true
      })
      // a figure for the log, not an assertion: how fast the farmer's reason came back
      console.log(`deploy failure reported after ${Date.now() - started} ms`)
      assert.deepEqual(await twin.list(), [])
      assert.equal(farmer.contracts.ledger?.all()[0].state, 'cancelled')
      assert.deepEqual(farmer.market.account?.reserved(), resources(0, 0, 0))
      await assert.rejects(twin.deploy(spec('big', '100G')), { name: 'NoMatchingFarmer' })
    } finally {
      await node.stop()
      await farmer.node.stop()
    }
  })
})
