/** Dotted keys (`farmer.capacity.mru`) into a config object, and values typed on a command line. */

type Json = null | boolean | number | string | Json[] | { [key: string]: Json }

function isObject (value: unknown): value is Record<string, Json> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** The key's parts; an empty part (`farmer..farm`) is refused by name. */
export function keyParts (key: string): string[] {
  const parts = key.split('.')
  if (parts.some(part => part === '')) throw new Error(`"${key}" is not a config key; write dotted names such as farmer.capacity.mru`)
  return parts
}

/**
 * The value at `key` in `config`; an unknown key is an error listing the keys there are at the
 * level it went wrong (so that a typo is one look away from its fix).
 */
export function getKey (config: unknown, key: string): Json {
  let value: unknown = config
  const parts = keyParts(key)
  parts.forEach((part, i) => {
    const at = parts.slice(0, i).join('.')
    if (!isObject(value) || !(part in value)) {
      const known = isObject(value) ? Object.keys(value).join(', ') : undefined
      throw new Error(`config.json has no key ${key}${known != null ? `; the keys ${at !== '' ? `under ${at}` : 'at the top'} are ${known}` : `: ${at} is not a section`}`)
    }
    value = value[part]
  })
  return value as Json
}

/** `config` with `value` at `key`, sections made on the way; the schema judges the result. */
export function setKey (config: Record<string, Json>, key: string, value: Json): Record<string, Json> {
  const parts = keyParts(key)
  const copy = structuredClone(config)
  let section: Record<string, Json> = copy
  for (const part of parts.slice(0, -1)) {
    const next = section[part]
    if (next !== undefined && !isObject(next)) throw new Error(`cannot set ${key}: ${part} holds ${JSON.stringify(next)}, not a section`)
    section[part] ??= {}
    section = section[part] as Record<string, Json>
  }
  section[parts[parts.length - 1]] = value
  return copy
}

/**
 * A value typed on the command line, read as the key's current value is typed: JSON when it
 * parses (`true`, `8`, `null`, `["zdb"]`), text where the key holds text (a farm named `123`
 * stays text), and `a,b` as a list where the key holds a list.
 */
export function parseValue (text: string, current: Json | undefined): Json {
  let parsed: Json | undefined
  try {
    parsed = JSON.parse(text)
  } catch {
    // not JSON: text
  }
  if (typeof current === 'string' && typeof parsed !== 'string') return text
  if (Array.isArray(current) && !Array.isArray(parsed)) return text.split(',').map(item => item.trim()).filter(item => item !== '')
  return parsed ?? text
}
