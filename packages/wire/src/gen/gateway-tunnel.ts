import { decodeMessage, encodeMessage, message, streamMessage } from 'protons-runtime'
import { alloc as uint8ArrayAlloc } from 'uint8arrays/alloc'
import type { Codec, DecodeOptions } from 'protons-runtime'
import type { Uint8ArrayList } from 'uint8arraylist'

export interface TunnelOpen {
  deploymentEnvelope: Uint8Array<ArrayBuffer>
  proposalEnvelope: Uint8Array<ArrayBuffer>
  workload: string
}

export namespace TunnelOpen {
  let _codec: Codec<TunnelOpen>

  export const codec = (): Codec<TunnelOpen> => {
    if (_codec == null) {
      _codec = message<TunnelOpen>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.deploymentEnvelope != null && obj.deploymentEnvelope.byteLength > 0)) {
          w.uint32(10)
          w.bytes(obj.deploymentEnvelope)
        }

        if ((obj.proposalEnvelope != null && obj.proposalEnvelope.byteLength > 0)) {
          w.uint32(18)
          w.bytes(obj.proposalEnvelope)
        }

        if ((obj.workload != null && obj.workload !== '')) {
          w.uint32(26)
          w.string(obj.workload)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          deploymentEnvelope: uint8ArrayAlloc(0),
          proposalEnvelope: uint8ArrayAlloc(0),
          workload: ''
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.deploymentEnvelope = reader.bytes()
              break
            }
            case 2: {
              obj.proposalEnvelope = reader.bytes()
              break
            }
            case 3: {
              obj.workload = reader.string()
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
                field: `${prefix}.deploymentEnvelope`,
                value: reader.bytes()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.proposalEnvelope`,
                value: reader.bytes()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.workload`,
                value: reader.string()
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

  export interface TunnelOpenDeploymentEnvelopeFieldEvent {
    field: '$.deploymentEnvelope'
    value: Uint8Array<ArrayBuffer>
  }

  export interface TunnelOpenProposalEnvelopeFieldEvent {
    field: '$.proposalEnvelope'
    value: Uint8Array<ArrayBuffer>
  }

  export interface TunnelOpenWorkloadFieldEvent {
    field: '$.workload'
    value: string
  }

  export function encode (obj: Partial<TunnelOpen>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, TunnelOpen.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<TunnelOpen>): TunnelOpen {
    return decodeMessage(buf, TunnelOpen.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<TunnelOpen>): Generator<TunnelOpenDeploymentEnvelopeFieldEvent | TunnelOpenProposalEnvelopeFieldEvent | TunnelOpenWorkloadFieldEvent> {
    return streamMessage(buf, TunnelOpen.codec(), opts)
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

export interface TunnelAccept {
  error?: Error
}

export namespace TunnelAccept {
  let _codec: Codec<TunnelAccept>

  export const codec = (): Codec<TunnelAccept> => {
    if (_codec == null) {
      _codec = message<TunnelAccept>((obj, w, opts = {}) => {
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

  export interface TunnelAcceptErrorCodeFieldEvent {
    field: '$.error.code'
    value: string
  }

  export interface TunnelAcceptErrorMessageFieldEvent {
    field: '$.error.message'
    value: string
  }

  export interface TunnelAcceptErrorRetryAfterMsFieldEvent {
    field: '$.error.retryAfterMs'
    value: number
  }

  export function encode (obj: Partial<TunnelAccept>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, TunnelAccept.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<TunnelAccept>): TunnelAccept {
    return decodeMessage(buf, TunnelAccept.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<TunnelAccept>): Generator<TunnelAcceptErrorCodeFieldEvent | TunnelAcceptErrorMessageFieldEvent | TunnelAcceptErrorRetryAfterMsFieldEvent> {
    return streamMessage(buf, TunnelAccept.codec(), opts)
  }
}
