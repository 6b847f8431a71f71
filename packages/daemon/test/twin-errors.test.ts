import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { toApiError } from '@p2pcloud/api'
import { InvalidObjectIdError, ObjectNotFoundError, StorageKeyError } from '@p2pcloud/storage'
import { ContractNotFoundError, ContractTooSmallError, DeployFailedError, DeployTimeoutError, DeploymentExistsError, DeploymentNotFoundError, DeploymentPendingError, FarmerNotAnsweringError, InvalidDurationError, LeaseWouldShortenError, NoCapacityError, NoMatchingFarmerError, PendingError, PlacementError, PoolNotFoundError, SpecError, WorkloadNotFoundError } from '@p2pcloud/twin'

describe('twin errors over the API', () => {
  it('each class answers with the name and status the API documents', () => {
    const cases: Array<[Error, string, number]> = [
      [new SpecError('line two', { source: 'app.yaml', line: 2, column: 1 }), 'SpecError', 400],
      [new SpecError('"Bad" is not a pool name'), 'SpecError', 400],
      [new InvalidDurationError('"3x" is not a duration'), 'InvalidDurationError', 400],
      [new InvalidObjectIdError('nope'), 'InvalidObjectIdError', 400],
      [new StorageKeyError('0'.repeat(32), 'the manifest'), 'StorageKeyError', 403],
      [new DeploymentNotFoundError('no deployment named "x"'), 'DeploymentNotFound', 404],
      [new WorkloadNotFoundError('no container named "y"'), 'WorkloadNotFound', 404],
      [new ContractNotFoundError('no contract'), 'ContractNotFound', 404],
      [new PoolNotFoundError('no pool'), 'PoolNotFound', 404],
      [new ObjectNotFoundError('0'.repeat(32), []), 'ObjectNotFoundError', 404],
      [new DeploymentExistsError('exists already'), 'DeploymentExists', 409],
      [new NoMatchingFarmerError('no farmer matches'), 'NoMatchingFarmer', 409],
      [new LeaseWouldShortenError('would end sooner'), 'LeaseWouldShorten', 409],
      [new ContractTooSmallError('cannot grow'), 'ContractTooSmall', 409],
      [new PlacementError('no farmer took it', []), 'PlacementError', 409],
      [new DeploymentPendingError('is pending'), 'DeploymentPending', 409],
      [new PendingError({ name: 'app', farmer: 'f', contractId: 'c', createdAt: 0, dropAfter: 0 }, new Error('no answer')), 'DeploymentPending', 409],
      [new FarmerNotAnsweringError('farmer f did not answer'), 'FarmerNotAnswering', 502],
      [new DeployFailedError('the farmer said no'), 'DeployFailed', 502],
      [new DeployTimeoutError('still in init'), 'DeployTimeout', 502],
      [new NoCapacityError('too little free sru'), 'NoCapacityError', 502]
    ]
    for (const [err, name, status] of cases) {
      const answer = toApiError(err)
      assert.deepEqual({ name: answer.name, status: answer.status, message: answer.message }, { name, status, message: err.message }, err.constructor.name)
    }
  })

  it('a SpecError without a location is its problem alone', () => {
    const err = new SpecError('--data 0 --parity 2: data at least 1')
    assert.equal(err.message, '--data 0 --parity 2: data at least 1')
    assert.equal(err.source, undefined)
  })
})
