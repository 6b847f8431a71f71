/* eslint-disable require-yield */

import { decodeMessage, encodeMessage, MaxLengthError, message, streamMessage } from 'protons-runtime'
import { alloc as uint8ArrayAlloc } from 'uint8arrays/alloc'
import type { Codec, DecodeOptions } from 'protons-runtime'
import type { Uint8ArrayList } from 'uint8arraylist'

export interface Resources {
  cru: number
  mru: number
  sru: number
  hru: number
  ipv4u: number
  cruMilli: number
}

export namespace Resources {
  let _codec: Codec<Resources>

  export const codec = (): Codec<Resources> => {
    if (_codec == null) {
      _codec = message<Resources>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.cru != null && obj.cru !== 0)) {
          w.uint32(8)
          w.uint64Number(obj.cru)
        }

        if ((obj.mru != null && obj.mru !== 0)) {
          w.uint32(16)
          w.uint64Number(obj.mru)
        }

        if ((obj.sru != null && obj.sru !== 0)) {
          w.uint32(24)
          w.uint64Number(obj.sru)
        }

        if ((obj.hru != null && obj.hru !== 0)) {
          w.uint32(32)
          w.uint64Number(obj.hru)
        }

        if ((obj.ipv4u != null && obj.ipv4u !== 0)) {
          w.uint32(40)
          w.uint64Number(obj.ipv4u)
        }

        if ((obj.cruMilli != null && obj.cruMilli !== 0)) {
          w.uint32(48)
          w.uint32(obj.cruMilli)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          cru: 0,
          mru: 0,
          sru: 0,
          hru: 0,
          ipv4u: 0,
          cruMilli: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.cru = reader.uint64Number()
              break
            }
            case 2: {
              obj.mru = reader.uint64Number()
              break
            }
            case 3: {
              obj.sru = reader.uint64Number()
              break
            }
            case 4: {
              obj.hru = reader.uint64Number()
              break
            }
            case 5: {
              obj.ipv4u = reader.uint64Number()
              break
            }
            case 6: {
              obj.cruMilli = reader.uint32()
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
                field: `${prefix}.cru`,
                value: reader.uint64Number()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.mru`,
                value: reader.uint64Number()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.sru`,
                value: reader.uint64Number()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.hru`,
                value: reader.uint64Number()
              }
              break
            }
            case 5: {
              yield {
                field: `${prefix}.ipv4u`,
                value: reader.uint64Number()
              }
              break
            }
            case 6: {
              yield {
                field: `${prefix}.cruMilli`,
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

  export interface ResourcesCruFieldEvent {
    field: '$.cru'
    value: number
  }

  export interface ResourcesMruFieldEvent {
    field: '$.mru'
    value: number
  }

  export interface ResourcesSruFieldEvent {
    field: '$.sru'
    value: number
  }

  export interface ResourcesHruFieldEvent {
    field: '$.hru'
    value: number
  }

  export interface ResourcesIpv4uFieldEvent {
    field: '$.ipv4u'
    value: number
  }

  export interface ResourcesCruMilliFieldEvent {
    field: '$.cruMilli'
    value: number
  }

  export function encode (obj: Partial<Resources>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, Resources.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Resources>): Resources {
    return decodeMessage(buf, Resources.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Resources>): Generator<ResourcesCruFieldEvent | ResourcesMruFieldEvent | ResourcesSruFieldEvent | ResourcesHruFieldEvent | ResourcesIpv4uFieldEvent | ResourcesCruMilliFieldEvent> {
    return streamMessage(buf, Resources.codec(), opts)
  }
}

export interface PricePolicy {
  currency: string
  cuHourMicro: number
  suHourMicro: number
  ipv4HourMicro: number
}

export namespace PricePolicy {
  let _codec: Codec<PricePolicy>

  export const codec = (): Codec<PricePolicy> => {
    if (_codec == null) {
      _codec = message<PricePolicy>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.currency != null && obj.currency !== '')) {
          w.uint32(10)
          w.string(obj.currency)
        }

        if ((obj.cuHourMicro != null && obj.cuHourMicro !== 0)) {
          w.uint32(16)
          w.uint64Number(obj.cuHourMicro)
        }

        if ((obj.suHourMicro != null && obj.suHourMicro !== 0)) {
          w.uint32(24)
          w.uint64Number(obj.suHourMicro)
        }

        if ((obj.ipv4HourMicro != null && obj.ipv4HourMicro !== 0)) {
          w.uint32(32)
          w.uint64Number(obj.ipv4HourMicro)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          currency: '',
          cuHourMicro: 0,
          suHourMicro: 0,
          ipv4HourMicro: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.currency = reader.string()
              break
            }
            case 2: {
              obj.cuHourMicro = reader.uint64Number()
              break
            }
            case 3: {
              obj.suHourMicro = reader.uint64Number()
              break
            }
            case 4: {
              obj.ipv4HourMicro = reader.uint64Number()
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
                field: `${prefix}.currency`,
                value: reader.string()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.cuHourMicro`,
                value: reader.uint64Number()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.suHourMicro`,
                value: reader.uint64Number()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.ipv4HourMicro`,
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

  export interface PricePolicyCurrencyFieldEvent {
    field: '$.currency'
    value: string
  }

  export interface PricePolicyCuHourMicroFieldEvent {
    field: '$.cuHourMicro'
    value: number
  }

  export interface PricePolicySuHourMicroFieldEvent {
    field: '$.suHourMicro'
    value: number
  }

  export interface PricePolicyIpv4HourMicroFieldEvent {
    field: '$.ipv4HourMicro'
    value: number
  }

  export function encode (obj: Partial<PricePolicy>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, PricePolicy.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<PricePolicy>): PricePolicy {
    return decodeMessage(buf, PricePolicy.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<PricePolicy>): Generator<PricePolicyCurrencyFieldEvent | PricePolicyCuHourMicroFieldEvent | PricePolicySuHourMicroFieldEvent | PricePolicyIpv4HourMicroFieldEvent> {
    return streamMessage(buf, PricePolicy.codec(), opts)
  }
}

export interface Advert {
  peerId: Uint8Array<ArrayBuffer>
  farm: string
  country: string
  city: string
  total?: Resources
  free?: Resources
  capabilities: string[]
  gatewayDomain: string
  price?: PricePolicy
  addresses: Uint8Array<ArrayBuffer>[]
  version: string
  seq: number
  issuedAtMs: number
  expiresAtMs: number
  leaving: boolean
}

export namespace Advert {
  let _codec: Codec<Advert>

  export const codec = (): Codec<Advert> => {
    if (_codec == null) {
      _codec = message<Advert>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.peerId != null && obj.peerId.byteLength > 0)) {
          w.uint32(10)
          w.bytes(obj.peerId)
        }

        if ((obj.farm != null && obj.farm !== '')) {
          w.uint32(18)
          w.string(obj.farm)
        }

        if ((obj.country != null && obj.country !== '')) {
          w.uint32(26)
          w.string(obj.country)
        }

        if ((obj.city != null && obj.city !== '')) {
          w.uint32(34)
          w.string(obj.city)
        }

        if (obj.total != null) {
          w.uint32(42)
          Resources.codec().encode(obj.total, w)
        }

        if (obj.free != null) {
          w.uint32(50)
          Resources.codec().encode(obj.free, w)
        }

        if (obj.capabilities != null && obj.capabilities.length > 0) {
          for (const value of obj.capabilities) {
            w.uint32(58)
            w.string(value)
          }
        }

        if ((obj.gatewayDomain != null && obj.gatewayDomain !== '')) {
          w.uint32(66)
          w.string(obj.gatewayDomain)
        }

        if (obj.price != null) {
          w.uint32(74)
          PricePolicy.codec().encode(obj.price, w)
        }

        if (obj.addresses != null && obj.addresses.length > 0) {
          for (const value of obj.addresses) {
            w.uint32(82)
            w.bytes(value)
          }
        }

        if ((obj.version != null && obj.version !== '')) {
          w.uint32(90)
          w.string(obj.version)
        }

        if ((obj.seq != null && obj.seq !== 0)) {
          w.uint32(96)
          w.uint64Number(obj.seq)
        }

        if ((obj.issuedAtMs != null && obj.issuedAtMs !== 0)) {
          w.uint32(104)
          w.uint64Number(obj.issuedAtMs)
        }

        if ((obj.expiresAtMs != null && obj.expiresAtMs !== 0)) {
          w.uint32(112)
          w.uint64Number(obj.expiresAtMs)
        }

        if ((obj.leaving != null && obj.leaving !== false)) {
          w.uint32(120)
          w.bool(obj.leaving)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          peerId: uint8ArrayAlloc(0),
          farm: '',
          country: '',
          city: '',
          capabilities: [],
          gatewayDomain: '',
          addresses: [],
          version: '',
          seq: 0,
          issuedAtMs: 0,
          expiresAtMs: 0,
          leaving: false
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.peerId = reader.bytes()
              break
            }
            case 2: {
              obj.farm = reader.string()
              break
            }
            case 3: {
              obj.country = reader.string()
              break
            }
            case 4: {
              obj.city = reader.string()
              break
            }
            case 5: {
              obj.total = Resources.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.total
              })
              break
            }
            case 6: {
              obj.free = Resources.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.free
              })
              break
            }
            case 7: {
              if (opts.limits?.capabilities != null && obj.capabilities.length === opts.limits.capabilities) {
                throw new MaxLengthError('Decode error - repeated field "capabilities" had too many elements')
              }

              obj.capabilities.push(reader.string())
              break
            }
            case 8: {
              obj.gatewayDomain = reader.string()
              break
            }
            case 9: {
              obj.price = PricePolicy.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.price
              })
              break
            }
            case 10: {
              if (opts.limits?.addresses != null && obj.addresses.length === opts.limits.addresses) {
                throw new MaxLengthError('Decode error - repeated field "addresses" had too many elements')
              }

              obj.addresses.push(reader.bytes())
              break
            }
            case 11: {
              obj.version = reader.string()
              break
            }
            case 12: {
              obj.seq = reader.uint64Number()
              break
            }
            case 13: {
              obj.issuedAtMs = reader.uint64Number()
              break
            }
            case 14: {
              obj.expiresAtMs = reader.uint64Number()
              break
            }
            case 15: {
              obj.leaving = reader.bool()
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
          capabilities: 0,
          addresses: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.peerId`,
                value: reader.bytes()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.farm`,
                value: reader.string()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.country`,
                value: reader.string()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.city`,
                value: reader.string()
              }
              break
            }
            case 5: {
              yield * Resources.codec().stream(reader, reader.uint32(), `${prefix}.total`, {
                limits: opts.limits?.total
              })

              break
            }
            case 6: {
              yield * Resources.codec().stream(reader, reader.uint32(), `${prefix}.free`, {
                limits: opts.limits?.free
              })

              break
            }
            case 7: {
              if (opts.limits?.capabilities != null && obj.capabilities === opts.limits.capabilities) {
                throw new MaxLengthError('Streaming decode error - repeated field "capabilities" had too many elements')
              }

              yield {
                field: `${prefix}.capabilities[]`,
                index: obj.capabilities,
                value: reader.string()
              }

              obj.capabilities++

              break
            }
            case 8: {
              yield {
                field: `${prefix}.gatewayDomain`,
                value: reader.string()
              }
              break
            }
            case 9: {
              yield * PricePolicy.codec().stream(reader, reader.uint32(), `${prefix}.price`, {
                limits: opts.limits?.price
              })

              break
            }
            case 10: {
              if (opts.limits?.addresses != null && obj.addresses === opts.limits.addresses) {
                throw new MaxLengthError('Streaming decode error - repeated field "addresses" had too many elements')
              }

              yield {
                field: `${prefix}.addresses[]`,
                index: obj.addresses,
                value: reader.bytes()
              }

              obj.addresses++

              break
            }
            case 11: {
              yield {
                field: `${prefix}.version`,
                value: reader.string()
              }
              break
            }
            case 12: {
              yield {
                field: `${prefix}.seq`,
                value: reader.uint64Number()
              }
              break
            }
            case 13: {
              yield {
                field: `${prefix}.issuedAtMs`,
                value: reader.uint64Number()
              }
              break
            }
            case 14: {
              yield {
                field: `${prefix}.expiresAtMs`,
                value: reader.uint64Number()
              }
              break
            }
            case 15: {
              yield {
                field: `${prefix}.leaving`,
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

  export interface AdvertPeerIdFieldEvent {
    field: '$.peerId'
    value: Uint8Array<ArrayBuffer>
  }

  export interface AdvertFarmFieldEvent {
    field: '$.farm'
    value: string
  }

  export interface AdvertCountryFieldEvent {
    field: '$.country'
    value: string
  }

  export interface AdvertCityFieldEvent {
    field: '$.city'
    value: string
  }

  export interface AdvertTotalCruFieldEvent {
    field: '$.total.cru'
    value: number
  }

  export interface AdvertTotalMruFieldEvent {
    field: '$.total.mru'
    value: number
  }

  export interface AdvertTotalSruFieldEvent {
    field: '$.total.sru'
    value: number
  }

  export interface AdvertTotalHruFieldEvent {
    field: '$.total.hru'
    value: number
  }

  export interface AdvertTotalIpv4uFieldEvent {
    field: '$.total.ipv4u'
    value: number
  }

  export interface AdvertTotalCruMilliFieldEvent {
    field: '$.total.cruMilli'
    value: number
  }

  export interface AdvertFreeCruFieldEvent {
    field: '$.free.cru'
    value: number
  }

  export interface AdvertFreeMruFieldEvent {
    field: '$.free.mru'
    value: number
  }

  export interface AdvertFreeSruFieldEvent {
    field: '$.free.sru'
    value: number
  }

  export interface AdvertFreeHruFieldEvent {
    field: '$.free.hru'
    value: number
  }

  export interface AdvertFreeIpv4uFieldEvent {
    field: '$.free.ipv4u'
    value: number
  }

  export interface AdvertFreeCruMilliFieldEvent {
    field: '$.free.cruMilli'
    value: number
  }

  export interface AdvertCapabilitiesFieldEvent {
    field: '$.capabilities[]'
    index: number
    value: string
  }

  export interface AdvertGatewayDomainFieldEvent {
    field: '$.gatewayDomain'
    value: string
  }

  export interface AdvertPriceCurrencyFieldEvent {
    field: '$.price.currency'
    value: string
  }

  export interface AdvertPriceCuHourMicroFieldEvent {
    field: '$.price.cuHourMicro'
    value: number
  }

  export interface AdvertPriceSuHourMicroFieldEvent {
    field: '$.price.suHourMicro'
    value: number
  }

  export interface AdvertPriceIpv4HourMicroFieldEvent {
    field: '$.price.ipv4HourMicro'
    value: number
  }

  export interface AdvertAddressesFieldEvent {
    field: '$.addresses[]'
    index: number
    value: Uint8Array<ArrayBuffer>
  }

  export interface AdvertVersionFieldEvent {
    field: '$.version'
    value: string
  }

  export interface AdvertSeqFieldEvent {
    field: '$.seq'
    value: number
  }

  export interface AdvertIssuedAtMsFieldEvent {
    field: '$.issuedAtMs'
    value: number
  }

  export interface AdvertExpiresAtMsFieldEvent {
    field: '$.expiresAtMs'
    value: number
  }

  export interface AdvertLeavingFieldEvent {
    field: '$.leaving'
    value: boolean
  }

  export function encode (obj: Partial<Advert>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, Advert.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Advert>): Advert {
    return decodeMessage(buf, Advert.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Advert>): Generator<AdvertPeerIdFieldEvent | AdvertFarmFieldEvent | AdvertCountryFieldEvent | AdvertCityFieldEvent | AdvertTotalCruFieldEvent | AdvertTotalMruFieldEvent | AdvertTotalSruFieldEvent | AdvertTotalHruFieldEvent | AdvertTotalIpv4uFieldEvent | AdvertTotalCruMilliFieldEvent | AdvertFreeCruFieldEvent | AdvertFreeMruFieldEvent | AdvertFreeSruFieldEvent | AdvertFreeHruFieldEvent | AdvertFreeIpv4uFieldEvent | AdvertFreeCruMilliFieldEvent | AdvertCapabilitiesFieldEvent | AdvertGatewayDomainFieldEvent | AdvertPriceCurrencyFieldEvent | AdvertPriceCuHourMicroFieldEvent | AdvertPriceSuHourMicroFieldEvent | AdvertPriceIpv4HourMicroFieldEvent | AdvertAddressesFieldEvent | AdvertVersionFieldEvent | AdvertSeqFieldEvent | AdvertIssuedAtMsFieldEvent | AdvertExpiresAtMsFieldEvent | AdvertLeavingFieldEvent> {
    return streamMessage(buf, Advert.codec(), opts)
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

export interface CapacityRequest {}

export namespace CapacityRequest {
  let _codec: Codec<CapacityRequest>

  export const codec = (): Codec<CapacityRequest> => {
    if (_codec == null) {
      _codec = message<CapacityRequest>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
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

  export function encode (obj: Partial<CapacityRequest>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, CapacityRequest.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<CapacityRequest>): CapacityRequest {
    return decodeMessage(buf, CapacityRequest.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<CapacityRequest>): Generator<{}> {
    return streamMessage(buf, CapacityRequest.codec(), opts)
  }
}

export interface CapacityResponse {
  error?: Error
  advertEnvelope: Uint8Array<ArrayBuffer>
}

export namespace CapacityResponse {
  let _codec: Codec<CapacityResponse>

  export const codec = (): Codec<CapacityResponse> => {
    if (_codec == null) {
      _codec = message<CapacityResponse>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if (obj.error != null) {
          w.uint32(10)
          Error.codec().encode(obj.error, w)
        }

        if ((obj.advertEnvelope != null && obj.advertEnvelope.byteLength > 0)) {
          w.uint32(18)
          w.bytes(obj.advertEnvelope)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          advertEnvelope: uint8ArrayAlloc(0)
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
              obj.advertEnvelope = reader.bytes()
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
                field: `${prefix}.advertEnvelope`,
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

  export interface CapacityResponseErrorCodeFieldEvent {
    field: '$.error.code'
    value: string
  }

  export interface CapacityResponseErrorMessageFieldEvent {
    field: '$.error.message'
    value: string
  }

  export interface CapacityResponseErrorRetryAfterMsFieldEvent {
    field: '$.error.retryAfterMs'
    value: number
  }

  export interface CapacityResponseAdvertEnvelopeFieldEvent {
    field: '$.advertEnvelope'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<CapacityResponse>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, CapacityResponse.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<CapacityResponse>): CapacityResponse {
    return decodeMessage(buf, CapacityResponse.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<CapacityResponse>): Generator<CapacityResponseErrorCodeFieldEvent | CapacityResponseErrorMessageFieldEvent | CapacityResponseErrorRetryAfterMsFieldEvent | CapacityResponseAdvertEnvelopeFieldEvent> {
    return streamMessage(buf, CapacityResponse.codec(), opts)
  }
}
