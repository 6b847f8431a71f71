/**
 * Errors raised while preparing or running a peer. Callers branch on `name`,
 * never on the message, which is written for people. `kind` says what sort of failure
 * it is (ErrorKind of @p2pcloud/api, which answers it with an HTTP status).
 */

/** `config.json` is missing, unreadable, not JSON, or fails validation. */
export class ConfigError extends Error {
  override name = 'ConfigError'
  readonly kind = 'invalid'
}

/** The identity key file is missing, unreadable, too widely readable or not a key. */
export class KeyFileError extends Error {
  override name = 'KeyFileError'
}

/** Another daemon holds the lock on this home. */
export class HomeLockedError extends Error {
  override name = 'HomeLockedError'
}

/** The home directory does not exist or has not been initialised. */
export class HomeNotInitialisedError extends Error {
  override name = 'HomeNotInitialisedError'
}

/** `init` was asked to create a home that already holds an identity. */
export class HomeExistsError extends Error {
  override name = 'HomeExistsError'
}

/** A multiaddr given by a person or a file does not parse or lacks a required part. */
export class InvalidMultiaddrError extends Error {
  override name = 'InvalidMultiaddrError'
  readonly kind = 'invalid'
}

/** A name that was to become one component of a path on this machine could leave its directory or is no plain name. */
export class UnsafeNameError extends Error {
  override name = 'UnsafeNameError'
  constructor (readonly unsafeName: string, problem: string) {
    super(`${JSON.stringify(unsafeName.length > 80 ? `${unsafeName.slice(0, 80)}…` : unsafeName)} cannot name a file or directory: it ${problem}`)
  }
}
