/* eslint-disable require-yield */

import { decodeMessage, encodeMessage, enumeration, MaxLengthError, message, streamMessage } from 'protons-runtime'
import { alloc as uint8ArrayAlloc } from 'uint8arrays/alloc'
import type { Codec, DecodeOptions } from 'protons-runtime'
import type { Uint8ArrayList } from 'uint8arraylist'

export interface Amount {
  cru: number
  mru: number
  sru: number
  hru: number
  ipv4u: number
  cruMilli: number
}

export namespace Amount {
  let _codec: Codec<Amount>

  export const codec = (): Codec<Amount> => {
    if (_codec == null) {
      _codec = message<Amount>((obj, w, opts = {}) => {
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

  export interface AmountCruFieldEvent {
    field: '$.cru'
    value: number
  }

  export interface AmountMruFieldEvent {
    field: '$.mru'
    value: number
  }

  export interface AmountSruFieldEvent {
    field: '$.sru'
    value: number
  }

  export interface AmountHruFieldEvent {
    field: '$.hru'
    value: number
  }

  export interface AmountIpv4uFieldEvent {
    field: '$.ipv4u'
    value: number
  }

  export interface AmountCruMilliFieldEvent {
    field: '$.cruMilli'
    value: number
  }

  export function encode (obj: Partial<Amount>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, Amount.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Amount>): Amount {
    return decodeMessage(buf, Amount.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Amount>): Generator<AmountCruFieldEvent | AmountMruFieldEvent | AmountSruFieldEvent | AmountHruFieldEvent | AmountIpv4uFieldEvent | AmountCruMilliFieldEvent> {
    return streamMessage(buf, Amount.codec(), opts)
  }
}

export interface Quote {
  farmer: Uint8Array<ArrayBuffer>
  twin: Uint8Array<ArrayBuffer>
  resources?: Amount
  currency: string
  pricePerHourMicro: number
  leaseMs: number
  validUntilMs: number
  nonce: Uint8Array<ArrayBuffer>
}

export namespace Quote {
  let _codec: Codec<Quote>

  export const codec = (): Codec<Quote> => {
    if (_codec == null) {
      _codec = message<Quote>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.farmer != null && obj.farmer.byteLength > 0)) {
          w.uint32(10)
          w.bytes(obj.farmer)
        }

        if ((obj.twin != null && obj.twin.byteLength > 0)) {
          w.uint32(18)
          w.bytes(obj.twin)
        }

        if (obj.resources != null) {
          w.uint32(26)
          Amount.codec().encode(obj.resources, w)
        }

        if ((obj.currency != null && obj.currency !== '')) {
          w.uint32(34)
          w.string(obj.currency)
        }

        if ((obj.pricePerHourMicro != null && obj.pricePerHourMicro !== 0)) {
          w.uint32(40)
          w.uint64Number(obj.pricePerHourMicro)
        }

        if ((obj.leaseMs != null && obj.leaseMs !== 0)) {
          w.uint32(48)
          w.uint64Number(obj.leaseMs)
        }

        if ((obj.validUntilMs != null && obj.validUntilMs !== 0)) {
          w.uint32(56)
          w.uint64Number(obj.validUntilMs)
        }

        if ((obj.nonce != null && obj.nonce.byteLength > 0)) {
          w.uint32(66)
          w.bytes(obj.nonce)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          farmer: uint8ArrayAlloc(0),
          twin: uint8ArrayAlloc(0),
          currency: '',
          pricePerHourMicro: 0,
          leaseMs: 0,
          validUntilMs: 0,
          nonce: uint8ArrayAlloc(0)
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.farmer = reader.bytes()
              break
            }
            case 2: {
              obj.twin = reader.bytes()
              break
            }
            case 3: {
              obj.resources = Amount.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.resources
              })
              break
            }
            case 4: {
              obj.currency = reader.string()
              break
            }
            case 5: {
              obj.pricePerHourMicro = reader.uint64Number()
              break
            }
            case 6: {
              obj.leaseMs = reader.uint64Number()
              break
            }
            case 7: {
              obj.validUntilMs = reader.uint64Number()
              break
            }
            case 8: {
              obj.nonce = reader.bytes()
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
                field: `${prefix}.farmer`,
                value: reader.bytes()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.twin`,
                value: reader.bytes()
              }
              break
            }
            case 3: {
              yield * Amount.codec().stream(reader, reader.uint32(), `${prefix}.resources`, {
                limits: opts.limits?.resources
              })

              break
            }
            case 4: {
              yield {
                field: `${prefix}.currency`,
                value: reader.string()
              }
              break
            }
            case 5: {
              yield {
                field: `${prefix}.pricePerHourMicro`,
                value: reader.uint64Number()
              }
              break
            }
            case 6: {
              yield {
                field: `${prefix}.leaseMs`,
                value: reader.uint64Number()
              }
              break
            }
            case 7: {
              yield {
                field: `${prefix}.validUntilMs`,
                value: reader.uint64Number()
              }
              break
            }
            case 8: {
              yield {
                field: `${prefix}.nonce`,
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

  export interface QuoteFarmerFieldEvent {
    field: '$.farmer'
    value: Uint8Array<ArrayBuffer>
  }

  export interface QuoteTwinFieldEvent {
    field: '$.twin'
    value: Uint8Array<ArrayBuffer>
  }

  export interface QuoteResourcesCruFieldEvent {
    field: '$.resources.cru'
    value: number
  }

  export interface QuoteResourcesMruFieldEvent {
    field: '$.resources.mru'
    value: number
  }

  export interface QuoteResourcesSruFieldEvent {
    field: '$.resources.sru'
    value: number
  }

  export interface QuoteResourcesHruFieldEvent {
    field: '$.resources.hru'
    value: number
  }

  export interface QuoteResourcesIpv4uFieldEvent {
    field: '$.resources.ipv4u'
    value: number
  }

  export interface QuoteResourcesCruMilliFieldEvent {
    field: '$.resources.cruMilli'
    value: number
  }

  export interface QuoteCurrencyFieldEvent {
    field: '$.currency'
    value: string
  }

  export interface QuotePricePerHourMicroFieldEvent {
    field: '$.pricePerHourMicro'
    value: number
  }

  export interface QuoteLeaseMsFieldEvent {
    field: '$.leaseMs'
    value: number
  }

  export interface QuoteValidUntilMsFieldEvent {
    field: '$.validUntilMs'
    value: number
  }

  export interface QuoteNonceFieldEvent {
    field: '$.nonce'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<Quote>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, Quote.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Quote>): Quote {
    return decodeMessage(buf, Quote.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Quote>): Generator<QuoteFarmerFieldEvent | QuoteTwinFieldEvent | QuoteResourcesCruFieldEvent | QuoteResourcesMruFieldEvent | QuoteResourcesSruFieldEvent | QuoteResourcesHruFieldEvent | QuoteResourcesIpv4uFieldEvent | QuoteResourcesCruMilliFieldEvent | QuoteCurrencyFieldEvent | QuotePricePerHourMicroFieldEvent | QuoteLeaseMsFieldEvent | QuoteValidUntilMsFieldEvent | QuoteNonceFieldEvent> {
    return streamMessage(buf, Quote.codec(), opts)
  }
}

export interface Proposal {
  quoteEnvelope: Uint8Array<ArrayBuffer>
  twin: Uint8Array<ArrayBuffer>
  createdAtMs: number
}

export namespace Proposal {
  let _codec: Codec<Proposal>

  export const codec = (): Codec<Proposal> => {
    if (_codec == null) {
      _codec = message<Proposal>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.quoteEnvelope != null && obj.quoteEnvelope.byteLength > 0)) {
          w.uint32(10)
          w.bytes(obj.quoteEnvelope)
        }

        if ((obj.twin != null && obj.twin.byteLength > 0)) {
          w.uint32(18)
          w.bytes(obj.twin)
        }

        if ((obj.createdAtMs != null && obj.createdAtMs !== 0)) {
          w.uint32(24)
          w.uint64Number(obj.createdAtMs)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          quoteEnvelope: uint8ArrayAlloc(0),
          twin: uint8ArrayAlloc(0),
          createdAtMs: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.quoteEnvelope = reader.bytes()
              break
            }
            case 2: {
              obj.twin = reader.bytes()
              break
            }
            case 3: {
              obj.createdAtMs = reader.uint64Number()
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
                field: `${prefix}.quoteEnvelope`,
                value: reader.bytes()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.twin`,
                value: reader.bytes()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.createdAtMs`,
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

  export interface ProposalQuoteEnvelopeFieldEvent {
    field: '$.quoteEnvelope'
    value: Uint8Array<ArrayBuffer>
  }

  export interface ProposalTwinFieldEvent {
    field: '$.twin'
    value: Uint8Array<ArrayBuffer>
  }

  export interface ProposalCreatedAtMsFieldEvent {
    field: '$.createdAtMs'
    value: number
  }

  export function encode (obj: Partial<Proposal>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, Proposal.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Proposal>): Proposal {
    return decodeMessage(buf, Proposal.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Proposal>): Generator<ProposalQuoteEnvelopeFieldEvent | ProposalTwinFieldEvent | ProposalCreatedAtMsFieldEvent> {
    return streamMessage(buf, Proposal.codec(), opts)
  }
}

export interface Acceptance {
  contractId: Uint8Array<ArrayBuffer>
  leaseStartMs: number
  leaseEndMs: number
  acceptedAtMs: number
  version: number
}

export namespace Acceptance {
  let _codec: Codec<Acceptance>

  export const codec = (): Codec<Acceptance> => {
    if (_codec == null) {
      _codec = message<Acceptance>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.contractId != null && obj.contractId.byteLength > 0)) {
          w.uint32(10)
          w.bytes(obj.contractId)
        }

        if ((obj.leaseStartMs != null && obj.leaseStartMs !== 0)) {
          w.uint32(16)
          w.uint64Number(obj.leaseStartMs)
        }

        if ((obj.leaseEndMs != null && obj.leaseEndMs !== 0)) {
          w.uint32(24)
          w.uint64Number(obj.leaseEndMs)
        }

        if ((obj.acceptedAtMs != null && obj.acceptedAtMs !== 0)) {
          w.uint32(32)
          w.uint64Number(obj.acceptedAtMs)
        }

        if ((obj.version != null && obj.version !== 0)) {
          w.uint32(40)
          w.uint64Number(obj.version)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          contractId: uint8ArrayAlloc(0),
          leaseStartMs: 0,
          leaseEndMs: 0,
          acceptedAtMs: 0,
          version: 0
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
              obj.leaseStartMs = reader.uint64Number()
              break
            }
            case 3: {
              obj.leaseEndMs = reader.uint64Number()
              break
            }
            case 4: {
              obj.acceptedAtMs = reader.uint64Number()
              break
            }
            case 5: {
              obj.version = reader.uint64Number()
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
                field: `${prefix}.leaseStartMs`,
                value: reader.uint64Number()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.leaseEndMs`,
                value: reader.uint64Number()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.acceptedAtMs`,
                value: reader.uint64Number()
              }
              break
            }
            case 5: {
              yield {
                field: `${prefix}.version`,
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

  export interface AcceptanceContractIdFieldEvent {
    field: '$.contractId'
    value: Uint8Array<ArrayBuffer>
  }

  export interface AcceptanceLeaseStartMsFieldEvent {
    field: '$.leaseStartMs'
    value: number
  }

  export interface AcceptanceLeaseEndMsFieldEvent {
    field: '$.leaseEndMs'
    value: number
  }

  export interface AcceptanceAcceptedAtMsFieldEvent {
    field: '$.acceptedAtMs'
    value: number
  }

  export interface AcceptanceVersionFieldEvent {
    field: '$.version'
    value: number
  }

  export function encode (obj: Partial<Acceptance>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, Acceptance.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Acceptance>): Acceptance {
    return decodeMessage(buf, Acceptance.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Acceptance>): Generator<AcceptanceContractIdFieldEvent | AcceptanceLeaseStartMsFieldEvent | AcceptanceLeaseEndMsFieldEvent | AcceptanceAcceptedAtMsFieldEvent | AcceptanceVersionFieldEvent> {
    return streamMessage(buf, Acceptance.codec(), opts)
  }
}

export interface UsageReceipt {
  contractId: Uint8Array<ArrayBuffer>
  seq: number
  periodStartMs: number
  periodEndMs: number
  cuHoursMilli: number
  suHoursMilli: number
  ipv4HoursMilli: number
  currency: string
  amountMicro: number
}

export namespace UsageReceipt {
  let _codec: Codec<UsageReceipt>

  export const codec = (): Codec<UsageReceipt> => {
    if (_codec == null) {
      _codec = message<UsageReceipt>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.contractId != null && obj.contractId.byteLength > 0)) {
          w.uint32(10)
          w.bytes(obj.contractId)
        }

        if ((obj.seq != null && obj.seq !== 0)) {
          w.uint32(16)
          w.uint64Number(obj.seq)
        }

        if ((obj.periodStartMs != null && obj.periodStartMs !== 0)) {
          w.uint32(24)
          w.uint64Number(obj.periodStartMs)
        }

        if ((obj.periodEndMs != null && obj.periodEndMs !== 0)) {
          w.uint32(32)
          w.uint64Number(obj.periodEndMs)
        }

        if ((obj.cuHoursMilli != null && obj.cuHoursMilli !== 0)) {
          w.uint32(40)
          w.uint64Number(obj.cuHoursMilli)
        }

        if ((obj.suHoursMilli != null && obj.suHoursMilli !== 0)) {
          w.uint32(48)
          w.uint64Number(obj.suHoursMilli)
        }

        if ((obj.ipv4HoursMilli != null && obj.ipv4HoursMilli !== 0)) {
          w.uint32(56)
          w.uint64Number(obj.ipv4HoursMilli)
        }

        if ((obj.currency != null && obj.currency !== '')) {
          w.uint32(66)
          w.string(obj.currency)
        }

        if ((obj.amountMicro != null && obj.amountMicro !== 0)) {
          w.uint32(72)
          w.uint64Number(obj.amountMicro)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          contractId: uint8ArrayAlloc(0),
          seq: 0,
          periodStartMs: 0,
          periodEndMs: 0,
          cuHoursMilli: 0,
          suHoursMilli: 0,
          ipv4HoursMilli: 0,
          currency: '',
          amountMicro: 0
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
              obj.seq = reader.uint64Number()
              break
            }
            case 3: {
              obj.periodStartMs = reader.uint64Number()
              break
            }
            case 4: {
              obj.periodEndMs = reader.uint64Number()
              break
            }
            case 5: {
              obj.cuHoursMilli = reader.uint64Number()
              break
            }
            case 6: {
              obj.suHoursMilli = reader.uint64Number()
              break
            }
            case 7: {
              obj.ipv4HoursMilli = reader.uint64Number()
              break
            }
            case 8: {
              obj.currency = reader.string()
              break
            }
            case 9: {
              obj.amountMicro = reader.uint64Number()
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
                field: `${prefix}.seq`,
                value: reader.uint64Number()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.periodStartMs`,
                value: reader.uint64Number()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.periodEndMs`,
                value: reader.uint64Number()
              }
              break
            }
            case 5: {
              yield {
                field: `${prefix}.cuHoursMilli`,
                value: reader.uint64Number()
              }
              break
            }
            case 6: {
              yield {
                field: `${prefix}.suHoursMilli`,
                value: reader.uint64Number()
              }
              break
            }
            case 7: {
              yield {
                field: `${prefix}.ipv4HoursMilli`,
                value: reader.uint64Number()
              }
              break
            }
            case 8: {
              yield {
                field: `${prefix}.currency`,
                value: reader.string()
              }
              break
            }
            case 9: {
              yield {
                field: `${prefix}.amountMicro`,
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

  export interface UsageReceiptContractIdFieldEvent {
    field: '$.contractId'
    value: Uint8Array<ArrayBuffer>
  }

  export interface UsageReceiptSeqFieldEvent {
    field: '$.seq'
    value: number
  }

  export interface UsageReceiptPeriodStartMsFieldEvent {
    field: '$.periodStartMs'
    value: number
  }

  export interface UsageReceiptPeriodEndMsFieldEvent {
    field: '$.periodEndMs'
    value: number
  }

  export interface UsageReceiptCuHoursMilliFieldEvent {
    field: '$.cuHoursMilli'
    value: number
  }

  export interface UsageReceiptSuHoursMilliFieldEvent {
    field: '$.suHoursMilli'
    value: number
  }

  export interface UsageReceiptIpv4HoursMilliFieldEvent {
    field: '$.ipv4HoursMilli'
    value: number
  }

  export interface UsageReceiptCurrencyFieldEvent {
    field: '$.currency'
    value: string
  }

  export interface UsageReceiptAmountMicroFieldEvent {
    field: '$.amountMicro'
    value: number
  }

  export function encode (obj: Partial<UsageReceipt>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, UsageReceipt.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<UsageReceipt>): UsageReceipt {
    return decodeMessage(buf, UsageReceipt.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<UsageReceipt>): Generator<UsageReceiptContractIdFieldEvent | UsageReceiptSeqFieldEvent | UsageReceiptPeriodStartMsFieldEvent | UsageReceiptPeriodEndMsFieldEvent | UsageReceiptCuHoursMilliFieldEvent | UsageReceiptSuHoursMilliFieldEvent | UsageReceiptIpv4HoursMilliFieldEvent | UsageReceiptCurrencyFieldEvent | UsageReceiptAmountMicroFieldEvent> {
    return streamMessage(buf, UsageReceipt.codec(), opts)
  }
}

export enum ContractState {
  UNKNOWN = 'UNKNOWN',
  ACTIVE = 'ACTIVE',
  EXPIRED = 'EXPIRED',
  CANCELLED = 'CANCELLED',
  ENDED = 'ENDED'
}

enum __ContractStateValues {
  UNKNOWN = 0,
  ACTIVE = 1,
  EXPIRED = 2,
  CANCELLED = 3,
  ENDED = 4
}

export namespace ContractState {
  export const codec = (): Codec<ContractState> => {
    return enumeration<ContractState>(__ContractStateValues)
  }
}

export interface Contract {
  contractId: Uint8Array<ArrayBuffer>
  proposalEnvelope: Uint8Array<ArrayBuffer>
  acceptanceEnvelope: Uint8Array<ArrayBuffer>
  state: ContractState
  stateChangedMs: number
}

export namespace Contract {
  let _codec: Codec<Contract>

  export const codec = (): Codec<Contract> => {
    if (_codec == null) {
      _codec = message<Contract>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.contractId != null && obj.contractId.byteLength > 0)) {
          w.uint32(10)
          w.bytes(obj.contractId)
        }

        if ((obj.proposalEnvelope != null && obj.proposalEnvelope.byteLength > 0)) {
          w.uint32(18)
          w.bytes(obj.proposalEnvelope)
        }

        if ((obj.acceptanceEnvelope != null && obj.acceptanceEnvelope.byteLength > 0)) {
          w.uint32(26)
          w.bytes(obj.acceptanceEnvelope)
        }

        if (obj.state != null && __ContractStateValues[obj.state] !== 0) {
          w.uint32(32)
          ContractState.codec().encode(obj.state, w)
        }

        if ((obj.stateChangedMs != null && obj.stateChangedMs !== 0)) {
          w.uint32(40)
          w.uint64Number(obj.stateChangedMs)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          contractId: uint8ArrayAlloc(0),
          proposalEnvelope: uint8ArrayAlloc(0),
          acceptanceEnvelope: uint8ArrayAlloc(0),
          state: ContractState.UNKNOWN,
          stateChangedMs: 0
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
              obj.proposalEnvelope = reader.bytes()
              break
            }
            case 3: {
              obj.acceptanceEnvelope = reader.bytes()
              break
            }
            case 4: {
              obj.state = ContractState.codec().decode(reader)
              break
            }
            case 5: {
              obj.stateChangedMs = reader.uint64Number()
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
                field: `${prefix}.proposalEnvelope`,
                value: reader.bytes()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.acceptanceEnvelope`,
                value: reader.bytes()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.state`,
                value: ContractState.codec().decode(reader)
              }
              break
            }
            case 5: {
              yield {
                field: `${prefix}.stateChangedMs`,
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

  export interface ContractContractIdFieldEvent {
    field: '$.contractId'
    value: Uint8Array<ArrayBuffer>
  }

  export interface ContractProposalEnvelopeFieldEvent {
    field: '$.proposalEnvelope'
    value: Uint8Array<ArrayBuffer>
  }

  export interface ContractAcceptanceEnvelopeFieldEvent {
    field: '$.acceptanceEnvelope'
    value: Uint8Array<ArrayBuffer>
  }

  export interface ContractStateFieldEvent {
    field: '$.state'
    value: ContractState
  }

  export interface ContractStateChangedMsFieldEvent {
    field: '$.stateChangedMs'
    value: number
  }

  export function encode (obj: Partial<Contract>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, Contract.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Contract>): Contract {
    return decodeMessage(buf, Contract.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Contract>): Generator<ContractContractIdFieldEvent | ContractProposalEnvelopeFieldEvent | ContractAcceptanceEnvelopeFieldEvent | ContractStateFieldEvent | ContractStateChangedMsFieldEvent> {
    return streamMessage(buf, Contract.codec(), opts)
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

export interface QuoteRequest {
  resources?: Amount
  leaseMs: number
}

export namespace QuoteRequest {
  let _codec: Codec<QuoteRequest>

  export const codec = (): Codec<QuoteRequest> => {
    if (_codec == null) {
      _codec = message<QuoteRequest>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if (obj.resources != null) {
          w.uint32(10)
          Amount.codec().encode(obj.resources, w)
        }

        if ((obj.leaseMs != null && obj.leaseMs !== 0)) {
          w.uint32(16)
          w.uint64Number(obj.leaseMs)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          leaseMs: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.resources = Amount.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.resources
              })
              break
            }
            case 2: {
              obj.leaseMs = reader.uint64Number()
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
              yield * Amount.codec().stream(reader, reader.uint32(), `${prefix}.resources`, {
                limits: opts.limits?.resources
              })

              break
            }
            case 2: {
              yield {
                field: `${prefix}.leaseMs`,
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

  export interface QuoteRequestResourcesCruFieldEvent {
    field: '$.resources.cru'
    value: number
  }

  export interface QuoteRequestResourcesMruFieldEvent {
    field: '$.resources.mru'
    value: number
  }

  export interface QuoteRequestResourcesSruFieldEvent {
    field: '$.resources.sru'
    value: number
  }

  export interface QuoteRequestResourcesHruFieldEvent {
    field: '$.resources.hru'
    value: number
  }

  export interface QuoteRequestResourcesIpv4uFieldEvent {
    field: '$.resources.ipv4u'
    value: number
  }

  export interface QuoteRequestResourcesCruMilliFieldEvent {
    field: '$.resources.cruMilli'
    value: number
  }

  export interface QuoteRequestLeaseMsFieldEvent {
    field: '$.leaseMs'
    value: number
  }

  export function encode (obj: Partial<QuoteRequest>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, QuoteRequest.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<QuoteRequest>): QuoteRequest {
    return decodeMessage(buf, QuoteRequest.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<QuoteRequest>): Generator<QuoteRequestResourcesCruFieldEvent | QuoteRequestResourcesMruFieldEvent | QuoteRequestResourcesSruFieldEvent | QuoteRequestResourcesHruFieldEvent | QuoteRequestResourcesIpv4uFieldEvent | QuoteRequestResourcesCruMilliFieldEvent | QuoteRequestLeaseMsFieldEvent> {
    return streamMessage(buf, QuoteRequest.codec(), opts)
  }
}

export interface RenewRequest {
  contractId: Uint8Array<ArrayBuffer>
  leaseMs: number
}

export namespace RenewRequest {
  let _codec: Codec<RenewRequest>

  export const codec = (): Codec<RenewRequest> => {
    if (_codec == null) {
      _codec = message<RenewRequest>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.contractId != null && obj.contractId.byteLength > 0)) {
          w.uint32(10)
          w.bytes(obj.contractId)
        }

        if ((obj.leaseMs != null && obj.leaseMs !== 0)) {
          w.uint32(16)
          w.uint64Number(obj.leaseMs)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          contractId: uint8ArrayAlloc(0),
          leaseMs: 0
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
              obj.leaseMs = reader.uint64Number()
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
                field: `${prefix}.leaseMs`,
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

  export interface RenewRequestContractIdFieldEvent {
    field: '$.contractId'
    value: Uint8Array<ArrayBuffer>
  }

  export interface RenewRequestLeaseMsFieldEvent {
    field: '$.leaseMs'
    value: number
  }

  export function encode (obj: Partial<RenewRequest>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, RenewRequest.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<RenewRequest>): RenewRequest {
    return decodeMessage(buf, RenewRequest.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<RenewRequest>): Generator<RenewRequestContractIdFieldEvent | RenewRequestLeaseMsFieldEvent> {
    return streamMessage(buf, RenewRequest.codec(), opts)
  }
}

export interface ContractRef {
  contractId: Uint8Array<ArrayBuffer>
}

export namespace ContractRef {
  let _codec: Codec<ContractRef>

  export const codec = (): Codec<ContractRef> => {
    if (_codec == null) {
      _codec = message<ContractRef>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.contractId != null && obj.contractId.byteLength > 0)) {
          w.uint32(10)
          w.bytes(obj.contractId)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          contractId: uint8ArrayAlloc(0)
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.contractId = reader.bytes()
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

  export interface ContractRefContractIdFieldEvent {
    field: '$.contractId'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<ContractRef>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, ContractRef.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<ContractRef>): ContractRef {
    return decodeMessage(buf, ContractRef.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<ContractRef>): Generator<ContractRefContractIdFieldEvent> {
    return streamMessage(buf, ContractRef.codec(), opts)
  }
}

export interface ListRequest {}

export namespace ListRequest {
  let _codec: Codec<ListRequest>

  export const codec = (): Codec<ListRequest> => {
    if (_codec == null) {
      _codec = message<ListRequest>((obj, w, opts = {}) => {
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

  export function encode (obj: Partial<ListRequest>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, ListRequest.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<ListRequest>): ListRequest {
    return decodeMessage(buf, ListRequest.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<ListRequest>): Generator<{}> {
    return streamMessage(buf, ListRequest.codec(), opts)
  }
}

export interface ReceiptsRequest {
  contractId: Uint8Array<ArrayBuffer>
  afterSeq: number
}

export namespace ReceiptsRequest {
  let _codec: Codec<ReceiptsRequest>

  export const codec = (): Codec<ReceiptsRequest> => {
    if (_codec == null) {
      _codec = message<ReceiptsRequest>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.contractId != null && obj.contractId.byteLength > 0)) {
          w.uint32(10)
          w.bytes(obj.contractId)
        }

        if ((obj.afterSeq != null && obj.afterSeq !== 0)) {
          w.uint32(16)
          w.uint64Number(obj.afterSeq)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          contractId: uint8ArrayAlloc(0),
          afterSeq: 0
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
              obj.afterSeq = reader.uint64Number()
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
                field: `${prefix}.afterSeq`,
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

  export interface ReceiptsRequestContractIdFieldEvent {
    field: '$.contractId'
    value: Uint8Array<ArrayBuffer>
  }

  export interface ReceiptsRequestAfterSeqFieldEvent {
    field: '$.afterSeq'
    value: number
  }

  export function encode (obj: Partial<ReceiptsRequest>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, ReceiptsRequest.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<ReceiptsRequest>): ReceiptsRequest {
    return decodeMessage(buf, ReceiptsRequest.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<ReceiptsRequest>): Generator<ReceiptsRequestContractIdFieldEvent | ReceiptsRequestAfterSeqFieldEvent> {
    return streamMessage(buf, ReceiptsRequest.codec(), opts)
  }
}

export interface Request {
  quote?: QuoteRequest
  proposalEnvelope: Uint8Array<ArrayBuffer>
  renew?: RenewRequest
  cancel?: ContractRef
  get?: ContractRef
  list?: ListRequest
  receipts?: ReceiptsRequest
}

export namespace Request {
  let _codec: Codec<Request>

  export const codec = (): Codec<Request> => {
    if (_codec == null) {
      _codec = message<Request>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if (obj.quote != null) {
          w.uint32(10)
          QuoteRequest.codec().encode(obj.quote, w)
        }

        if ((obj.proposalEnvelope != null && obj.proposalEnvelope.byteLength > 0)) {
          w.uint32(18)
          w.bytes(obj.proposalEnvelope)
        }

        if (obj.renew != null) {
          w.uint32(26)
          RenewRequest.codec().encode(obj.renew, w)
        }

        if (obj.cancel != null) {
          w.uint32(34)
          ContractRef.codec().encode(obj.cancel, w)
        }

        if (obj.get != null) {
          w.uint32(42)
          ContractRef.codec().encode(obj.get, w)
        }

        if (obj.list != null) {
          w.uint32(50)
          ListRequest.codec().encode(obj.list, w)
        }

        if (obj.receipts != null) {
          w.uint32(58)
          ReceiptsRequest.codec().encode(obj.receipts, w)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          proposalEnvelope: uint8ArrayAlloc(0)
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.quote = QuoteRequest.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.quote
              })
              break
            }
            case 2: {
              obj.proposalEnvelope = reader.bytes()
              break
            }
            case 3: {
              obj.renew = RenewRequest.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.renew
              })
              break
            }
            case 4: {
              obj.cancel = ContractRef.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.cancel
              })
              break
            }
            case 5: {
              obj.get = ContractRef.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.get
              })
              break
            }
            case 6: {
              obj.list = ListRequest.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.list
              })
              break
            }
            case 7: {
              obj.receipts = ReceiptsRequest.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.receipts
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
              yield * QuoteRequest.codec().stream(reader, reader.uint32(), `${prefix}.quote`, {
                limits: opts.limits?.quote
              })

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
              yield * RenewRequest.codec().stream(reader, reader.uint32(), `${prefix}.renew`, {
                limits: opts.limits?.renew
              })

              break
            }
            case 4: {
              yield * ContractRef.codec().stream(reader, reader.uint32(), `${prefix}.cancel`, {
                limits: opts.limits?.cancel
              })

              break
            }
            case 5: {
              yield * ContractRef.codec().stream(reader, reader.uint32(), `${prefix}.get`, {
                limits: opts.limits?.get
              })

              break
            }
            case 6: {
              yield * ListRequest.codec().stream(reader, reader.uint32(), `${prefix}.list`, {
                limits: opts.limits?.list
              })

              break
            }
            case 7: {
              yield * ReceiptsRequest.codec().stream(reader, reader.uint32(), `${prefix}.receipts`, {
                limits: opts.limits?.receipts
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

  export interface RequestQuoteResourcesCruFieldEvent {
    field: '$.quote.resources.cru'
    value: number
  }

  export interface RequestQuoteResourcesMruFieldEvent {
    field: '$.quote.resources.mru'
    value: number
  }

  export interface RequestQuoteResourcesSruFieldEvent {
    field: '$.quote.resources.sru'
    value: number
  }

  export interface RequestQuoteResourcesHruFieldEvent {
    field: '$.quote.resources.hru'
    value: number
  }

  export interface RequestQuoteResourcesIpv4uFieldEvent {
    field: '$.quote.resources.ipv4u'
    value: number
  }

  export interface RequestQuoteResourcesCruMilliFieldEvent {
    field: '$.quote.resources.cruMilli'
    value: number
  }

  export interface RequestQuoteLeaseMsFieldEvent {
    field: '$.quote.leaseMs'
    value: number
  }

  export interface RequestProposalEnvelopeFieldEvent {
    field: '$.proposalEnvelope'
    value: Uint8Array<ArrayBuffer>
  }

  export interface RequestRenewContractIdFieldEvent {
    field: '$.renew.contractId'
    value: Uint8Array<ArrayBuffer>
  }

  export interface RequestRenewLeaseMsFieldEvent {
    field: '$.renew.leaseMs'
    value: number
  }

  export interface RequestCancelContractIdFieldEvent {
    field: '$.cancel.contractId'
    value: Uint8Array<ArrayBuffer>
  }

  export interface RequestGetContractIdFieldEvent {
    field: '$.get.contractId'
    value: Uint8Array<ArrayBuffer>
  }

  export interface RequestReceiptsContractIdFieldEvent {
    field: '$.receipts.contractId'
    value: Uint8Array<ArrayBuffer>
  }

  export interface RequestReceiptsAfterSeqFieldEvent {
    field: '$.receipts.afterSeq'
    value: number
  }

  export function encode (obj: Partial<Request>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, Request.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Request>): Request {
    return decodeMessage(buf, Request.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Request>): Generator<RequestQuoteResourcesCruFieldEvent | RequestQuoteResourcesMruFieldEvent | RequestQuoteResourcesSruFieldEvent | RequestQuoteResourcesHruFieldEvent | RequestQuoteResourcesIpv4uFieldEvent | RequestQuoteResourcesCruMilliFieldEvent | RequestQuoteLeaseMsFieldEvent | RequestProposalEnvelopeFieldEvent | RequestRenewContractIdFieldEvent | RequestRenewLeaseMsFieldEvent | RequestCancelContractIdFieldEvent | RequestGetContractIdFieldEvent | RequestReceiptsContractIdFieldEvent | RequestReceiptsAfterSeqFieldEvent> {
    return streamMessage(buf, Request.codec(), opts)
  }
}

export interface Response {
  error?: Error
  quoteEnvelope: Uint8Array<ArrayBuffer>
  contract?: Contract
  contracts: Contract[]
  receiptEnvelopes: Uint8Array<ArrayBuffer>[]
}

export namespace Response {
  let _codec: Codec<Response>

  export const codec = (): Codec<Response> => {
    if (_codec == null) {
      _codec = message<Response>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if (obj.error != null) {
          w.uint32(10)
          Error.codec().encode(obj.error, w)
        }

        if ((obj.quoteEnvelope != null && obj.quoteEnvelope.byteLength > 0)) {
          w.uint32(18)
          w.bytes(obj.quoteEnvelope)
        }

        if (obj.contract != null) {
          w.uint32(26)
          Contract.codec().encode(obj.contract, w)
        }

        if (obj.contracts != null && obj.contracts.length > 0) {
          for (const value of obj.contracts) {
            w.uint32(34)
            Contract.codec().encode(value, w)
          }
        }

        if (obj.receiptEnvelopes != null && obj.receiptEnvelopes.length > 0) {
          for (const value of obj.receiptEnvelopes) {
            w.uint32(42)
            w.bytes(value)
          }
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          quoteEnvelope: uint8ArrayAlloc(0),
          contracts: [],
          receiptEnvelopes: []
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
              obj.quoteEnvelope = reader.bytes()
              break
            }
            case 3: {
              obj.contract = Contract.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.contract
              })
              break
            }
            case 4: {
              if (opts.limits?.contracts != null && obj.contracts.length === opts.limits.contracts) {
                throw new MaxLengthError('Decode error - repeated field "contracts" had too many elements')
              }

              obj.contracts.push(Contract.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.contracts$
              }))
              break
            }
            case 5: {
              if (opts.limits?.receiptEnvelopes != null && obj.receiptEnvelopes.length === opts.limits.receiptEnvelopes) {
                throw new MaxLengthError('Decode error - repeated field "receiptEnvelopes" had too many elements')
              }

              obj.receiptEnvelopes.push(reader.bytes())
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
          contracts: 0,
          receiptEnvelopes: 0
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
                field: `${prefix}.quoteEnvelope`,
                value: reader.bytes()
              }
              break
            }
            case 3: {
              yield * Contract.codec().stream(reader, reader.uint32(), `${prefix}.contract`, {
                limits: opts.limits?.contract
              })

              break
            }
            case 4: {
              if (opts.limits?.contracts != null && obj.contracts === opts.limits.contracts) {
                throw new MaxLengthError('Streaming decode error - repeated field "contracts" had too many elements')
              }

              for (const evt of Contract.codec().stream(reader, reader.uint32(), `${prefix}.contracts[]`, {
                limits: opts.limits?.contracts$
              })) {
                yield {
                  ...evt,
                  index: obj.contracts
                }
              }

              obj.contracts++

              break
            }
            case 5: {
              if (opts.limits?.receiptEnvelopes != null && obj.receiptEnvelopes === opts.limits.receiptEnvelopes) {
                throw new MaxLengthError('Streaming decode error - repeated field "receiptEnvelopes" had too many elements')
              }

              yield {
                field: `${prefix}.receiptEnvelopes[]`,
                index: obj.receiptEnvelopes,
                value: reader.bytes()
              }

              obj.receiptEnvelopes++

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

  export interface ResponseErrorCodeFieldEvent {
    field: '$.error.code'
    value: string
  }

  export interface ResponseErrorMessageFieldEvent {
    field: '$.error.message'
    value: string
  }

  export interface ResponseErrorRetryAfterMsFieldEvent {
    field: '$.error.retryAfterMs'
    value: number
  }

  export interface ResponseQuoteEnvelopeFieldEvent {
    field: '$.quoteEnvelope'
    value: Uint8Array<ArrayBuffer>
  }

  export interface ResponseContractContractIdFieldEvent {
    field: '$.contract.contractId'
    value: Uint8Array<ArrayBuffer>
  }

  export interface ResponseContractProposalEnvelopeFieldEvent {
    field: '$.contract.proposalEnvelope'
    value: Uint8Array<ArrayBuffer>
  }

  export interface ResponseContractAcceptanceEnvelopeFieldEvent {
    field: '$.contract.acceptanceEnvelope'
    value: Uint8Array<ArrayBuffer>
  }

  export interface ResponseContractStateFieldEvent {
    field: '$.contract.state'
    value: ContractState
  }

  export interface ResponseContractStateChangedMsFieldEvent {
    field: '$.contract.stateChangedMs'
    value: number
  }

  export interface ResponseContractsContractIdFieldEvent {
    field: '$.contracts[].contractId'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface ResponseContractsProposalEnvelopeFieldEvent {
    field: '$.contracts[].proposalEnvelope'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface ResponseContractsAcceptanceEnvelopeFieldEvent {
    field: '$.contracts[].acceptanceEnvelope'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface ResponseContractsStateFieldEvent {
    field: '$.contracts[].state'
    value: ContractState
    index: number
  }

  export interface ResponseContractsStateChangedMsFieldEvent {
    field: '$.contracts[].stateChangedMs'
    value: number
    index: number
  }

  export interface ResponseReceiptEnvelopesFieldEvent {
    field: '$.receiptEnvelopes[]'
    index: number
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<Response>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, Response.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Response>): Response {
    return decodeMessage(buf, Response.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Response>): Generator<ResponseErrorCodeFieldEvent | ResponseErrorMessageFieldEvent | ResponseErrorRetryAfterMsFieldEvent | ResponseQuoteEnvelopeFieldEvent | ResponseContractContractIdFieldEvent | ResponseContractProposalEnvelopeFieldEvent | ResponseContractAcceptanceEnvelopeFieldEvent | ResponseContractStateFieldEvent | ResponseContractStateChangedMsFieldEvent | ResponseContractsContractIdFieldEvent | ResponseContractsProposalEnvelopeFieldEvent | ResponseContractsAcceptanceEnvelopeFieldEvent | ResponseContractsStateFieldEvent | ResponseContractsStateChangedMsFieldEvent | ResponseReceiptEnvelopesFieldEvent> {
    return streamMessage(buf, Response.codec(), opts)
  }
}
