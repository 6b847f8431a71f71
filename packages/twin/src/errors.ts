/**
 * The ways a twin operation fails. Callers branch on `name` (part of the HTTP API's error body,
 * so some read without the `Error` suffix: they were named so before they were classes); the
 * message says why in people's words. `kind` says what sort of failure it is (ErrorKind of
 * @p2pcloud/api, which answers it with an HTTP status); an error of no kind is the network's or
 * a farmer's doing.
 */

/** Deploy or pool creation under a name this twin already holds. */
export class DeploymentExistsError extends Error {
  override name = 'DeploymentExists'
  readonly kind = 'conflict'
}

/** No deployment of this twin has the name asked for. */
export class DeploymentNotFoundError extends Error {
  override name = 'DeploymentNotFound'
  readonly kind = 'not-found'
}

/** A container or zdb namespace the deployment does not have, or none named when it has several. */
export class WorkloadNotFoundError extends Error {
  override name = 'WorkloadNotFound'
  readonly kind = 'not-found'
}

/** No contract of this twin (or of the farmer named) has the id asked for. */
export class ContractNotFoundError extends Error {
  override name = 'ContractNotFound'
  readonly kind = 'not-found'
}

/** No storage pool of this twin has the name asked for. */
export class PoolNotFoundError extends Error {
  override name = 'PoolNotFound'
  readonly kind = 'not-found'
}

/** No farmer known to this twin offers what a deployment or pool needs. */
export class NoMatchingFarmerError extends Error {
  override name = 'NoMatchingFarmer'
  readonly kind = 'conflict'
}

/** Update of a deployment whose farmer never confirmed it; PendingError is the deploy that left one so. */
export class DeploymentPendingError extends Error {
  override name = 'DeploymentPending'
  readonly kind = 'conflict'
}

/**
 * `rm` of a deployment whose farmer does not answer: nothing was removed; `rm --force` forgets it
 * here (its contract is kept as a pending reservation, cancelled once the farmer answers).
 */
export class FarmerNotAnsweringError extends Error {
  override name = 'FarmerNotAnswering'
}

/** A probed farmer has too little free capacity right now: placement moves on to the next. */
export class NoCapacityError extends Error {
  override name = 'NoCapacityError'
}

/** A workload ended in `error` at its farmer; the message is the farmer's. */
export class DeployFailedError extends Error {
  override name = 'DeployFailed'
}

/** The farmer did not settle every workload within the deploy's wait. */
export class DeployTimeoutError extends Error {
  override name = 'DeployTimeout'
}

/** No private network of this twin has the name asked for. */
export class NetworkNotFoundError extends Error {
  override name = 'NetworkNotFound'
  readonly kind = 'not-found'
}

/** `network create` under a name this twin already holds. */
export class NetworkExistsError extends Error {
  override name = 'NetworkExists'
  readonly kind = 'conflict'
}

/** `network rm` of a network that deployments still use (or machines joined), without --force. */
export class NetworkInUseError extends Error {
  override name = 'NetworkInUse'
  readonly kind = 'conflict'
}

/** A network's name, range or a container's address in it is not valid. */
export class NetworkSpecError extends Error {
  override name = 'NetworkSpecError'
  readonly kind = 'invalid'
}

/** A network has no /24 left for a new member, or a member's /24 no address for a container. */
export class NetworkFullError extends Error {
  override name = 'NetworkFull'
  readonly kind = 'conflict'
}

/** A live `network join` on a daemon that cannot run a WireGuard member (not root, no wg, a farmer of networks): the message says what is missing. */
export class NetworkUnavailableError extends Error {
  override name = 'NetworkUnavailable'
  readonly kind = 'conflict'
}

/** `renew` with a lease that would end before the current one, without saying to shorten it. */
export class LeaseWouldShortenError extends Error {
  override name = 'LeaseWouldShorten'
  readonly kind = 'conflict'
}

/** `update` to workloads that need more than the deployment's contract holds: a contract cannot grow. */
export class ContractTooSmallError extends Error {
  override name = 'ContractTooSmall'
  readonly kind = 'conflict'
}

/** A put into a storage pool whose namespaces have no room left for it. */
export class PoolFullError extends Error {
  override name = 'PoolFull'
  readonly kind = 'conflict'
}

/** `rm` of a deployment that is a namespace of a storage pool: the pool is removed as a whole. */
export class PoolMemberError extends Error {
  override name = 'PoolMember'
  readonly kind = 'conflict'
}

/** A pool that is growing: its objects are being moved, so they are not used meanwhile. */
export class PoolBusyError extends Error {
  override name = 'PoolBusy'
  readonly kind = 'conflict'
}
