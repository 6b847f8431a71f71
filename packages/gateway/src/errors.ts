/** A name that is not a DNS hostname we accept (LDH labels, at most 253 bytes). */
export class InvalidHostnameError extends Error {
  override name = 'InvalidHostnameError'
  constructor (readonly hostname: string, reason: string) {
    super(`"${hostname.slice(0, 80)}" is not a valid hostname: ${reason}`)
  }
}

/** The bytes on the TLS port are not a ClientHello we can read, or are too many. */
export class ClientHelloError extends Error {
  override name = 'ClientHelloError'
}

/** An ACME order for a name failed; `cause` holds the ACME server's or the network's error. */
export class CertificateOrderError extends Error {
  override name = 'CertificateOrderError'
  constructor (readonly hostname: string, cause: unknown) {
    super(`could not obtain a certificate for ${hostname}: ${(cause as Error)?.message ?? String(cause)}`, { cause })
  }
}

/** The backend did not accept a connection in time. */
export class BackendTimeoutError extends Error {
  override name = 'BackendTimeoutError'
  constructor (readonly timeoutMs: number) {
    super(`the backend did not accept a connection within ${timeoutMs} ms`)
  }
}

/** The backend could not be reached; `reason` is safe to show a client (no addresses). */
export class BackendUnreachableError extends Error {
  override name = 'BackendUnreachableError'
  constructor (readonly reason: string, cause?: unknown) {
    super(reason, { cause })
  }
}
