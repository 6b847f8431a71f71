import { ClientHelloError } from './errors.js'

const RECORD_HEADER_BYTES = 5
const CONTENT_TYPE_HANDSHAKE = 22
const HANDSHAKE_CLIENT_HELLO = 1
const HANDSHAKE_HEADER_BYTES = 4
const EXTENSION_SERVER_NAME = 0
const SERVER_NAME_HOST = 0
/** RFC 8446 §5.1: a record's plaintext is at most 2^14 bytes. */
const MAX_RECORD_BYTES = 16_384

/** What the bytes read so far on the TLS port tell. */
export type ClientHelloProgress =
  | { complete: false }
  | { complete: true, serverName: string | undefined }

/**
 * Reads the server name (SNI) from the ClientHello at the start of `bytes`, which may span several
 * TLS records and may not all have arrived yet. A ClientHello whose records take more than
 * `maxBytes` (known from the first record header that crosses it), or anything
 * that is not a well-formed ClientHello, is a ClientHelloError. The bytes are not consumed: the
 * caller hands them on unchanged (passthrough) or to its own TLS (termination).
 */
export function readClientHello (bytes: Uint8Array, maxBytes: number): ClientHelloProgress {
  const handshake = handshakeBytes(bytes, maxBytes)
  if (handshake == null || handshake.length < HANDSHAKE_HEADER_BYTES) return { complete: false }
  if (handshake[0] !== HANDSHAKE_CLIENT_HELLO) throw new ClientHelloError(`the first handshake message is of type ${handshake[0]}, not a ClientHello`)
  const length = (handshake[1] << 16) | (handshake[2] << 8) | handshake[3]
  if (length + HANDSHAKE_HEADER_BYTES > maxBytes) throw new ClientHelloError(`a ClientHello of ${length} bytes is over the limit of ${maxBytes} bytes`)
  if (handshake.length < HANDSHAKE_HEADER_BYTES + length) return { complete: false }
  return { complete: true, serverName: serverNameOf(new Reader(handshake.subarray(HANDSHAKE_HEADER_BYTES, HANDSHAKE_HEADER_BYTES + length))) }
}

/** The handshake bytes of the complete records at the start of `bytes`, joined; undefined when there are none yet. */
function handshakeBytes (bytes: Uint8Array, maxBytes: number): Uint8Array | undefined {
  const fragments: Uint8Array[] = []
  let offset = 0
  while (offset + RECORD_HEADER_BYTES <= bytes.length) {
    if (bytes[offset] !== CONTENT_TYPE_HANDSHAKE) throw new ClientHelloError(`a record of content type ${bytes[offset]} where a handshake record was expected (not TLS?)`)
    const length = (bytes[offset + 3] << 8) | bytes[offset + 4]
    if (length === 0 || length > MAX_RECORD_BYTES) throw new ClientHelloError(`a handshake record of ${length} bytes`)
    if (offset + RECORD_HEADER_BYTES + length > maxBytes) throw new ClientHelloError(`a ClientHello of more than ${maxBytes} bytes is over the limit`)
    if (offset + RECORD_HEADER_BYTES + length > bytes.length) break
    fragments.push(bytes.subarray(offset + RECORD_HEADER_BYTES, offset + RECORD_HEADER_BYTES + length))
    offset += RECORD_HEADER_BYTES + length
  }
  if (fragments.length === 0) return undefined
  return fragments.length === 1 ? fragments[0] : Buffer.concat(fragments)
}

/** RFC 8446 §4.1.2 ClientHello, down to RFC 6066 §3 server_name; undefined when the client sent none. */
function serverNameOf (hello: Reader): string | undefined {
  hello.skip(2 + 32) // legacy_version, random
  hello.skip(hello.u8()) // legacy_session_id
  hello.skip(hello.u16()) // cipher_suites
  hello.skip(hello.u8()) // legacy_compression_methods
  if (hello.remaining() === 0) return undefined // no extensions at all
  const extensions = hello.sub(hello.u16())
  while (extensions.remaining() > 0) {
    const type = extensions.u16()
    const data = extensions.sub(extensions.u16())
    if (type !== EXTENSION_SERVER_NAME) continue
    const list = data.sub(data.u16())
    while (list.remaining() > 0) {
      const nameType = list.u8()
      const name = list.take(list.u16())
      if (nameType === SERVER_NAME_HOST) return Buffer.from(name).toString('latin1')
    }
    return undefined
  }
  return undefined
}

/** Bounds-checked reads over a byte range: running past its end is a ClientHelloError, never garbage. */
class Reader {
  private offset = 0
  constructor (private readonly bytes: Uint8Array) {}

  remaining (): number {
    return this.bytes.length - this.offset
  }

  take (count: number): Uint8Array {
    if (count > this.remaining()) throw new ClientHelloError('the ClientHello is truncated: a field runs past its end')
    const part = this.bytes.subarray(this.offset, this.offset + count)
    this.offset += count
    return part
  }

  skip (count: number): void {
    this.take(count)
  }

  sub (count: number): Reader {
    return new Reader(this.take(count))
  }

  u8 (): number {
    return this.take(1)[0]
  }

  u16 (): number {
    const b = this.take(2)
    return (b[0] << 8) | b[1]
  }
}
