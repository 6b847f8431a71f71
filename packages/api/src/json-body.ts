import type { IncomingMessage } from 'node:http'
import { badRequest, payloadTooLarge } from './errors.js'

/** Request bodies of the local API are small commands; anything larger is refused unread. */
export const MAX_BODY_BYTES = 64 * 1024

/** A request's body as bytes, refused unread past `maxBytes` by its Content-Length and again while it is read. */
export async function readBody (req: IncomingMessage, maxBytes: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? 0)
  if (declared > maxBytes) {
    throw payloadTooLarge(`request body of ${declared} bytes is larger than the limit of ${maxBytes}`)
  }
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of req) {
    size += chunk.length
    if (size > maxBytes) throw payloadTooLarge(`request body is larger than the limit of ${maxBytes} bytes`)
    chunks.push(chunk)
  }
  return Buffer.concat(chunks)
}

export async function readJsonBody (req: IncomingMessage, maxBytes = MAX_BODY_BYTES): Promise<unknown> {
  const text = (await readBody(req, maxBytes)).toString('utf8')
  if (text.trim() === '') throw badRequest('request body is empty; a JSON object was expected')
  try {
    return JSON.parse(text)
  } catch (err: any) {
    throw badRequest(`request body is not valid JSON: ${err.message}`)
  }
}

/** Read a required string field of a JSON object body, with an error naming it. */
export function requireString (body: unknown, field: string): string {
  if (typeof body !== 'object' || body == null || Array.isArray(body)) {
    throw badRequest('request body must be a JSON object')
  }
  const value = (body as Record<string, unknown>)[field]
  if (typeof value !== 'string' || value === '') {
    throw badRequest(`field "${field}" must be a non-empty string`)
  }
  return value
}
