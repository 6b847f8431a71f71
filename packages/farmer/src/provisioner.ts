import { logger } from '@libp2p/logger'
import { TypedEventEmitter } from 'main-event'
import { Key, type Datastore } from 'interface-datastore'
import type { DriverRegistry, WorkloadReport } from './drivers.js'
import { wireMessage } from '@p2pcloud/wire'
import { openDeployment, type Deployment, type WorkloadSpec } from './deployment-record.js'

const log = logger('p2pcloud:farmer:provisioner')
const PREFIX = '/p2pcloud/deployments'

export type WorkloadState = 'init' | 'ok' | 'error' | 'deleted' | 'stopped'

export interface WorkloadStatus {
  name: string
  type: string
  version: number
  state: WorkloadState
  message: string
  changedAt: number
}

/** What the farmer holds for one contract: the twin's signed deployment and each workload's state. */
export interface DeploymentRecord {
  deployment: Deployment
  envelope: Uint8Array
  workloads: WorkloadStatus[]
  /** Set once the twin deleted it (or its contract ended): workloads are being removed. */
  deleting: boolean
}

export interface ProvisionerEvents {
  /** The record after any workload changed state; `watch` streams these. */
  status: CustomEvent<DeploymentRecord>
}

interface Stored {
  envelope: string
  workloads: WorkloadStatus[]
  deleting: boolean
}

/** What the deployment asks of a workload; none once it was dropped or the deployment is being deleted. */
function wantedOf (record: DeploymentRecord, status: WorkloadStatus): WorkloadSpec | undefined {
  return record.deleting ? undefined : record.deployment.workloads.find(w => w.name === status.name)
}

/**
 * Reconciles what each deployment asks for with what runs, one workload at a
 * time through its driver, in the drivers' applyOrder (volumes first) whatever
 * order the twin listed them in. A failing workload moves to `error` with the
 * driver's message and does not hold back the others. Every state change is on
 * disk; after a restart every deployment is applied again (drivers are idempotent).
 */
export class Provisioner extends TypedEventEmitter<ProvisionerEvents> {
  private readonly records = new Map<string, DeploymentRecord>()
  private readonly running = new Map<string, Promise<void>>()

  /** Reports that came in while their workload was still being applied: they win over the apply's own outcome. */
  private readonly reportedDuringApply = new Map<string, WorkloadReport>()

  constructor (private readonly datastore: Datastore, private readonly drivers: DriverRegistry, private readonly now: () => number = Date.now) {
    super()
    for (const driver of drivers.all()) driver.attach?.(report => { this.report(report).catch(err => { log.error('recording a report of %s/%s failed - %e', report.contractId, report.name, err) }) })
  }

  /** A driver saw a workload change on its own (it exited, was killed, came back): record it. */
  private async report (report: WorkloadReport): Promise<void> {
    await this.serial(report.contractId, async () => {
      const record = this.records.get(report.contractId)
      const status = record?.workloads.find(w => w.name === report.name)
      if (record == null || status == null || record.deleting || !record.deployment.workloads.some(w => w.name === report.name)) return
      if (status.state === 'init') {
        this.reportedDuringApply.set(`${report.contractId}/${report.name}`, report)
        return
      }
      if (status.state !== 'ok' && status.state !== 'error') return
      if (status.state === report.state && status.message === report.message) return
      Object.assign(status, { state: report.state, message: wireMessage(report.message), changedAt: this.now() })
      await this.persist(record)
    })
  }

  async load (): Promise<void> {
    for await (const { key, value } of this.datastore.query({ prefix: PREFIX + '/' })) {
      const stored: Stored = JSON.parse(new TextDecoder().decode(value))
      const envelope = Buffer.from(stored.envelope, 'base64')
      const record: DeploymentRecord = { deployment: await openDeployment(envelope), envelope, workloads: stored.workloads, deleting: stored.deleting }
      this.records.set(key.baseNamespace(), record)
    }
    // bring everything back: after a restart nothing is assumed to still run
    for (const record of this.records.values()) {
      for (const workload of record.workloads) {
        if (workload.state !== 'deleted' && workload.state !== 'stopped' && !record.deleting) Object.assign(workload, { state: 'init', changedAt: this.now() })
      }
      this.reconcile(record.deployment.contractId)
    }
  }

  get (contractId: string): DeploymentRecord | undefined {
    return this.records.get(contractId)
  }

  all (): DeploymentRecord[] {
    return [...this.records.values()]
  }

  /**
   * Take a new version of a deployment: changed and new workloads go to
   * `init`, dropped ones are removed. `check` runs first, in turn with every
   * other change to this contract's deployment, so two versions never race.
   */
  async accept (deployment: Deployment, envelope: Uint8Array, check: (current: DeploymentRecord | undefined) => void = () => {}): Promise<DeploymentRecord> {
    return this.serial(deployment.contractId, async () => {
      check(this.records.get(deployment.contractId))
      return this.replace(deployment, envelope)
    })
  }

  private async replace (deployment: Deployment, envelope: Uint8Array): Promise<DeploymentRecord> {
    const previous = this.records.get(deployment.contractId)
    const now = this.now()
    const workloads: WorkloadStatus[] = deployment.workloads.map(w => {
      const before = previous?.workloads.find(s => s.name === w.name && s.state !== 'deleted')
      return before != null && before.version === w.version && before.type === w.type
        ? { ...before }
        : { name: w.name, type: w.type, version: w.version, state: 'init' as const, message: '', changedAt: now }
    })
    const dropped = (previous?.workloads ?? [])
      .filter(s => s.state !== 'deleted' && !deployment.workloads.some(w => w.name === s.name))
      .map(s => ({ ...s, state: 'init' as const, message: 'being removed', changedAt: now }))
    const record: DeploymentRecord = { deployment, envelope, workloads: [...workloads, ...dropped], deleting: false }
    await this.persist(record)
    this.reconcile(deployment.contractId)
    return record
  }

  /**
   * The contract's lease expired: stop every workload, keep its data. The
   * deployment stays `stopped` until a renewal resumes it or the contract ends.
   */
  async stop (contractId: string): Promise<void> {
    await this.serial(contractId, async () => {
      const record = this.records.get(contractId)
      if (record == null || record.deleting) return
      for (const status of record.workloads.filter(w => w.state !== 'deleted' && w.state !== 'stopped')) {
        try {
          await this.drivers.get(status.type).stop?.(contractId, status.name)
          Object.assign(status, { state: 'stopped', message: 'the contract\'s lease expired; renew it to bring this back', changedAt: this.now() })
        } catch (err: any) {
          Object.assign(status, { state: 'error', message: wireMessage(`could not stop at lease expiry: ${err?.message ?? String(err)}`), changedAt: this.now() })
        }
      }
      await this.persist(record)
    })
  }

  /** A renewal after expiry: bring the stopped workloads back. */
  async resume (contractId: string): Promise<void> {
    await this.serial(contractId, async () => {
      const record = this.records.get(contractId)
      if (record == null || record.deleting) return
      for (const status of record.workloads.filter(w => w.state === 'stopped')) Object.assign(status, { state: 'init', message: '', changedAt: this.now() })
      await this.persist(record)
      this.reconcile(contractId)
    })
  }

  /** Remove every workload of the contract's deployment. */
  async remove (contractId: string): Promise<DeploymentRecord | undefined> {
    return this.serial(contractId, async () => {
      const current = this.records.get(contractId)
      if (current == null || current.deleting) return current
      const record = { ...current, workloads: current.workloads.map(w => ({ ...w })), deleting: true }
      await this.persist(record)
      this.reconcile(contractId)
      return record
    })
  }

  private readonly changing = new Map<string, Promise<unknown>>()

  /** One change at a time per contract. */
  private async serial<T> (contractId: string, work: () => Promise<T>): Promise<T> {
    const next = (this.changing.get(contractId) ?? Promise.resolve()).catch(() => {}).then(work)
    this.changing.set(contractId, next)
    try {
      return await next
    } finally {
      if (this.changing.get(contractId) === next) this.changing.delete(contractId)
    }
  }

  /** Wait until the contract's deployment has converged (for tests and shutdown). */
  async settled (contractId: string): Promise<void> {
    while (this.running.has(contractId)) await this.running.get(contractId)
  }

  private reconcile (contractId: string): void {
    const previous = this.running.get(contractId) ?? Promise.resolve()
    const next = previous.then(async () => { await this.converge(contractId) })
      .catch(err => { log.error('reconciling %s failed - %e', contractId, err) })
      .finally(() => { if (this.running.get(contractId) === next) this.running.delete(contractId) })
    this.running.set(contractId, next)
  }

  /** Work through the current record one workload at a time; a newer version replaces it between steps. */
  private async converge (contractId: string): Promise<void> {
    // each workload at most once per pass: a removal that fails stays `error` until the next pass,
    // and one that failed to run (`error`) is still removed, with everything it left on the node
    const done = new Set<string>()
    while (true) {
      const record = this.records.get(contractId)
      if (record == null) return
      const due = record.workloads.filter(status => !done.has(status.name) && (status.state === 'init' ||
        (status.state !== 'deleted' && wantedOf(record, status) == null)))
      if (due.length === 0) break
      const pending = due.reduce((first, status) => this.turnOf(record, status) < this.turnOf(record, first) ? status : first)
      done.add(pending.name)
      const wanted = wantedOf(record, pending)
      if (wanted == null) {
        await this.step(record, pending, async () => { await this.drivers.get(pending.type).remove(contractId, pending.name) }, 'deleted')
      } else {
        await this.step(record, pending, async () => { await this.drivers.get(wanted.type).apply(contractId, wanted, { twin: record.deployment.twin, envelope: record.envelope }) }, 'ok')
      }
    }
    const record = this.records.get(contractId)
    // forget a deleted deployment only once everything is gone; a failed removal stays visible
    if (record?.deleting === true && record.workloads.every(w => w.state === 'deleted')) {
      await this.serial(contractId, async () => {
        if (this.records.get(contractId) !== record) return
        await this.datastore.delete(new Key(`${PREFIX}/${contractId}`))
        this.records.delete(contractId)
      })
    }
  }

  /** Applies by the drivers' applyOrder (volumes before the containers that mount them), removals the other way round. */
  private turnOf (record: DeploymentRecord, status: WorkloadStatus): number {
    const order = this.drivers.applyOrder(status.type)
    return wantedOf(record, status) != null ? order : -order
  }

  private async step (record: DeploymentRecord, status: WorkloadStatus, work: () => Promise<void>, success: WorkloadState): Promise<void> {
    let outcome: Pick<WorkloadStatus, 'state' | 'message'>
    const key = `${record.deployment.contractId}/${status.name}`
    this.reportedDuringApply.delete(key)
    try {
      await work()
      // the workload already failed (or changed) on its own while the driver was still applying it
      const reported = success === 'ok' ? this.reportedDuringApply.get(key) : undefined
      outcome = reported != null ? { state: reported.state, message: wireMessage(reported.message) } : { state: success, message: '' }
    } catch (err: any) {
      outcome = { state: 'error', message: wireMessage(err?.message ?? String(err)) }
    }
    this.reportedDuringApply.delete(key)
    await this.serial(record.deployment.contractId, async () => {
      // a newer version replaced this record while the driver worked: its own statuses stand
      if (this.records.get(record.deployment.contractId) !== record) return
      Object.assign(status, outcome, { changedAt: this.now() })
      await this.persist(record)
    })
  }

  private async persist (record: DeploymentRecord): Promise<void> {
    const stored: Stored = { envelope: Buffer.from(record.envelope).toString('base64'), workloads: record.workloads, deleting: record.deleting }
    await this.datastore.put(new Key(`${PREFIX}/${record.deployment.contractId}`), new TextEncoder().encode(JSON.stringify(stored)))
    this.records.set(record.deployment.contractId, record)
    this.safeDispatchEvent('status', { detail: record })
  }
}
