import { randomBytes } from 'node:crypto'
import { logger } from '@libp2p/logger'
import { TypedEventEmitter } from 'main-event'
import { Key, type Datastore } from 'interface-datastore'
import type { PrivateKey } from '@libp2p/interface'
import { RESOURCE_UNITS, pricePerHour, toMicro, type CapacityAccount, type PricePolicy, type Resources } from '@p2pcloud/capacity'
import {
  ContractErrorCodes, DEFAULT_MAX_OPEN_CONTRACTS, DEFAULT_MAX_OPEN_CONTRACTS_PER_TWIN, ErrorCodes, contractIdToBytes, MAX_LEASE_MS, MAX_LISTED_CONTRACTS, MAX_LISTED_RECEIPTS, MIN_LEASE_MS, ProtocolError, QUOTE_VALIDITY_MS, contractMessages
} from '@p2pcloud/wire'
import { contractIdOf, openAcceptance, openProposal, signAcceptance, signQuote, type Acceptance, type Proposal } from './records.js'
import { openReceipt, signReceipt, usageOf } from './receipts.js'
import { OpenContracts } from './open-contracts.js'
import { DEFAULT_KEEP_FINISHED_MS, DEFAULT_MAX_FINISHED_PER_TWIN, FinishedContracts, LIVE_PREFIX as PREFIX, RECEIPTS_PREFIX as RECEIPTS } from './finished.js'

const log = logger('p2pcloud:contracts:ledger')
const HOUR = 3_600_000

export type ContractState = 'active' | 'expired' | 'cancelled' | 'ended'

const STATE_TO_WIRE: Record<ContractState, contractMessages.ContractState> = {
  active: contractMessages.ContractState.ACTIVE,
  expired: contractMessages.ContractState.EXPIRED,
  cancelled: contractMessages.ContractState.CANCELLED,
  ended: contractMessages.ContractState.ENDED
}

/** A contract as the farmer's ledger keeps it: the signed records plus its state. */
export interface ContractRecord {
  id: string
  proposalEnvelope: Uint8Array
  acceptanceEnvelope: Uint8Array
  state: ContractState
  stateChangedAt: number
  proposal: Proposal
  acceptance: Acceptance
}

export function contractToWire (record: ContractRecord): contractMessages.Contract {
  return {
    contractId: contractIdToBytes(record.id),
    proposalEnvelope: record.proposalEnvelope as Uint8Array<ArrayBuffer>,
    acceptanceEnvelope: record.acceptanceEnvelope as Uint8Array<ArrayBuffer>,
    state: STATE_TO_WIRE[record.state],
    stateChangedMs: record.stateChangedAt
  }
}

export interface LedgerEvents {
  /** A contract changed state; the provisioner stops workloads on `expired` and deletes them on `ended`/`cancelled`. */
  change: CustomEvent<ContractRecord>
}

export interface LedgerInit {
  datastore: Datastore
  account: CapacityAccount
  farmerId: string
  privateKey: PrivateKey
  price: PricePolicy
  /** How long after a lease ends the capacity stays held, so the twin can still renew; at most the lease's length. */
  graceMs: number
  /** Open (active or expired) contracts one twin may hold (default DEFAULT_MAX_OPEN_CONTRACTS_PER_TWIN). */
  maxOpenPerTwin?: number
  /** Open contracts all twins together may hold (default DEFAULT_MAX_OPEN_CONTRACTS): Sybil twins each under their own limit still meet it. */
  maxOpen?: number
  /** How much lease time one usage receipt covers (default 1 h). */
  receiptPeriodMs?: number
  /** How long a contract that is over stays readable after it finished (default DEFAULT_KEEP_FINISHED_MS, 30 days). */
  keepFinishedMs?: number
  /** Contracts that are over kept per twin, the oldest dropped first (default DEFAULT_MAX_FINISHED_PER_TWIN, 500). */
  maxFinishedPerTwin?: number
  now?: () => number
}

/**
 * The farmer's durable book of contracts. Admission is atomic: the contract
 * and the capacity it reserves are written in one level batch, in turn with
 * every other booking, and on disk before the farmer answers. Only live
 * contracts are held (and loaded at start): a contract that is over moves to
 * the `FinishedContracts` store once its quote can no longer book.
 */
export class Ledger extends TypedEventEmitter<LedgerEvents> {
  private readonly contracts = new Map<string, ContractRecord>()
  private readonly finished: FinishedContracts
  /** Per live contract: the last receipt's seq and the time it billed up to. */
  private readonly billed = new Map<string, { seq: number, until: number }>()
  /** Quote (hex sha2-256 of its envelope) → the live contract booked on it: a quote books once. */
  private readonly quotesUsed = new Map<string, string>()
  private readonly proposing = new Map<string, Promise<ContractRecord>>()
  /** Open contracts and bookings in progress, per twin and in all, in step with `contracts`. */
  private readonly open = new OpenContracts()
  private sweeper?: ReturnType<typeof setInterval>
  private sweeping?: Promise<void>

  constructor (private readonly init: LedgerInit) {
    super()
    this.finished = new FinishedContracts(init.datastore, {
      keepMs: init.keepFinishedMs ?? DEFAULT_KEEP_FINISHED_MS,
      maxPerTwin: init.maxFinishedPerTwin ?? DEFAULT_MAX_FINISHED_PER_TWIN
    })
  }

  private get now (): number {
    return (this.init.now ?? Date.now)()
  }

  async start (sweepIntervalMs = 1000): Promise<void> {
    for await (const { value } of this.init.datastore.query({ prefix: PREFIX + '/' })) {
      const record = await this.decode(value)
      this.keep(record)
      this.quotesUsed.set(contractIdOf(record.proposal.quoteEnvelope), record.id)
    }
    // the receipts of live contracts only: a finished one is billed in full
    for (const id of this.contracts.keys()) {
      for await (const { value } of this.init.datastore.query({ prefix: `${RECEIPTS}/${id}/` })) {
        const receipt = await openReceipt(value, this.init.farmerId)
        const last = this.billed.get(id)
        if (last == null || receipt.seq > last.seq) this.billed.set(id, { seq: receipt.seq, until: receipt.periodEnd })
      }
    }
    log('ledger opened with %d live contracts', this.contracts.size)
    await this.sweep()
    this.sweeper = setInterval(() => { this.sweep().catch(err => { log.error('lease sweep failed - %e', err) }) }, sweepIntervalMs)
    // the sweep alone must not keep a process alive
    this.sweeper.unref()
  }

  stop (): void {
    clearInterval(this.sweeper)
  }

  private async decode (bytes: Uint8Array): Promise<ContractRecord> {
    const stored = contractMessages.Contract.decode(bytes)
    const state = (Object.keys(STATE_TO_WIRE) as ContractState[]).find(s => STATE_TO_WIRE[s] === stored.state) ?? 'ended'
    // verified when booked and renewed; one that is over can no longer change, so its
    // signatures are not checked again at every start
    const options = { signatureVerified: state === 'cancelled' || state === 'ended' }
    const proposal = await openProposal(stored.proposalEnvelope, options)
    const acceptance = await openAcceptance(stored.acceptanceEnvelope, this.init.farmerId, options)
    return {
      id: contractIdOf(stored.proposalEnvelope),
      proposalEnvelope: stored.proposalEnvelope,
      acceptanceEnvelope: stored.acceptanceEnvelope,
      state,
      stateChangedAt: stored.stateChangedMs,
      proposal,
      acceptance
    }
  }

  /** Every change of the live ledger goes through here and `drop`, so that the open counts follow it. */
  private keep (record: ContractRecord): void {
    this.open.change(this.contracts.get(record.id), record)
    this.contracts.set(record.id, record)
  }

  private drop (id: string): void {
    this.open.change(this.contracts.get(id), undefined)
    this.contracts.delete(id)
  }

  private entry (record: ContractRecord): { key: Key, value: Uint8Array } {
    return { key: new Key(`${PREFIX}/${record.id}`), value: contractMessages.Contract.encode(contractToWire(record)) }
  }

  /** Price `resources` for a lease and sign it as a quote for `twin`. */
  async quote (twin: string, resources: Resources, leaseMs: number): Promise<Uint8Array> {
    if (leaseMs < MIN_LEASE_MS || leaseMs > MAX_LEASE_MS) {
      throw new ProtocolError(ErrorCodes.BAD_REQUEST, `lease of ${leaseMs} ms is outside ${MIN_LEASE_MS}..${MAX_LEASE_MS} ms`)
    }
    if (RESOURCE_UNITS.every(unit => resources[unit] === 0)) {
      throw new ProtocolError(ErrorCodes.BAD_REQUEST, 'a quote needs some capacity: every unit is 0')
    }
    const free = this.init.account.free()
    const missing = RESOURCE_UNITS.filter(unit => resources[unit] > free[unit])
    if (missing.length > 0) throw insufficient(free, resources, missing)
    return signQuote({
      farmer: this.init.farmerId,
      twin,
      resources,
      currency: this.init.price.currency,
      pricePerHourMicro: toMicro(pricePerHour(resources, this.init.price)),
      leaseMs,
      validUntil: this.now + QUOTE_VALIDITY_MS,
      nonce: randomBytes(16)
    }, this.init.privateKey)
  }

  /**
   * Book the contract a twin proposes on one of our quotes. The same proposal
   * again returns the same contract: a retry never books twice.
   */
  async propose (proposalEnvelope: Uint8Array, remotePeer: string): Promise<ContractRecord> {
    const id = contractIdOf(proposalEnvelope)
    const known = this.contracts.get(id)
    if (known != null) return this.ownedBy(known, remotePeer)
    const over = await this.finishedRecord(id)
    if (over != null) return this.ownedBy(over, remotePeer)
    // keyed by sender too: a copy relayed by someone else must not fail the twin's own request
    const key = `${id}/${remotePeer}`
    const pending = this.proposing.get(key) ?? this.book(id, proposalEnvelope, remotePeer)
    this.proposing.set(key, pending)
    try {
      return this.ownedBy(await pending, remotePeer)
    } finally {
      this.proposing.delete(key)
    }
  }

  private async book (id: string, proposalEnvelope: Uint8Array, remotePeer: string): Promise<ContractRecord> {
    const proposal = await openProposal(proposalEnvelope)
    if (proposal.twin !== remotePeer) throw new ProtocolError(ErrorCodes.UNAUTHORIZED, `the proposal is signed by ${proposal.twin}, but ${remotePeer} sent it`)
    if (proposal.quote.farmer !== this.init.farmerId) throw new ProtocolError(ErrorCodes.UNAUTHORIZED, `the quote was made by ${proposal.quote.farmer}, not by this farmer`)
    const now = this.now
    if (proposal.quote.validUntil < now) {
      throw new ProtocolError(ContractErrorCodes.QUOTE_EXPIRED, `the quote expired at ${new Date(proposal.quote.validUntil).toISOString()}; ask for a new one`)
    }
    // a second proposal on the same quote (e.g. re-signed on retry) gets the contract the quote booked
    const quoteId = contractIdOf(proposal.quoteEnvelope)
    const booked = this.quotesUsed.get(quoteId)
    if (booked != null) return this.ownedBy(this.contracts.get(booked) as ContractRecord, remotePeer)
    const twin = proposal.twin
    const maxPerTwin = this.init.maxOpenPerTwin ?? DEFAULT_MAX_OPEN_CONTRACTS_PER_TWIN
    if (this.open.of(twin) >= maxPerTwin) {
      throw new ProtocolError(ContractErrorCodes.TOO_MANY_CONTRACTS, `${twin} already holds ${this.open.of(twin)} open contracts on this farmer, its limit of ${maxPerTwin}; cancel one or let one end first`)
    }
    const maxOpen = this.init.maxOpen ?? DEFAULT_MAX_OPEN_CONTRACTS
    if (this.open.total >= maxOpen) {
      throw new ProtocolError(ContractErrorCodes.TOO_MANY_CONTRACTS, `this farmer already holds ${this.open.total} open contracts of all twins together, its limit of ${maxOpen}; try another farmer`)
    }
    const bookingDone = this.open.booking(twin)
    try {
      return await this.admit(id, proposalEnvelope, proposal, quoteId, now)
    } finally {
      bookingDone()
    }
  }

  /** Admission (contract.md §4.3 step 7): reserve the quote's resources and write the contract, at once. */
  private async admit (id: string, proposalEnvelope: Uint8Array, proposal: Proposal, quoteId: string, now: number): Promise<ContractRecord> {
    this.quotesUsed.set(quoteId, id)
    const acceptance: Acceptance = { contractId: id, leaseStart: now, leaseEnd: now + proposal.quote.leaseMs, acceptedAt: now, version: 1 }
    const record: ContractRecord = {
      id,
      proposalEnvelope,
      acceptanceEnvelope: await signAcceptance(acceptance, this.init.privateKey),
      state: 'active',
      stateChangedAt: now,
      proposal,
      acceptance
    }
    try {
      await this.init.account.reserve(proposal.quote.resources, [this.entry(record)])
    } catch (err: any) {
      this.quotesUsed.delete(quoteId)
      if (err.name === 'InsufficientCapacityError') throw insufficient(err.free, err.wanted, err.units)
      throw err
    }
    this.keep(record)
    this.safeDispatchEvent('change', { detail: record })
    return record
  }

  /** A contract is only shown to, and changed by, its twin; others learn nothing, not even that it exists. */
  private ownedBy (record: ContractRecord, remotePeer: string): ContractRecord {
    if (record.proposal.twin !== remotePeer) throw new ProtocolError(ErrorCodes.NOT_FOUND, 'no such contract')
    return record
  }

  /** `remotePeer`'s contract `id`, live or finished and still kept; else NOT_FOUND. */
  async get (id: string, remotePeer: string): Promise<ContractRecord> {
    const record = this.contracts.get(id) ?? await this.finishedRecord(id)
    if (record == null) throw new ProtocolError(ErrorCodes.NOT_FOUND, 'no such contract')
    return this.ownedBy(record, remotePeer)
  }

  /** `remotePeer`'s contract `id` if it is in the live ledger (open, or over less than a quote's validity ago). */
  held (id: string, remotePeer: string): ContractRecord | undefined {
    const record = this.contracts.get(id)
    return record?.proposal.twin === remotePeer ? record : undefined
  }

  /** Contract `id` from the finished store, whoever's it is. */
  private async finishedRecord (id: string): Promise<ContractRecord | undefined> {
    const stored = await this.finished.get(id)
    return stored == null ? undefined : this.decode(stored)
  }

  /** Extend an active (or expired, within its grace) contract to `leaseMs` from now. */
  async renew (id: string, leaseMs: number, remotePeer: string): Promise<ContractRecord> {
    const record = await this.get(id, remotePeer)
    if (record.state !== 'active' && record.state !== 'expired') {
      throw new ProtocolError(ContractErrorCodes.CONTRACT_ENDED, `contract is ${record.state}; make a new one`)
    }
    if (leaseMs < MIN_LEASE_MS || leaseMs > MAX_LEASE_MS) {
      throw new ProtocolError(ErrorCodes.BAD_REQUEST, `lease of ${leaseMs} ms is outside ${MIN_LEASE_MS}..${MAX_LEASE_MS} ms`)
    }
    const now = this.now
    // renewing after expiry starts a new lease now: the grace period in between is not billed
    const leaseStart = record.state === 'expired' ? now : record.acceptance.leaseStart
    const acceptance: Acceptance = { ...record.acceptance, leaseStart, leaseEnd: now + leaseMs, acceptedAt: now, version: record.acceptance.version + 1 }
    const renewed: ContractRecord = {
      ...record,
      acceptance,
      acceptanceEnvelope: await signAcceptance(acceptance, this.init.privateKey),
      state: 'active',
      stateChangedAt: record.state === 'active' ? record.stateChangedAt : now
    }
    await this.init.account.record([this.entry(renewed)])
    this.keep(renewed)
    if (record.state !== 'active') this.safeDispatchEvent('change', { detail: renewed })
    return renewed
  }

  /** The twin ends its contract: the capacity is free at once. */
  async cancel (id: string, remotePeer: string): Promise<ContractRecord> {
    const record = await this.get(id, remotePeer)
    if (record.state === 'cancelled' || record.state === 'ended') return record
    return this.transition(record, 'cancelled')
  }

  private async transition (record: ContractRecord, state: ContractState): Promise<ContractRecord> {
    const next: ContractRecord = { ...record, state, stateChangedAt: this.now }
    const releases = state === 'cancelled' || state === 'ended'
    if (releases) await this.init.account.release(record.proposal.quote.resources, [this.entry(next)])
    else await this.init.account.record([this.entry(next)])
    this.keep(next)
    this.safeDispatchEvent('change', { detail: next })
    return next
  }

  /** A twin's contracts, live and finished still kept, newest first. */
  async list (twin: string): Promise<ContractRecord[]> {
    const live = [...this.contracts.values()].filter(record => record.proposal.twin === twin)
    const over = await Promise.all((await this.finished.list(twin)).map(async stored => this.decode(stored)))
    return newestFirst([...live, ...over]).slice(0, MAX_LISTED_CONTRACTS)
  }

  /** Every contract in the live ledger, newest first (for the farmer itself). */
  all (): ContractRecord[] {
    return newestFirst([...this.contracts.values()])
  }

  /**
   * How long an expired contract keeps its capacity for a renewal: the farmer's grace, but never
   * longer than the lease was (contract.md §4.6), so a 1-minute lease holds capacity 1 minute
   * more, not a day, at no cost.
   */
  private graceOf (record: ContractRecord): number {
    return Math.min(this.init.graceMs, record.acceptance.leaseEnd - record.acceptance.leaseStart)
  }

  /**
   * Leases end unless renewed: active → expired at lease end, expired → ended
   * (capacity back) after the grace period. Usage is receipted as time passes.
   */
  async sweep (): Promise<void> {
    // one sweep at a time: a long one must not be overtaken by the next tick
    this.sweeping ??= this.sweepOnce().finally(() => { this.sweeping = undefined })
    return this.sweeping
  }

  private async sweepOnce (): Promise<void> {
    const now = this.now
    for (const record of [...this.contracts.values()]) {
      if (record.state === 'active' && record.acceptance.leaseEnd <= now) {
        await this.transition(record, 'expired')
      } else if (record.state === 'expired' && record.acceptance.leaseEnd + this.graceOf(record) <= now) {
        await this.transition(record, 'ended')
      }
      const current = this.contracts.get(record.id) as ContractRecord
      await this.receipt(current, now)
      await this.retire(current, now)
    }
    await this.finished.expire(now)
  }

  /**
   * Move a contract that is over, its last receipt signed, out of the live ledger once its quote
   * can no longer book: until then the quote must still lead a re-signed proposal to it (§4.3).
   */
  private async retire (record: ContractRecord, now: number): Promise<void> {
    if ((record.state !== 'cancelled' && record.state !== 'ended') || record.proposal.quote.validUntil >= now) return
    const finished = { twin: record.proposal.twin, at: record.stateChangedAt, id: record.id }
    const { key, value } = this.entry(record)
    await this.finished.add(finished, value, key)
    this.drop(record.id)
    this.billed.delete(record.id)
    this.quotesUsed.delete(contractIdOf(record.proposal.quoteEnvelope))
  }

  /**
   * Sign a receipt for the contract's lease time not yet receipted, once a
   * full period has passed or the contract has closed. Receipts cover the
   * lease (up to a cancellation) without gap or overlap; the grace period is not billed.
   */
  private async receipt (record: ContractRecord, now: number): Promise<void> {
    const { leaseStart, leaseEnd } = record.acceptance
    const end = record.state === 'active'
      ? Math.min(now, leaseEnd)
      : record.state === 'cancelled' ? Math.min(record.stateChangedAt, leaseEnd) : leaseEnd
    const last = this.billed.get(record.id) ?? { seq: 0, until: leaseStart }
    const from = Math.max(last.until, leaseStart)
    const closed = record.state !== 'active'
    if (end <= from || (!closed && end - from < (this.init.receiptPeriodMs ?? HOUR))) return
    const { quote } = record.proposal
    const receipt = usageOf(record.id, last.seq + 1, quote.resources, quote.pricePerHourMicro, quote.currency, from, end)
    const envelope = await signReceipt(receipt, this.init.privateKey)
    await this.init.datastore.put(new Key(`${RECEIPTS}/${record.id}/${String(receipt.seq).padStart(12, '0')}`), envelope)
    this.billed.set(record.id, { seq: receipt.seq, until: end })
  }

  /** The twin's receipts of a contract with a seq above `afterSeq`, oldest first. */
  async receipts (id: string, remotePeer: string, afterSeq: number): Promise<Uint8Array[]> {
    await this.get(id, remotePeer)
    const found: Array<{ seq: number, envelope: Uint8Array }> = []
    for await (const { key, value } of this.init.datastore.query({ prefix: `${RECEIPTS}/${id}/` })) {
      const seq = Number(key.baseNamespace())
      if (seq > afterSeq) found.push({ seq, envelope: value })
    }
    return found.sort((x, y) => x.seq - y.seq).slice(0, MAX_LISTED_RECEIPTS).map(r => r.envelope)
  }
}

function newestFirst (records: ContractRecord[]): ContractRecord[] {
  return records.sort((a, b) => b.acceptance.leaseStart - a.acceptance.leaseStart)
}

function insufficient (free: Resources, wanted: Resources, units: string[]): ProtocolError {
  const describe = (r: Resources): string => units.map(u => `${u}=${r[u as keyof Resources]}`).join(', ')
  return new ProtocolError(ContractErrorCodes.INSUFFICIENT_CAPACITY, `not enough free capacity: asked ${describe(wanted)}, free ${describe(free)}`)
}
