import { z } from 'zod'
import type { PricePolicy } from '@p2pcloud/capacity'
import { DEFAULT_MAX_OPEN_CONTRACTS, DEFAULT_MAX_OPEN_CONTRACTS_PER_TWIN } from '@p2pcloud/wire'
import type { ContractsInit } from './contracts-service.js'
import { DAY, DEFAULT_KEEP_FINISHED_MS, DEFAULT_MAX_FINISHED_PER_TWIN } from './finished.js'

/**
 * The fields of config.json's `farmer` section that bound a farmer's ledger (README "Settings");
 * the daemon joins them with the advert's and flists' fields into that section.
 */
export const ledgerSettingsFields = {
  /** After a lease ends, its workloads are stopped and its capacity held this long (so the twin can renew) before deletion. */
  leaseGraceSeconds: z.number().int().min(0).default(86_400),
  /** Open (active or expired) contracts one twin may hold here; more is TOO_MANY_CONTRACTS (contract.md §4.3). */
  maxOpenContractsPerTwin: z.number().int().min(1).default(DEFAULT_MAX_OPEN_CONTRACTS_PER_TWIN),
  /** Open contracts all twins together may hold here, so that many twins of one owner cannot each take their share; more is TOO_MANY_CONTRACTS (contract.md §4.3). */
  maxOpenContracts: z.number().int().min(1).default(DEFAULT_MAX_OPEN_CONTRACTS),
  /** Days a contract that is over (cancelled or ended) stays readable, with its receipts, after it finished (contract.md §4.6). */
  keepFinishedContractsDays: z.number().min(0).max(3660).default(DEFAULT_KEEP_FINISHED_MS / DAY),
  /** Contracts that are over kept per twin, the oldest dropped first (contract.md §4.6). */
  maxFinishedContractsPerTwin: z.number().int().min(0).max(10_000).default(DEFAULT_MAX_FINISHED_PER_TWIN),
  /** How much lease time one signed usage receipt covers. */
  receiptPeriodSeconds: z.number().int().min(1).default(3600)
}

/** The ledger fields alone, e.g. for a farmer assembled in a test or simulation. */
export const ledgerSettingsSchema = z.object(ledgerSettingsFields)

export type LedgerSettings = z.infer<typeof ledgerSettingsSchema>

/** A farmer's contracts service from its ledger settings and the price it advertises. */
export function farmerContractsInit (settings: LedgerSettings, price: PricePolicy): NonNullable<ContractsInit['farmer']> {
  return {
    price,
    graceMs: settings.leaseGraceSeconds * 1000,
    receiptPeriodMs: settings.receiptPeriodSeconds * 1000,
    maxOpenPerTwin: settings.maxOpenContractsPerTwin,
    maxOpen: settings.maxOpenContracts,
    keepFinishedMs: settings.keepFinishedContractsDays * DAY,
    maxFinishedPerTwin: settings.maxFinishedContractsPerTwin
  }
}
