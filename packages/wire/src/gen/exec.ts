import { decodeMessage, encodeMessage, enumeration, MaxLengthError, message, streamMessage } from 'protons-runtime'
import { alloc as uint8ArrayAlloc } from 'uint8arrays/alloc'
import type { Codec, DecodeOptions } from 'protons-runtime'
import type { Uint8ArrayList } from 'uint8arraylist'

export interface WindowSize {
  rows: number
  cols: number
}

export namespace WindowSize {
  let _codec: Codec<WindowSize>

  export const codec = (): Codec<WindowSize> => {
    if (_codec == null) {
      _codec = message<WindowSize>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.rows != null && obj.rows !== 0)) {
          w.uint32(8)
          w.uint32(obj.rows)
        }

        if ((obj.cols != null && obj.cols !== 0)) {
          w.uint32(16)
          w.uint32(obj.cols)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          rows: 0,
          cols: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.rows = reader.uint32()
              break
            }
            case 2: {
              obj.cols = reader.uint32()
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
                field: `${prefix}.rows`,
                value: reader.uint32()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.cols`,
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

  export interface WindowSizeRowsFieldEvent {
    field: '$.rows'
    value: number
  }

  export interface WindowSizeColsFieldEvent {
    field: '$.cols'
    value: number
  }

  export function encode (obj: Partial<WindowSize>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, WindowSize.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<WindowSize>): WindowSize {
    return decodeMessage(buf, WindowSize.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<WindowSize>): Generator<WindowSizeRowsFieldEvent | WindowSizeColsFieldEvent> {
    return streamMessage(buf, WindowSize.codec(), opts)
  }
}

export interface ExecStart {
  contractId: Uint8Array<ArrayBuffer>
  workload: string
  argv: string[]
  tty: boolean
  size?: WindowSize
}

export namespace ExecStart {
  let _codec: Codec<ExecStart>

  export const codec = (): Codec<ExecStart> => {
    if (_codec == null) {
      _codec = message<ExecStart>((obj, w, opts = {}) => {
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

        if (obj.argv != null && obj.argv.length > 0) {
          for (const value of obj.argv) {
            w.uint32(26)
            w.string(value)
          }
        }

        if ((obj.tty != null && obj.tty !== false)) {
          w.uint32(32)
          w.bool(obj.tty)
        }

        if (obj.size != null) {
          w.uint32(42)
          WindowSize.codec().encode(obj.size, w)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          contractId: uint8ArrayAlloc(0),
          workload: '',
          argv: [],
          tty: false
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
              if (opts.limits?.argv != null && obj.argv.length === opts.limits.argv) {
                throw new MaxLengthError('Decode error - repeated field "argv" had too many elements')
              }

              obj.argv.push(reader.string())
              break
            }
            case 4: {
              obj.tty = reader.bool()
              break
            }
            case 5: {
              obj.size = WindowSize.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.size
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
          argv: 0
        }

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
              if (opts.limits?.argv != null && obj.argv === opts.limits.argv) {
                throw new MaxLengthError('Streaming decode error - repeated field "argv" had too many elements')
              }

              yield {
                field: `${prefix}.argv[]`,
                index: obj.argv,
                value: reader.string()
              }

              obj.argv++

              break
            }
            case 4: {
              yield {
                field: `${prefix}.tty`,
                value: reader.bool()
              }
              break
            }
            case 5: {
              yield * WindowSize.codec().stream(reader, reader.uint32(), `${prefix}.size`, {
                limits: opts.limits?.size
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

  export interface ExecStartContractIdFieldEvent {
    field: '$.contractId'
    value: Uint8Array<ArrayBuffer>
  }

  export interface ExecStartWorkloadFieldEvent {
    field: '$.workload'
    value: string
  }

  export interface ExecStartArgvFieldEvent {
    field: '$.argv[]'
    index: number
    value: string
  }

  export interface ExecStartTtyFieldEvent {
    field: '$.tty'
    value: boolean
  }

  export interface ExecStartSizeRowsFieldEvent {
    field: '$.size.rows'
    value: number
  }

  export interface ExecStartSizeColsFieldEvent {
    field: '$.size.cols'
    value: number
  }

  export function encode (obj: Partial<ExecStart>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, ExecStart.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<ExecStart>): ExecStart {
    return decodeMessage(buf, ExecStart.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<ExecStart>): Generator<ExecStartContractIdFieldEvent | ExecStartWorkloadFieldEvent | ExecStartArgvFieldEvent | ExecStartTtyFieldEvent | ExecStartSizeRowsFieldEvent | ExecStartSizeColsFieldEvent> {
    return streamMessage(buf, ExecStart.codec(), opts)
  }
}

export interface ExecInput {
  stdin: Uint8Array<ArrayBuffer>
  stdinEnd: boolean
  resize?: WindowSize
}

export namespace ExecInput {
  let _codec: Codec<ExecInput>

  export const codec = (): Codec<ExecInput> => {
    if (_codec == null) {
      _codec = message<ExecInput>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.stdin != null && obj.stdin.byteLength > 0)) {
          w.uint32(10)
          w.bytes(obj.stdin)
        }

        if ((obj.stdinEnd != null && obj.stdinEnd !== false)) {
          w.uint32(16)
          w.bool(obj.stdinEnd)
        }

        if (obj.resize != null) {
          w.uint32(26)
          WindowSize.codec().encode(obj.resize, w)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          stdin: uint8ArrayAlloc(0),
          stdinEnd: false
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.stdin = reader.bytes()
              break
            }
            case 2: {
              obj.stdinEnd = reader.bool()
              break
            }
            case 3: {
              obj.resize = WindowSize.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.resize
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
              yield {
                field: `${prefix}.stdin`,
                value: reader.bytes()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.stdinEnd`,
                value: reader.bool()
              }
              break
            }
            case 3: {
              yield * WindowSize.codec().stream(reader, reader.uint32(), `${prefix}.resize`, {
                limits: opts.limits?.resize
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

  export interface ExecInputStdinFieldEvent {
    field: '$.stdin'
    value: Uint8Array<ArrayBuffer>
  }

  export interface ExecInputStdinEndFieldEvent {
    field: '$.stdinEnd'
    value: boolean
  }

  export interface ExecInputResizeRowsFieldEvent {
    field: '$.resize.rows'
    value: number
  }

  export interface ExecInputResizeColsFieldEvent {
    field: '$.resize.cols'
    value: number
  }

  export function encode (obj: Partial<ExecInput>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, ExecInput.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<ExecInput>): ExecInput {
    return decodeMessage(buf, ExecInput.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<ExecInput>): Generator<ExecInputStdinFieldEvent | ExecInputStdinEndFieldEvent | ExecInputResizeRowsFieldEvent | ExecInputResizeColsFieldEvent> {
    return streamMessage(buf, ExecInput.codec(), opts)
  }
}

export enum OutputStream {
  STDOUT = 'STDOUT',
  STDERR = 'STDERR'
}

enum __OutputStreamValues {
  STDOUT = 0,
  STDERR = 1
}

export namespace OutputStream {
  export const codec = (): Codec<OutputStream> => {
    return enumeration<OutputStream>(__OutputStreamValues)
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

export interface ExecOutput {
  error?: Error
  stream: OutputStream
  data: Uint8Array<ArrayBuffer>
  exited: boolean
  exitCode: number
}

export namespace ExecOutput {
  let _codec: Codec<ExecOutput>

  export const codec = (): Codec<ExecOutput> => {
    if (_codec == null) {
      _codec = message<ExecOutput>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if (obj.error != null) {
          w.uint32(10)
          Error.codec().encode(obj.error, w)
        }

        if (obj.stream != null && __OutputStreamValues[obj.stream] !== 0) {
          w.uint32(16)
          OutputStream.codec().encode(obj.stream, w)
        }

        if ((obj.data != null && obj.data.byteLength > 0)) {
          w.uint32(26)
          w.bytes(obj.data)
        }

        if ((obj.exited != null && obj.exited !== false)) {
          w.uint32(32)
          w.bool(obj.exited)
        }

        if ((obj.exitCode != null && obj.exitCode !== 0)) {
          w.uint32(40)
          w.uint32(obj.exitCode)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          stream: OutputStream.STDOUT,
          data: uint8ArrayAlloc(0),
          exited: false,
          exitCode: 0
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
              obj.stream = OutputStream.codec().decode(reader)
              break
            }
            case 3: {
              obj.data = reader.bytes()
              break
            }
            case 4: {
              obj.exited = reader.bool()
              break
            }
            case 5: {
              obj.exitCode = reader.uint32()
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
                field: `${prefix}.stream`,
                value: OutputStream.codec().decode(reader)
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
                field: `${prefix}.exited`,
                value: reader.bool()
              }
              break
            }
            case 5: {
              yield {
                field: `${prefix}.exitCode`,
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

  export interface ExecOutputErrorCodeFieldEvent {
    field: '$.error.code'
    value: string
  }

  export interface ExecOutputErrorMessageFieldEvent {
    field: '$.error.message'
    value: string
  }

  export interface ExecOutputErrorRetryAfterMsFieldEvent {
    field: '$.error.retryAfterMs'
    value: number
  }

  export interface ExecOutputStreamFieldEvent {
    field: '$.stream'
    value: OutputStream
  }

  export interface ExecOutputDataFieldEvent {
    field: '$.data'
    value: Uint8Array<ArrayBuffer>
  }

  export interface ExecOutputExitedFieldEvent {
    field: '$.exited'
    value: boolean
  }

  export interface ExecOutputExitCodeFieldEvent {
    field: '$.exitCode'
    value: number
  }

  export function encode (obj: Partial<ExecOutput>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, ExecOutput.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<ExecOutput>): ExecOutput {
    return decodeMessage(buf, ExecOutput.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<ExecOutput>): Generator<ExecOutputErrorCodeFieldEvent | ExecOutputErrorMessageFieldEvent | ExecOutputErrorRetryAfterMsFieldEvent | ExecOutputStreamFieldEvent | ExecOutputDataFieldEvent | ExecOutputExitedFieldEvent | ExecOutputExitCodeFieldEvent> {
    return streamMessage(buf, ExecOutput.codec(), opts)
  }
}
