import assert from 'node:assert/strict'
import { stat } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { MemoryDatastore } from 'datastore-core'
import { CapacityAccount } from '@p2pcloud/capacity'
import { Ledger, signProposal } from '@p2pcloud/contracts'
import { deploymentMessages } from '@p2pcloud/wire'
import { tempDir, waitFor } from '@p2pcloud/test-utils'
import { signDeployment, openDeployment } from '../src/deployment-record.js'
import { DriverRegistry } from '../src/drivers.js'
import { followContracts } from '../src/farmer-service.js'
import { loopMountUnavailable } from '../src/loop-filesystem.js'
import { Provisioner } from '../src/provisioner.js'
import { VolumeDriver } from '../src/volume-driver.js'

const HOUR = 3_600_000
const MiB = 2 ** 20

describe('workloads follow their contract\'s lease', { skip: loopMountUnavailable() }, () => {
  it('stopped at expiry, back on renewal, removed when the grace period ends', async () => {
    const farmerKey = await generateKeyPair('Ed25519')
    const twinKey = await generateKeyPair('Ed25519')
    const farmerId = peerIdFromPrivateKey(farmerKey).toString()
    const twinId = peerIdFromPrivateKey(twinKey).toString()
    const clock = { now: Date.UTC(2030, 0, 1) }
    const datastore = new MemoryDatastore()
    const account = new CapacityAccount({ cru: 4, mru: 8 * 2 ** 30, sru: 100 * 2 ** 30, hru: 0, ipv4u: 0 }, datastore)
    const ledger = new Ledger({ datastore, account, farmerId, privateKey: farmerKey, price: { currency: 'TFT', cuHour: 0.1, suHour: 0.05, ipv4Hour: 0.02 }, graceMs: HOUR, now: () => clock.now })
    await ledger.start(60_000)
    const volumesRoot = join(await tempDir('lease'), 'volumes')
    const provisioner = new Provisioner(datastore, new DriverRegistry().register(new VolumeDriver(volumesRoot)), () => clock.now)
    await provisioner.load()
    const unfollow = followContracts(ledger, provisioner)
    try {
      const quote = await ledger.quote(twinId, { cru: 0, mru: 0, sru: 50 * MiB, hru: 0, ipv4u: 0 }, HOUR)
      const contract = await ledger.propose(await signProposal(quote, twinId, clock.now, twinKey), twinId)
      const envelope = await signDeployment({ contractId: contract.id, twin: twinId, name: 'app', version: 1, signedAt: clock.now, workloads: [{ name: 'data', type: 'volume', version: 1, data: deploymentMessages.VolumeData.encode({ size: 10 * MiB }) }] }, twinKey)
      await provisioner.accept(await openDeployment(envelope), envelope)
      const state = (): string | undefined => provisioner.get(contract.id)?.workloads[0].state
      await waitFor('the volume to be ok', () => state() === 'ok')

      clock.now += HOUR
      await ledger.sweep()
      await waitFor('the volume to be stopped at lease expiry', () => state() === 'stopped')
      assert.match(provisioner.get(contract.id)?.workloads[0].message ?? '', /lease expired/)
      assert.ok((await stat(join(volumesRoot, contract.id, 'data'))).isDirectory(), 'its data is kept')

      await ledger.renew(contract.id, HOUR, twinId)
      await waitFor('the renewal to bring it back', () => state() === 'ok')

      clock.now += HOUR
      await ledger.sweep()
      await waitFor('stopped again', () => state() === 'stopped')
      clock.now += HOUR
      await ledger.sweep()
      await waitFor('removed when the grace period ends', () => provisioner.get(contract.id) == null)
      await assert.rejects(stat(join(volumesRoot, contract.id, 'data')), { code: 'ENOENT' })
    } finally {
      unfollow()
      ledger.stop()
    }
  })
})
