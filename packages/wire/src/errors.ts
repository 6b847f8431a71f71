/**
 * The codes every protocol's error table starts from (protocols/README.md §6.1).
 * Over the wire an error is `{code, message}`; the message is the responder's
 * own words, shown to the user as is.
 */
export const ErrorCodes = {
  BAD_REQUEST: 'BAD_REQUEST',
  UNAUTHORIZED: 'UNAUTHORIZED',
  NOT_FOUND: 'NOT_FOUND',
  CONFLICT: 'CONFLICT',
  RATE_LIMITED: 'RATE_LIMITED',
  TOO_LARGE: 'TOO_LARGE',
  UNSUPPORTED_VERSION: 'UNSUPPORTED_VERSION',
  UNAVAILABLE: 'UNAVAILABLE',
  INTERNAL: 'INTERNAL'
} as const

/** Longest error message a responder sends (bytes of UTF-8). */
export const MAX_ERROR_MESSAGE_BYTES = 1024

/** Error codes are UPPER_SNAKE_CASE; anything else from a peer is shown as INVALID_CODE. */
export function wireCode (code: string): string {
  return /^[A-Z][A-Z0-9_]{0,63}$/.test(code) ? code : 'INVALID_CODE'
}

/** An error answered by a remote peer: `code` for programs, `message` in the remote's words. */
export class RemoteError extends Error {
  override name = 'RemoteError'
  constructor (readonly code: string, readonly remoteMessage: string, readonly peer: string, readonly protocol: string, readonly retryAfterMs = 0) {
    super(`${peer} on ${protocol}: ${code}: ${remoteMessage}`)
  }
}

/** The call ended without an answer: EOF, reset or timeout. Never silent (protocols/README.md §4.2). */
export class NoAnswerError extends Error {
  override name = 'NoAnswerError'
  constructor (readonly peer: string, readonly protocol: string, reason: string) {
    super(`no answer from ${peer} on ${protocol}: ${reason}`)
  }
}

/**
 * Trim a message to the wire limit and replace control characters (C0, DEL
 * and C1: they must never reach a terminal). Applied to what we send and to
 * what we receive, since a hostile peer would not apply it.
 */
export function wireMessage (text: string): string {
  // eslint-disable-next-line no-control-regex
  const clean = text.replace(/[\u0000-\u001f\u007f-\u009f]/g, ' ')
  const bytes = new TextEncoder().encode(clean)
  if (bytes.byteLength <= MAX_ERROR_MESSAGE_BYTES) return clean
  return new TextDecoder().decode(bytes.subarray(0, MAX_ERROR_MESSAGE_BYTES - 3)).replace(/\uFFFD$/, '') + '...'
}
