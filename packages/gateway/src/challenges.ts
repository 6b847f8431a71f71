/** Answers HTTP-01 challenges on the HTTP port: the key authorization of a token, if it is pending. */
export interface ChallengeResponder {
  keyAuthorization: (token: string) => string | undefined
}

export const CHALLENGE_PATH_PREFIX = '/.well-known/acme-challenge/'
/** Orders in flight at once are few; a bound keeps a stuck ACME server from growing the map. */
export const MAX_PENDING_CHALLENGES = 1024
// RFC 8555 §8.3: a token is base64url; the bound on length is ours.
const TOKEN = /^[A-Za-z0-9_-]{16,256}$/

/** The HTTP-01 tokens of the orders in flight, kept in memory while each is validated. */
export class Http01Challenges implements ChallengeResponder {
  private readonly pending = new Map<string, string>()

  add (token: string, keyAuthorization: string): void {
    if (!TOKEN.test(token)) throw new Error(`the ACME server sent a token that is not base64url of 16 to 256 characters: "${token.slice(0, 40)}"`)
    if (this.pending.size >= MAX_PENDING_CHALLENGES) throw new Error(`${MAX_PENDING_CHALLENGES} HTTP-01 challenges are already pending`)
    this.pending.set(token, keyAuthorization)
  }

  remove (token: string): void {
    this.pending.delete(token)
  }

  keyAuthorization (token: string): string | undefined {
    return TOKEN.test(token) ? this.pending.get(token) : undefined
  }
}
