import { decodeMessage, encodeMessage, message, streamMessage } from 'protons-runtime'
import { alloc as uint8ArrayAlloc } from 'uint8arrays/alloc'
import type { Codec, DecodeOptions } from 'protons-runtime'
import type { Uint8ArrayList } from 'uint8arraylist'

export interface RelayOpen {
  networkId: Uint8Array<ArrayBuffer>
  publicKey: Uint8Array<ArrayBuffer>
}

export namespace RelayOpen {
  let _codec: Codec<RelayOpen>

  export const codec = (): Codec<RelayOpen> => {
    if (_codec == null) {
      _codec = message<RelayOpen>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.networkId != null && obj.networkId.byteLength > 0)) {
          w.uint32(10)
          w.bytes(obj.networkId)
        }

        if ((obj.publicKey != null && obj.publicKey.byteLength > 0)) {
          w.uint32(18)
          w.bytes(obj.publicKey)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          networkId: uint8ArrayAlloc(0),
          publicKey: uint8ArrayAlloc(0)
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.networkId = reader.bytes()
              break
            }
            case 2: {
              obj.publicKey = reader.bytes()
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.networkId`,
                value: reader.bytes()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.publicKey`,
                value: reader.bytes()
              }
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface RelayOpenNetworkIdFieldEvent {
    field: '$.networkId'
    value: Uint8Array<ArrayBuffer>
  }

  export interface RelayOpenPublicKeyFieldEvent {
    field: '$.publicKey'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<RelayOpen>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, RelayOpen.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<RelayOpen>): RelayOpen {
    return decodeMessage(buf, RelayOpen.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<RelayOpen>): Generator<RelayOpenNetworkIdFieldEvent | RelayOpenPublicKeyFieldEvent> {
    return streamMessage(buf, RelayOpen.codec(), opts)
  }
}

export interface Error {
  code: string
  message: string
  retryAfterMs: number
}

export namespace Error {
  let _codec: Codec<Error>

  export const codec = (): Codec<Error> => {
    if (_codec == null) {
      _codec = message<Error>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.code != null && obj.code !== '')) {
          w.uint32(10)
          w.string(obj.code)
        }

        if ((obj.message != null && obj.message !== '')) {
          w.uint32(18)
          w.string(obj.message)
        }

        if ((obj.retryAfterMs != null && obj.retryAfterMs !== 0)) {
          w.uint32(24)
          w.uint64Number(obj.retryAfterMs)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          code: '',
          message: '',
          retryAfterMs: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.code = reader.string()
              break
            }
            case 2: {
              obj.message = reader.string()
              break
            }
            case 3: {
              obj.retryAfterMs = reader.uint64Number()
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.code`,
                value: reader.string()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.message`,
                value: reader.string()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.retryAfterMs`,
                value: reader.uint64Number()
              }
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface ErrorCodeFieldEvent {
    field: '$.code'
    value: string
  }

  export interface ErrorMessageFieldEvent {
    field: '$.message'
    value: string
  }

  export interface ErrorRetryAfterMsFieldEvent {
    field: '$.retryAfterMs'
    value: number
  }

  export function encode (obj: Partial<Error>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, Error.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Error>): Error {
    return decodeMessage(buf, Error.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Error>): Generator<ErrorCodeFieldEvent | ErrorMessageFieldEvent | ErrorRetryAfterMsFieldEvent> {
    return streamMessage(buf, Error.codec(), opts)
  }
}

export interface RelayAccept {
  error?: Error
}

export namespace RelayAccept {
  let _codec: Codec<RelayAccept>

  export const codec = (): Codec<RelayAccept> => {
    if (_codec == null) {
      _codec = message<RelayAccept>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if (obj.error != null) {
          w.uint32(10)
          Error.codec().encode(obj.error, w)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {}

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.error = Error.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.error
              })
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield * Error.codec().stream(reader, reader.uint32(), `${prefix}.error`, {
                limits: opts.limits?.error
              })

              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface RelayAcceptErrorCodeFieldEvent {
    field: '$.error.code'
    value: string
  }

  export interface RelayAcceptErrorMessageFieldEvent {
    field: '$.error.message'
    value: string
  }

  export interface RelayAcceptErrorRetryAfterMsFieldEvent {
    field: '$.error.retryAfterMs'
    value: number
  }

  export function encode (obj: Partial<RelayAccept>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, RelayAccept.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<RelayAccept>): RelayAccept {
    return decodeMessage(buf, RelayAccept.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<RelayAccept>): Generator<RelayAcceptErrorCodeFieldEvent | RelayAcceptErrorMessageFieldEvent | RelayAcceptErrorRetryAfterMsFieldEvent> {
    return streamMessage(buf, RelayAccept.codec(), opts)
  }
}
