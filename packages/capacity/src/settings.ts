import { z } from 'zod'
import { sizeSetting } from '@p2pcloud/node'
import { DEFAULT_NEW_FARMERS_PER_RELAY_PER_MINUTE } from './capacity-market.js'
import { DEFAULT_MAX_FARMERS } from './directory.js'

/** What a farmer may say it offers; later issues derive these from installed workload drivers. */
export const CAPABILITIES = ['volume', 'container', 'zdb', 'network', 'gateway', 'relay'] as const

/** config.json's `directory` section: the bounds of this peer's capacity directory (README "Settings"). */
export const directorySettingsSchema = z.object({
  /** Most farmers this peer's capacity directory holds, in memory and on disk (a Sybil defence). */
  maxFarmers: z.number().int().min(1).default(DEFAULT_MAX_FARMERS),
  /** Farmers new to the directory that one gossip peer may relay per minute; the rest are ignored. */
  newFarmersPerRelayPerMinute: z.number().int().min(1).default(DEFAULT_NEW_FARMERS_PER_RELAY_PER_MINUTE)
}).strict()

export type DirectorySettings = z.infer<typeof directorySettingsSchema>

/**
 * The fields of config.json's `farmer` section that say whether and what a farmer
 * advertises (README "Settings"); the daemon joins them with the contracts' and flists'
 * fields into that section, and checks them with advertSettingsProblems.
 */
export const advertSettingsFields = {
  enabled: z.boolean().default(false),
  farm: z.string().max(64).default(''),
  country: z.string().default(''),
  city: z.string().max(64).default(''),
  /** Totals that replace the measured ones (null = measure this machine). */
  capacity: z.object({
    cru: z.number().int().min(0).nullable().default(null),
    mru: sizeSetting.nullable().default(null),
    sru: sizeSetting.nullable().default(null),
    hru: sizeSetting.nullable().default(null),
    ipv4u: z.number().int().min(0).default(0)
  }).strict().prefault({}),
  /** Advertised, and what the ledger quotes with. */
  price: z.object({
    currency: z.string().regex(/^[A-Z]{3,8}$/, 'a currency code such as TFT').default('TFT'),
    cuHour: z.number().min(0).default(0.1),
    suHour: z.number().min(0).default(0.05),
    ipv4Hour: z.number().min(0).default(0.02)
  }).strict().prefault({}),
  /** Advertised, and the workload drivers the daemon runs. */
  capabilities: z.array(z.enum(CAPABILITIES)).default([]),
  gatewayDomain: z.string().max(253).default(''),
  advertTtlSeconds: z.number().int().min(2).max(3600).default(600),
  /**
   * Cores may be booked this many times over (CPU is shared fairly; memory and disks never are):
   * a farmer's adverts and ledger then count cores × factor as its total CRU.
   */
  cruOvercommit: z.number().min(1).max(16).default(1)
}

/** The advert fields alone, e.g. for peers assembled in tests and simulations. */
export const advertSettingsSchema = z.object(advertSettingsFields)

export type AdvertSettings = z.infer<typeof advertSettingsSchema>

/** The totals a farmer states instead of measuring them (`farmer.capacity`). */
export type CapacityOverrides = AdvertSettings['capacity']

/** A farmer must name its farm and country: its advert is refused without them. */
export function advertSettingsProblems (farmer: AdvertSettings, ctx: z.RefinementCtx): void {
  if (!farmer.enabled) return
  if (!/^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,63}$/.test(farmer.farm)) {
    ctx.addIssue({ code: 'custom', path: ['farm'], message: 'a farmer needs a farm name (letters, digits, "_", "-", ".")' })
  }
  if (!/^[A-Z]{2}$/.test(farmer.country)) {
    ctx.addIssue({ code: 'custom', path: ['country'], message: `"${farmer.country}" is not a two-letter ISO 3166 country code such as BE` })
  }
}
