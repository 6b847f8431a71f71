/**
 * An error with the HTTP status the API answers with. Over HTTP every error is
 * `{"error": {"name", "message"}}`; clients branch on `name`.
 */
export class ApiError extends Error {
  readonly status: number

  constructor (status: number, name: string, message: string) {
    super(message)
    this.status = status
    this.name = name
  }
}

export const unauthorized = (message: string): ApiError => new ApiError(401, 'Unauthorized', message)
export const forbidden = (message: string): ApiError => new ApiError(403, 'Forbidden', message)
export const badRequest = (message: string): ApiError => new ApiError(400, 'BadRequest', message)
export const notFound = (message: string): ApiError => new ApiError(404, 'NotFound', message)
export const methodNotAllowed = (message: string): ApiError => new ApiError(405, 'MethodNotAllowed', message)
export const payloadTooLarge = (message: string): ApiError => new ApiError(413, 'PayloadTooLarge', message)

/**
 * What sort of failure an error is, as its class says in a `kind` property. The packages that
 * throw errors (twin, storage, flist, node) say what went wrong in their own terms and know
 * nothing of HTTP; this module alone turns a kind into a status, so that one table decides
 * every status and a new error class needs no route to know it.
 */
export type ErrorKind = 'invalid' | 'forbidden' | 'not-found' | 'conflict'

const STATUS_OF_KIND: Record<ErrorKind, number> = {
  invalid: 400, // the caller gave something wrong
  forbidden: 403, // not the caller's to have
  'not-found': 404,
  conflict: 409 // the state of things does not allow it now
}

function statusOfKind (kind: unknown): number | undefined {
  return typeof kind === 'string' && Object.hasOwn(STATUS_OF_KIND, kind) ? STATUS_OF_KIND[kind as ErrorKind] : undefined
}

/**
 * Map any thrown value onto the status and body the API sends: the status of its `kind`, and
 * 502 for an error of no kind (a failed dial, a timeout, a farmer's refusal: the peer worked
 * but the network said no).
 */
export function toApiError (err: any): ApiError {
  if (err instanceof ApiError) return err
  const name = typeof err?.name === 'string' && err.name !== 'Error' ? err.name : 'InternalError'
  const message = typeof err?.message === 'string' ? err.message : String(err)
  return new ApiError(statusOfKind(err?.kind) ?? 502, name, message)
}
