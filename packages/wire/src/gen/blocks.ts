import { decodeMessage, encodeMessage, MaxLengthError, message, streamMessage } from 'protons-runtime'
import { alloc as uint8ArrayAlloc } from 'uint8arrays/alloc'
import type { Codec, DecodeOptions } from 'protons-runtime'
import type { Uint8ArrayList } from 'uint8arraylist'

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

export interface BlockRequest {
  cids: Uint8Array<ArrayBuffer>[]
}

export namespace BlockRequest {
  let _codec: Codec<BlockRequest>

  export const codec = (): Codec<BlockRequest> => {
    if (_codec == null) {
      _codec = message<BlockRequest>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if (obj.cids != null && obj.cids.length > 0) {
          for (const value of obj.cids) {
            w.uint32(10)
            w.bytes(value)
          }
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          cids: []
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              if (opts.limits?.cids != null && obj.cids.length === opts.limits.cids) {
                throw new MaxLengthError('Decode error - repeated field "cids" had too many elements')
              }

              obj.cids.push(reader.bytes())
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
        const obj = {
          cids: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              if (opts.limits?.cids != null && obj.cids === opts.limits.cids) {
                throw new MaxLengthError('Streaming decode error - repeated field "cids" had too many elements')
              }

              yield {
                field: `${prefix}.cids[]`,
                index: obj.cids,
                value: reader.bytes()
              }

              obj.cids++

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

  export interface BlockRequestCidsFieldEvent {
    field: '$.cids[]'
    index: number
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<BlockRequest>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, BlockRequest.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<BlockRequest>): BlockRequest {
    return decodeMessage(buf, BlockRequest.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<BlockRequest>): Generator<BlockRequestCidsFieldEvent> {
    return streamMessage(buf, BlockRequest.codec(), opts)
  }
}

export interface BlockResponse {
  error?: Error
  cid: Uint8Array<ArrayBuffer>
  data: Uint8Array<ArrayBuffer>
  missing: boolean
}

export namespace BlockResponse {
  let _codec: Codec<BlockResponse>

  export const codec = (): Codec<BlockResponse> => {
    if (_codec == null) {
      _codec = message<BlockResponse>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if (obj.error != null) {
          w.uint32(10)
          Error.codec().encode(obj.error, w)
        }

        if ((obj.cid != null && obj.cid.byteLength > 0)) {
          w.uint32(18)
          w.bytes(obj.cid)
        }

        if ((obj.data != null && obj.data.byteLength > 0)) {
          w.uint32(26)
          w.bytes(obj.data)
        }

        if ((obj.missing != null && obj.missing !== false)) {
          w.uint32(32)
          w.bool(obj.missing)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          cid: uint8ArrayAlloc(0),
          data: uint8ArrayAlloc(0),
          missing: false
        }

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
            case 2: {
              obj.cid = reader.bytes()
              break
            }
            case 3: {
              obj.data = reader.bytes()
              break
            }
            case 4: {
              obj.missing = reader.bool()
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
            case 2: {
              yield {
                field: `${prefix}.cid`,
                value: reader.bytes()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.data`,
                value: reader.bytes()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.missing`,
                value: reader.bool()
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

  export interface BlockResponseErrorCodeFieldEvent {
    field: '$.error.code'
    value: string
  }

  export interface BlockResponseErrorMessageFieldEvent {
    field: '$.error.message'
    value: string
  }

  export interface BlockResponseErrorRetryAfterMsFieldEvent {
    field: '$.error.retryAfterMs'
    value: number
  }

  export interface BlockResponseCidFieldEvent {
    field: '$.cid'
    value: Uint8Array<ArrayBuffer>
  }

  export interface BlockResponseDataFieldEvent {
    field: '$.data'
    value: Uint8Array<ArrayBuffer>
  }

  export interface BlockResponseMissingFieldEvent {
    field: '$.missing'
    value: boolean
  }

  export function encode (obj: Partial<BlockResponse>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, BlockResponse.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<BlockResponse>): BlockResponse {
    return decodeMessage(buf, BlockResponse.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<BlockResponse>): Generator<BlockResponseErrorCodeFieldEvent | BlockResponseErrorMessageFieldEvent | BlockResponseErrorRetryAfterMsFieldEvent | BlockResponseCidFieldEvent | BlockResponseDataFieldEvent | BlockResponseMissingFieldEvent> {
    return streamMessage(buf, BlockResponse.codec(), opts)
  }
}
