import { InvalidHostnameError } from './errors.js'

const MAX_HOSTNAME_BYTES = 253
// RFC 1123 labels: letters, digits and inner hyphens. Nothing else may reach a route key or a path.
const LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/

/** The hostname in its one canonical form (lower case, no trailing dot), or InvalidHostnameError. */
export function parseHostname (input: string): string {
  let name = input.toLowerCase()
  if (name.endsWith('.')) name = name.slice(0, -1)
  if (name.length === 0) throw new InvalidHostnameError(input, 'empty')
  if (name.length > MAX_HOSTNAME_BYTES) throw new InvalidHostnameError(input, `longer than ${MAX_HOSTNAME_BYTES} bytes`)
  for (const label of name.split('.')) {
    if (!LABEL.test(label)) throw new InvalidHostnameError(input, `label "${label.slice(0, 63)}" is not letters, digits and inner hyphens of 1 to 63 bytes`)
  }
  return name
}

/** parseHostname's answer, or undefined for a name that is not a valid hostname (one a client sent). */
export function canonicalHostname (name: string): string | undefined {
  try {
    return parseHostname(name)
  } catch {
    return undefined
  }
}

/** The hostname of a Host header (`name` or `name:port`), or undefined when it is not a valid one. */
export function hostOfHeader (header: string | undefined): string | undefined {
  if (header == null) return undefined
  const match = /^([^:]+)(?::\d{1,5})?$/.exec(header)
  return match == null ? undefined : canonicalHostname(match[1])
}
