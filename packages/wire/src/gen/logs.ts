import { decodeMessage, encodeMessage, enumeration, MaxLengthError, message, streamMessage } from 'protons-runtime'
import { alloc as uint8ArrayAlloc } from 'uint8arrays/alloc'
import type { Codec, DecodeOptions } from 'protons-runtime'
import type { Uint8ArrayList } from 'uint8arraylist'

export interface LogsRequest {
  contractId: Uint8Array<ArrayBuffer>
  workload: string
  follow: boolean
  tailBytes: number
}

export namespace LogsRequest {
  let _codec: Codec<LogsRequest>

  export const codec = (): Codec<LogsRequest> => {
    if (_codec == null) {
      _codec = message<LogsRequest>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.contractId != null && obj.contractId.byteLength > 0)) {
          w.uint32(10)
          w.bytes(obj.contractId)
        }

        if ((obj.workload != null && obj.workload !== '')) {
          w.uint32(18)
          w.string(obj.workload)
        }

        if ((obj.follow != null && obj.follow !== false)) {
          w.uint32(24)
          w.bool(obj.follow)
        }

        if ((obj.tailBytes != null && obj.tailBytes !== 0)) {
          w.uint32(32)
          w.uint32(obj.tailBytes)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          contractId: uint8ArrayAlloc(0),
          workload: '',
          follow: false,
          tailBytes: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.contractId = reader.bytes()
              break
            }
            case 2: {
              obj.workload = reader.string()
              break
            }
            case 3: {
              obj.follow = reader.bool()
              break
            }
            case 4: {
              obj.tailBytes = reader.uint32()
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
                field: `${prefix}.contractId`,
                value: reader.bytes()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.workload`,
                value: reader.string()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.follow`,
                value: reader.bool()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.tailBytes`,
                value: reader.uint32()
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

  export interface LogsRequestContractIdFieldEvent {
    field: '$.contractId'
    value: Uint8Array<ArrayBuffer>
  }

  export interface LogsRequestWorkloadFieldEvent {
    field: '$.workload'
    value: string
  }

  export interface LogsRequestFollowFieldEvent {
    field: '$.follow'
    value: boolean
  }

  export interface LogsRequestTailBytesFieldEvent {
    field: '$.tailBytes'
    value: number
  }

  export function encode (obj: Partial<LogsRequest>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, LogsRequest.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<LogsRequest>): LogsRequest {
    return decodeMessage(buf, LogsRequest.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<LogsRequest>): Generator<LogsRequestContractIdFieldEvent | LogsRequestWorkloadFieldEvent | LogsRequestFollowFieldEvent | LogsRequestTailBytesFieldEvent> {
    return streamMessage(buf, LogsRequest.codec(), opts)
  }
}

export enum LogStream {
  STDOUT = 'STDOUT',
  STDERR = 'STDERR'
}

enum __LogStreamValues {
  STDOUT = 0,
  STDERR = 1
}

export namespace LogStream {
  export const codec = (): Codec<LogStream> => {
    return enumeration<LogStream>(__LogStreamValues)
  }
}

export interface LogChunk {
  atMs: number
  stream: LogStream
  data: Uint8Array<ArrayBuffer>
}

export namespace LogChunk {
  let _codec: Codec<LogChunk>

  export const codec = (): Codec<LogChunk> => {
    if (_codec == null) {
      _codec = message<LogChunk>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.atMs != null && obj.atMs !== 0)) {
          w.uint32(8)
          w.uint64Number(obj.atMs)
        }

        if (obj.stream != null && __LogStreamValues[obj.stream] !== 0) {
          w.uint32(16)
          LogStream.codec().encode(obj.stream, w)
        }

        if ((obj.data != null && obj.data.byteLength > 0)) {
          w.uint32(26)
          w.bytes(obj.data)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          atMs: 0,
          stream: LogStream.STDOUT,
          data: uint8ArrayAlloc(0)
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.atMs = reader.uint64Number()
              break
            }
            case 2: {
              obj.stream = LogStream.codec().decode(reader)
              break
            }
            case 3: {
              obj.data = reader.bytes()
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
                field: `${prefix}.atMs`,
                value: reader.uint64Number()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.stream`,
                value: LogStream.codec().decode(reader)
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

  export interface LogChunkAtMsFieldEvent {
    field: '$.atMs'
    value: number
  }

  export interface LogChunkStreamFieldEvent {
    field: '$.stream'
    value: LogStream
  }

  export interface LogChunkDataFieldEvent {
    field: '$.data'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<LogChunk>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, LogChunk.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<LogChunk>): LogChunk {
    return decodeMessage(buf, LogChunk.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<LogChunk>): Generator<LogChunkAtMsFieldEvent | LogChunkStreamFieldEvent | LogChunkDataFieldEvent> {
    return streamMessage(buf, LogChunk.codec(), opts)
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

export interface LogsResponse {
  error?: Error
  chunks: LogChunk[]
}

export namespace LogsResponse {
  let _codec: Codec<LogsResponse>

  export const codec = (): Codec<LogsResponse> => {
    if (_codec == null) {
      _codec = message<LogsResponse>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if (obj.error != null) {
          w.uint32(10)
          Error.codec().encode(obj.error, w)
        }

        if (obj.chunks != null && obj.chunks.length > 0) {
          for (const value of obj.chunks) {
            w.uint32(18)
            LogChunk.codec().encode(value, w)
          }
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          chunks: []
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
              if (opts.limits?.chunks != null && obj.chunks.length === opts.limits.chunks) {
                throw new MaxLengthError('Decode error - repeated field "chunks" had too many elements')
              }

              obj.chunks.push(LogChunk.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.chunks$
              }))
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
          chunks: 0
        }

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
              if (opts.limits?.chunks != null && obj.chunks === opts.limits.chunks) {
                throw new MaxLengthError('Streaming decode error - repeated field "chunks" had too many elements')
              }

              for (const evt of LogChunk.codec().stream(reader, reader.uint32(), `${prefix}.chunks[]`, {
                limits: opts.limits?.chunks$
              })) {
                yield {
                  ...evt,
                  index: obj.chunks
                }
              }

              obj.chunks++

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

  export interface LogsResponseErrorCodeFieldEvent {
    field: '$.error.code'
    value: string
  }

  export interface LogsResponseErrorMessageFieldEvent {
    field: '$.error.message'
    value: string
  }

  export interface LogsResponseErrorRetryAfterMsFieldEvent {
    field: '$.error.retryAfterMs'
    value: number
  }

  export interface LogsResponseChunksAtMsFieldEvent {
    field: '$.chunks[].atMs'
    value: number
    index: number
  }

  export interface LogsResponseChunksStreamFieldEvent {
    field: '$.chunks[].stream'
    value: LogStream
    index: number
  }

  export interface LogsResponseChunksDataFieldEvent {
    field: '$.chunks[].data'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export function encode (obj: Partial<LogsResponse>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, LogsResponse.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<LogsResponse>): LogsResponse {
    return decodeMessage(buf, LogsResponse.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<LogsResponse>): Generator<LogsResponseErrorCodeFieldEvent | LogsResponseErrorMessageFieldEvent | LogsResponseErrorRetryAfterMsFieldEvent | LogsResponseChunksAtMsFieldEvent | LogsResponseChunksStreamFieldEvent | LogsResponseChunksDataFieldEvent> {
    return streamMessage(buf, LogsResponse.codec(), opts)
  }
}
