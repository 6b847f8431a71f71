import assert from 'node:assert/strict'
import { access, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import type { ContractView } from '@p2pcloud/contracts'
import { dialAddress, startLoopbackDaemon } from '@p2pcloud/sim'
import { parseDeploymentSpec, type TwinDeploymentRecord } from '@p2pcloud/twin'
import { DEPLOYMENT_PROTOCOL } from '@p2pcloud/wire'
import { tempDir, waitFor } from '@p2pcloud/test-utils'
import { farmerHome, runCli, spawnDaemon, volumeSpecYaml, type CliDaemon } from './helpers/index.js'

async function ledger (home: string): Promise<ContractView[]> {
  const result = await runCli(['farmer', 'contracts', '--json', '--home', home])
  assert.equal(result.code, 0, result.stderr)
  return JSON.parse(result.stdout)
}

async function exists (path: string): Promise<boolean> {
  return access(path).then(() => true, () => false)
}

describe('deployments a farmer never confirmed', () => {
  it('a farmer killed with SIGKILL in the middle of a deploy: the twin keeps the reservation pending and cancels it at the restarted farmer, which keeps no active contract', async () => {
    const home = await farmerHome('pending-farmer', { cru: 4, mru: '4G', sru: '10G', hru: 0 })
    let farmer: CliDaemon = await spawnDaemon(home)
    const node = await startLoopbackDaemon({
      home: await tempDir('pending-twin'),
      config: { bootstrap: [farmer.ready.addresses[0]] },
      tuning: { twin: { settleTimeoutMs: 10_000, pendingRetryMs: 1000 } }
    })
    const twin = node.services.twin
    try {
      await waitFor('the twin to hear the farmer', () => node.services.capacity.directory.get(farmer.ready.peerId) != null, 30_000)
      // the hook: the second deployment stream of this deploy is its watch, opened once the farmer
      // has booked the contract and taken the deployment; the farmer dies right then
      const connections = (node as any).components.connectionManager
      const openStream = connections.openStream.bind(connections)
      let deploymentStreams = 0
      connections.openStream = async (peer: any, protocols: string | string[], options: any) => {
        if ([protocols].flat().includes(DEPLOYMENT_PROTOCOL) && ++deploymentStreams === 2) {
          const exited = new Promise(resolve => farmer.child.once('exit', resolve))
          farmer.child.kill('SIGKILL')
          await exited
        }
        return openStream(peer, protocols, options)
      }
      // the only farmer: the placement passes over it and has no other
      await assert.rejects(twin.deploy(parseDeploymentSpec(volumeSpecYaml('app'))), (err: any) => {
        assert.equal(err.name, 'PlacementError')
        assert.match(err.message, new RegExp(`deployment "app" on farmer ${farmer.ready.peerId} failed \\(no answer .*\\) .* contract [0-9a-f]{64} stays pending`))
        return true
      })
      connections.openStream = openStream

      assert.deepEqual(await twin.list(), [], 'the name is not held')
      const [pending] = await twin.pendingReservations()
      assert.equal(pending?.name, 'app', 'the twin still knows the contract it proposed')
      assert.deepEqual((await twin.resolvePending()).map(p => p.contractId), [pending.contractId], 'stays pending while the farmer is down')

      const volume = join(home, 'volumes', pending.contractId, 'data')

      // back, from the same home: the contract is in its ledger, and it reconciles the deployment it took
      farmer = await spawnDaemon(home, { args: ['--bootstrap', dialAddress(node)] })
      await waitFor('the twin to resolve the pending reservation', async () => (await twin.pendingReservations()).length === 0, 30_000)
      const contracts = await ledger(home)
      assert.deepEqual(contracts.map(c => [c.id, c.state]), [[pending.contractId, 'cancelled']])
      await waitFor('the farmer to delete the workload of the cancelled contract', async () => !await exists(volume))
    } finally {
      await node.stop()
      await farmer.stop()
    }
  })

  it('p2pcloud contracts cancel ID cancels a contract at its farmer; a left-over one with --farmer; an unknown one is named; rm --force forgets a deployment whose farmer is gone', async () => {
    const fHome = await farmerHome('pending-farmer', { cru: 4, mru: '4G', sru: '10G', hru: 0 })
    const tHome = await tempDir('pending-twin')
    assert.equal((await runCli(['init', '--home', tHome])).code, 0)
    let farmer = await spawnDaemon(fHome)
    const twin = await spawnDaemon(tHome, { args: ['--bootstrap', farmer.ready.addresses[0]] })
    try {
      const file = join(tHome, 'app.yaml')
      await writeFile(file, volumeSpecYaml('app'))
      let deployed: TwinDeploymentRecord | undefined
      await waitFor('a deploy on the farmer', async () => {
        const result = await runCli(['deploy', '--json', '--home', tHome, file])
        if (result.code === 0) deployed = JSON.parse(result.stdout)
        return deployed != null
      }, 30_000, 500)
      const id = (deployed as TwinDeploymentRecord).contractId
      assert.equal((await ledger(fHome)).find(c => c.id === id)?.state, 'active')

      const cancelled = await runCli(['contracts', 'cancel', id, '--home', tHome])
      assert.equal(cancelled.code, 0, cancelled.stderr)
      assert.match(cancelled.stdout, new RegExp(`contract ${id.slice(0, 16)}… with farmer ${farmer.ready.peerId}: cancelled`))
      assert.equal((await ledger(fHome)).find(c => c.id === id)?.state, 'cancelled')
      assert.equal(JSON.parse((await runCli(['ls', '--json', '--home', tHome])).stdout).length, 0, 'the deployment that held it is gone')

      // no deployment holds it any more: the farmer must be named
      const unnamed = await runCli(['contracts', 'cancel', id, '--home', tHome])
      assert.notEqual(unnamed.code, 0)
      assert.match(unnamed.stderr, /no deployment of this twin holds contract .*; name its farmer \(--farmer/)
      const named = await runCli(['contracts', 'cancel', id, '--farmer', farmer.ready.peerId, '--json', '--home', tHome])
      assert.equal(named.code, 0, named.stderr)
      assert.equal(JSON.parse(named.stdout).state, 'cancelled')
      const unknown = await runCli(['contracts', 'cancel', 'ab'.repeat(32), '--farmer', farmer.ready.peerId, '--home', tHome])
      assert.notEqual(unknown.code, 0)
      assert.match(unknown.stderr, /has no contract abab/)

      // a deployment whose farmer is gone: rm says so and points at --force, which forgets it here
      await writeFile(file, volumeSpecYaml('gone'))
      const gone = await runCli(['deploy', '--json', '--home', tHome, file])
      assert.equal(gone.code, 0, gone.stderr)
      const goneId = JSON.parse(gone.stdout).contractId
      await farmer.stop()
      const refused = await runCli(['rm', 'gone', '--home', tHome])
      assert.notEqual(refused.code, 0)
      assert.match(refused.stderr, new RegExp(`farmer ${farmer.ready.peerId} did not answer .*p2pcloud rm --force gone forgets the deployment here`))
      const forced = await runCli(['rm', 'gone', '--force', '--home', tHome])
      assert.equal(forced.code, 0, forced.stderr)
      assert.match(forced.stdout, new RegExp(`forgot gone: farmer ${farmer.ready.peerId} did not answer .*forgotten here: it may hold contract ${goneId} until its lease ends \\(cancelled if it answers before\\)`))
      assert.equal(JSON.parse((await runCli(['ls', '--json', '--home', tHome])).stdout).length, 0)
      const listed = await runCli(['ls', '--home', tHome])
      assert.match(listed.stdout, new RegExp(`^no deployments\\npending: contract ${goneId} on farmer ${farmer.ready.peerId} \\(for "gone"\\), not confirmed; cancelled once the farmer answers, forgotten after \\d{4}-`))

      // its contract stays a pending reservation of the twin: cancelled once the farmer is back
      farmer = await spawnDaemon(fHome, { args: ['--bootstrap', twin.ready.addresses[0]] })
      await waitFor('the twin to cancel the forgotten deployment\'s contract', async () => (await ledger(fHome)).find(c => c.id === goneId)?.state === 'cancelled', 60_000, 1000)
    } finally {
      await twin.stop()
      await farmer.stop()
    }
  })
})
