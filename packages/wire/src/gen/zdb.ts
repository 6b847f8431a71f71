import { decodeMessage, encodeMessage, enumeration, MaxLengthError, message, streamMessage } from 'protons-runtime'
import { alloc as uint8ArrayAlloc } from 'uint8arrays/alloc'
import type { Codec, DecodeOptions } from 'protons-runtime'
import type { Uint8ArrayList } from 'uint8arraylist'

export enum Op {
  OP_UNSPECIFIED = 'OP_UNSPECIFIED',
  SET = 'SET',
  GET = 'GET',
  DELETE = 'DELETE',
  EXISTS = 'EXISTS',
  SCAN = 'SCAN',
  INFO = 'INFO'
}

enum __OpValues {
  OP_UNSPECIFIED = 0,
  SET = 1,
  GET = 2,
  DELETE = 3,
  EXISTS = 4,
  SCAN = 5,
  INFO = 6
}

export namespace Op {
  export const codec = (): Codec<Op> => {
    return enumeration<Op>(__OpValues)
  }
}

export interface ZdbRequest {
  contractId: Uint8Array<ArrayBuffer>
  namespace: string
  op: Op
  key: Uint8Array<ArrayBuffer>
  value: Uint8Array<ArrayBuffer>
  limit: number
}

export namespace ZdbRequest {
  let _codec: Codec<ZdbRequest>

  export const codec = (): Codec<ZdbRequest> => {
    if (_codec == null) {
      _codec = message<ZdbRequest>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.contractId != null && obj.contractId.byteLength > 0)) {
          w.uint32(10)
          w.bytes(obj.contractId)
        }

        if ((obj.namespace != null && obj.namespace !== '')) {
          w.uint32(18)
          w.string(obj.namespace)
        }

        if (obj.op != null && __OpValues[obj.op] !== 0) {
          w.uint32(24)
          Op.codec().encode(obj.op, w)
        }

        if ((obj.key != null && obj.key.byteLength > 0)) {
          w.uint32(34)
          w.bytes(obj.key)
        }

        if ((obj.value != null && obj.value.byteLength > 0)) {
          w.uint32(42)
          w.bytes(obj.value)
        }

        if ((obj.limit != null && obj.limit !== 0)) {
          w.uint32(48)
          w.uint32(obj.limit)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          contractId: uint8ArrayAlloc(0),
          namespace: '',
          op: Op.OP_UNSPECIFIED,
          key: uint8ArrayAlloc(0),
          value: uint8ArrayAlloc(0),
          limit: 0
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
              obj.namespace = reader.string()
              break
            }
            case 3: {
              obj.op = Op.codec().decode(reader)
              break
            }
            case 4: {
              obj.key = reader.bytes()
              break
            }
            case 5: {
              obj.value = reader.bytes()
              break
            }
            case 6: {
              obj.limit = reader.uint32()
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
                field: `${prefix}.namespace`,
                value: reader.string()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.op`,
                value: Op.codec().decode(reader)
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.key`,
                value: reader.bytes()
              }
              break
            }
            case 5: {
              yield {
                field: `${prefix}.value`,
                value: reader.bytes()
              }
              break
            }
            case 6: {
              yield {
                field: `${prefix}.limit`,
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

  export interface ZdbRequestContractIdFieldEvent {
    field: '$.contractId'
    value: Uint8Array<ArrayBuffer>
  }

  export interface ZdbRequestNamespaceFieldEvent {
    field: '$.namespace'
    value: string
  }

  export interface ZdbRequestOpFieldEvent {
    field: '$.op'
    value: Op
  }

  export interface ZdbRequestKeyFieldEvent {
    field: '$.key'
    value: Uint8Array<ArrayBuffer>
  }

  export interface ZdbRequestValueFieldEvent {
    field: '$.value'
    value: Uint8Array<ArrayBuffer>
  }

  export interface ZdbRequestLimitFieldEvent {
    field: '$.limit'
    value: number
  }

  export function encode (obj: Partial<ZdbRequest>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, ZdbRequest.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<ZdbRequest>): ZdbRequest {
    return decodeMessage(buf, ZdbRequest.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<ZdbRequest>): Generator<ZdbRequestContractIdFieldEvent | ZdbRequestNamespaceFieldEvent | ZdbRequestOpFieldEvent | ZdbRequestKeyFieldEvent | ZdbRequestValueFieldEvent | ZdbRequestLimitFieldEvent> {
    return streamMessage(buf, ZdbRequest.codec(), opts)
  }
}

export enum Mode {
  USER = 'USER',
  SEQ = 'SEQ'
}

enum __ModeValues {
  USER = 0,
  SEQ = 1
}

export namespace Mode {
  export const codec = (): Codec<Mode> => {
    return enumeration<Mode>(__ModeValues)
  }
}

export interface Info {
  mode: Mode
  maxBytes: number
  usedBytes: number
  entries: number
}

export namespace Info {
  let _codec: Codec<Info>

  export const codec = (): Codec<Info> => {
    if (_codec == null) {
      _codec = message<Info>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if (obj.mode != null && __ModeValues[obj.mode] !== 0) {
          w.uint32(8)
          Mode.codec().encode(obj.mode, w)
        }

        if ((obj.maxBytes != null && obj.maxBytes !== 0)) {
          w.uint32(16)
          w.uint64Number(obj.maxBytes)
        }

        if ((obj.usedBytes != null && obj.usedBytes !== 0)) {
          w.uint32(24)
          w.uint64Number(obj.usedBytes)
        }

        if ((obj.entries != null && obj.entries !== 0)) {
          w.uint32(32)
          w.uint64Number(obj.entries)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          mode: Mode.USER,
          maxBytes: 0,
          usedBytes: 0,
          entries: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.mode = Mode.codec().decode(reader)
              break
            }
            case 2: {
              obj.maxBytes = reader.uint64Number()
              break
            }
            case 3: {
              obj.usedBytes = reader.uint64Number()
              break
            }
            case 4: {
              obj.entries = reader.uint64Number()
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
                field: `${prefix}.mode`,
                value: Mode.codec().decode(reader)
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.maxBytes`,
                value: reader.uint64Number()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.usedBytes`,
                value: reader.uint64Number()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.entries`,
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

  export interface InfoModeFieldEvent {
    field: '$.mode'
    value: Mode
  }

  export interface InfoMaxBytesFieldEvent {
    field: '$.maxBytes'
    value: number
  }

  export interface InfoUsedBytesFieldEvent {
    field: '$.usedBytes'
    value: number
  }

  export interface InfoEntriesFieldEvent {
    field: '$.entries'
    value: number
  }

  export function encode (obj: Partial<Info>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, Info.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Info>): Info {
    return decodeMessage(buf, Info.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Info>): Generator<InfoModeFieldEvent | InfoMaxBytesFieldEvent | InfoUsedBytesFieldEvent | InfoEntriesFieldEvent> {
    return streamMessage(buf, Info.codec(), opts)
  }
}

export interface ScanEntry {
  key: Uint8Array<ArrayBuffer>
  size: number
}

export namespace ScanEntry {
  let _codec: Codec<ScanEntry>

  export const codec = (): Codec<ScanEntry> => {
    if (_codec == null) {
      _codec = message<ScanEntry>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.key != null && obj.key.byteLength > 0)) {
          w.uint32(10)
          w.bytes(obj.key)
        }

        if ((obj.size != null && obj.size !== 0)) {
          w.uint32(16)
          w.uint64Number(obj.size)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          key: uint8ArrayAlloc(0),
          size: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.key = reader.bytes()
              break
            }
            case 2: {
              obj.size = reader.uint64Number()
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
                field: `${prefix}.key`,
                value: reader.bytes()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.size`,
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

  export interface ScanEntryKeyFieldEvent {
    field: '$.key'
    value: Uint8Array<ArrayBuffer>
  }

  export interface ScanEntrySizeFieldEvent {
    field: '$.size'
    value: number
  }

  export function encode (obj: Partial<ScanEntry>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, ScanEntry.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<ScanEntry>): ScanEntry {
    return decodeMessage(buf, ScanEntry.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<ScanEntry>): Generator<ScanEntryKeyFieldEvent | ScanEntrySizeFieldEvent> {
    return streamMessage(buf, ScanEntry.codec(), opts)
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

export interface ZdbResponse {
  error?: Error
  key: Uint8Array<ArrayBuffer>
  value: Uint8Array<ArrayBuffer>
  found: boolean
  entries: ScanEntry[]
  next: Uint8Array<ArrayBuffer>
  info?: Info
}

export namespace ZdbResponse {
  let _codec: Codec<ZdbResponse>

  export const codec = (): Codec<ZdbResponse> => {
    if (_codec == null) {
      _codec = message<ZdbResponse>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if (obj.error != null) {
          w.uint32(10)
          Error.codec().encode(obj.error, w)
        }

        if ((obj.key != null && obj.key.byteLength > 0)) {
          w.uint32(18)
          w.bytes(obj.key)
        }

        if ((obj.value != null && obj.value.byteLength > 0)) {
          w.uint32(26)
          w.bytes(obj.value)
        }

        if ((obj.found != null && obj.found !== false)) {
          w.uint32(32)
          w.bool(obj.found)
        }

        if (obj.entries != null && obj.entries.length > 0) {
          for (const value of obj.entries) {
            w.uint32(42)
            ScanEntry.codec().encode(value, w)
          }
        }

        if ((obj.next != null && obj.next.byteLength > 0)) {
          w.uint32(50)
          w.bytes(obj.next)
        }

        if (obj.info != null) {
          w.uint32(58)
          Info.codec().encode(obj.info, w)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          key: uint8ArrayAlloc(0),
          value: uint8ArrayAlloc(0),
          found: false,
          entries: [],
          next: uint8ArrayAlloc(0)
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
              obj.key = reader.bytes()
              break
            }
            case 3: {
              obj.value = reader.bytes()
              break
            }
            case 4: {
              obj.found = reader.bool()
              break
            }
            case 5: {
              if (opts.limits?.entries != null && obj.entries.length === opts.limits.entries) {
                throw new MaxLengthError('Decode error - repeated field "entries" had too many elements')
              }

              obj.entries.push(ScanEntry.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.entries$
              }))
              break
            }
            case 6: {
              obj.next = reader.bytes()
              break
            }
            case 7: {
              obj.info = Info.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.info
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
        const obj = {
          entries: 0
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
              yield {
                field: `${prefix}.key`,
                value: reader.bytes()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.value`,
                value: reader.bytes()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.found`,
                value: reader.bool()
              }
              break
            }
            case 5: {
              if (opts.limits?.entries != null && obj.entries === opts.limits.entries) {
                throw new MaxLengthError('Streaming decode error - repeated field "entries" had too many elements')
              }

              for (const evt of ScanEntry.codec().stream(reader, reader.uint32(), `${prefix}.entries[]`, {
                limits: opts.limits?.entries$
              })) {
                yield {
                  ...evt,
                  index: obj.entries
                }
              }

              obj.entries++

              break
            }
            case 6: {
              yield {
                field: `${prefix}.next`,
                value: reader.bytes()
              }
              break
            }
            case 7: {
              yield * Info.codec().stream(reader, reader.uint32(), `${prefix}.info`, {
                limits: opts.limits?.info
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

  export interface ZdbResponseErrorCodeFieldEvent {
    field: '$.error.code'
    value: string
  }

  export interface ZdbResponseErrorMessageFieldEvent {
    field: '$.error.message'
    value: string
  }

  export interface ZdbResponseErrorRetryAfterMsFieldEvent {
    field: '$.error.retryAfterMs'
    value: number
  }

  export interface ZdbResponseKeyFieldEvent {
    field: '$.key'
    value: Uint8Array<ArrayBuffer>
  }

  export interface ZdbResponseValueFieldEvent {
    field: '$.value'
    value: Uint8Array<ArrayBuffer>
  }

  export interface ZdbResponseFoundFieldEvent {
    field: '$.found'
    value: boolean
  }

  export interface ZdbResponseEntriesKeyFieldEvent {
    field: '$.entries[].key'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface ZdbResponseEntriesSizeFieldEvent {
    field: '$.entries[].size'
    value: number
    index: number
  }

  export interface ZdbResponseNextFieldEvent {
    field: '$.next'
    value: Uint8Array<ArrayBuffer>
  }

  export interface ZdbResponseInfoModeFieldEvent {
    field: '$.info.mode'
    value: Mode
  }

  export interface ZdbResponseInfoMaxBytesFieldEvent {
    field: '$.info.maxBytes'
    value: number
  }

  export interface ZdbResponseInfoUsedBytesFieldEvent {
    field: '$.info.usedBytes'
    value: number
  }

  export interface ZdbResponseInfoEntriesFieldEvent {
    field: '$.info.entries'
    value: number
  }

  export function encode (obj: Partial<ZdbResponse>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, ZdbResponse.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<ZdbResponse>): ZdbResponse {
    return decodeMessage(buf, ZdbResponse.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<ZdbResponse>): Generator<ZdbResponseErrorCodeFieldEvent | ZdbResponseErrorMessageFieldEvent | ZdbResponseErrorRetryAfterMsFieldEvent | ZdbResponseKeyFieldEvent | ZdbResponseValueFieldEvent | ZdbResponseFoundFieldEvent | ZdbResponseEntriesKeyFieldEvent | ZdbResponseEntriesSizeFieldEvent | ZdbResponseNextFieldEvent | ZdbResponseInfoModeFieldEvent | ZdbResponseInfoMaxBytesFieldEvent | ZdbResponseInfoUsedBytesFieldEvent | ZdbResponseInfoEntriesFieldEvent> {
    return streamMessage(buf, ZdbResponse.codec(), opts)
  }
}
