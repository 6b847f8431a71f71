import type { PrivateKey } from '@libp2p/interface'
import { computeUnits, storageUnits, type Resources } from '@p2pcloud/capacity'
import { RECEIPT_RECORD, contractIdFromBytes, contractIdToBytes, contractMessages, sealRecord } from '@p2pcloud/wire'
import { ContractRecordError, openContractRecord } from './records.js'

const HOUR = 3_600_000

/** What one contract used over one period, priced by its quote, in the farmer's signed words. */
export interface UsageReceipt {
  contractId: string
  seq: number
  periodStart: number
  periodEnd: number
  cuHoursMilli: number
  suHoursMilli: number
  ipv4HoursMilli: number
  currency: string
  amountMicro: number
}

/** The usage of `resources` held from `start` to `end`, priced at `pricePerHourMicro`. */
export function usageOf (contractId: string, seq: number, resources: Resources, pricePerHourMicro: number, currency: string, start: number, end: number): UsageReceipt {
  const hours = (end - start) / HOUR
  return {
    contractId,
    seq,
    periodStart: start,
    periodEnd: end,
    cuHoursMilli: Math.round(computeUnits(resources) * hours * 1000),
    suHoursMilli: Math.round(storageUnits(resources) * hours * 1000),
    ipv4HoursMilli: Math.round(resources.ipv4u * hours * 1000),
    currency,
    amountMicro: Math.round(pricePerHourMicro * hours)
  }
}

export async function signReceipt (receipt: UsageReceipt, farmerKey: PrivateKey): Promise<Uint8Array> {
  return sealRecord(RECEIPT_RECORD, contractMessages.UsageReceipt.encode({
    contractId: contractIdToBytes(receipt.contractId),
    seq: receipt.seq,
    periodStartMs: receipt.periodStart,
    periodEndMs: receipt.periodEnd,
    cuHoursMilli: receipt.cuHoursMilli,
    suHoursMilli: receipt.suHoursMilli,
    ipv4HoursMilli: receipt.ipv4HoursMilli,
    currency: receipt.currency,
    amountMicro: receipt.amountMicro
  }), farmerKey)
}

/** Verify a receipt signed by `farmer`. */
export async function openReceipt (envelope: Uint8Array, farmer: string): Promise<UsageReceipt> {
  const { signer, value } = await openContractRecord(RECEIPT_RECORD, envelope, bytes => contractMessages.UsageReceipt.decode(bytes))
  if (signer !== farmer) throw new ContractRecordError('INVALID_SIGNATURE', `receipt signed by ${signer}, not by the farmer ${farmer}`)
  return {
    contractId: contractIdFromBytes(value.contractId),
    seq: value.seq,
    periodStart: value.periodStartMs,
    periodEnd: value.periodEndMs,
    cuHoursMilli: value.cuHoursMilli,
    suHoursMilli: value.suHoursMilli,
    ipv4HoursMilli: value.ipv4HoursMilli,
    currency: value.currency,
    amountMicro: value.amountMicro
  }
}
