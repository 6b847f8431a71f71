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

/** Errors of ours whose `name` says the caller gave something wrong. */
const CALLER_ERRORS = new Set(['InvalidMultiaddrError', 'ConfigError'])

/** Map any thrown value onto the status and body the API sends. */
export function toApiError (err: any): ApiError {
  if (err instanceof ApiError) return err
  const name = typeof err?.name === 'string' && err.name !== 'Error' ? err.name : 'InternalError'
  const message = typeof err?.message === 'string' ? err.message : String(err)
  if (CALLER_ERRORS.has(name)) return new ApiError(400, name, message)
  // a failed dial, a timeout: the peer worked but the network said no
  return new ApiError(502, name, message)
}

/**
 * Runs a route's work and answers errors of the given names with their HTTP status (the
 * message as is); anything else keeps toApiError's mapping.
 */
export function answeringWith (statusOf: Record<string, number>): <T>(work: () => Promise<T>) => Promise<T> {
  return async work => {
    try {
      return await work()
    } catch (err: any) {
      const status = statusOf[err?.name]
      if (status != null) throw new ApiError(status, err.name, err.message)
      throw err
    }
  }
}
