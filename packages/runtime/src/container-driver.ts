import { execFile } from 'node:child_process'
import { chmod, mkdir, rm, rmdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { CID } from 'multiformats/cid'
import type { Resources } from '@p2pcloud/capacity'
import { isMounted, unmount, volumeKind, type Deployment, type KindRules, type NetworkAttachments, type OciHook, type WorkloadDriver, type WorkloadReport, type WorkloadSpec } from '@p2pcloud/farmer'
import { pathUnder } from '@p2pcloud/node'
import { ErrorCodes, ProtocolError, type ContainerData, type deploymentMessages } from '@p2pcloud/wire'
import { Container, runc, type RestartPolicy } from './container.js'
import { checkContainerNetwork } from './container-network.js'
import type { ExecOptions, ExecProcess } from './exec-process.js'
import { resolveImageUser } from './image-user.js'
import { LogStore, type LogChunk } from './log-store.js'
import { ociSpec } from './oci-spec.js'
import type { RootfsSource } from './rootfs-source.js'
import { giveToContainerRoot } from './user-namespace.js'
import { mountWritableLayer, unmountWritableLayer } from './writable-layer.js'

const run = promisify(execFile)
const RESTART: Record<deploymentMessages.RestartPolicy, RestartPolicy> = {
  NEVER: 'never',
  ON_FAILURE: 'on-failure',
  ALWAYS: 'always'
}

export interface ContainerDriverOptions {
  /** Its kind (container-kind.ts), which builds it: the type and how its data is read and counted. */
  kind: KindRules<ContainerData>
  /** Everything of the containers lives here: `<root>/<id>/{bundle,layer.img,layer,logs}`, runc's state in `<root>/runc`. */
  root: string
  /**
   * Where each container's root filesystem is mounted
   * (`<mountRoot>/<id>/rootfs`), default /run/p2pcloud/rootfs. runc reaches
   * it as the container's root, an unprivileged host user, so every directory
   * above `<id>` must be searchable by others, which a farmer's home (0700)
   * is not; `<id>` itself is the mapped root's, 0700, so that no other host
   * user reaches the tree (nor a setuid file in it).
   */
  mountRoot?: string
  /** Trees owned by the container's ids as mapped on the host (user-namespace.ts); the flist cache materialises them so. */
  rootfs: RootfsSource
  volumePath: (contractId: string, name: string) => string
  /** Most processes one container may have (default 256). */
  pidsLimit?: number
  /** The farmer's networks, which containers with a `network` join; absent: such a container fails. */
  networks?: NetworkAttachments
}

interface Running {
  container: Container
  release: () => Promise<void>
  /** Its directory (writable layer image, bundle, logs) and where its root filesystem is mounted. */
  dir: string
  merged: string
}

/**
 * `container`: a root filesystem from an flist (the cache's read-only tree
 * under a per-container overlay), run by runc with CRU/MRU/pid limits, its
 * output in a bounded log; an exit or OOM kill is reported to the provisioner.
 * The writable layer is a loop-mounted image of the booked root size.
 */
export class ContainerDriver implements WorkloadDriver {
  readonly type: string
  readonly applyOrder: number
  private readonly running = new Map<string, Running>()
  private report: (report: WorkloadReport) => void = () => {}

  constructor (private readonly options: ContainerDriverOptions) {
    this.type = options.kind.type
    this.applyOrder = options.kind.applyOrder
  }

  /** runc ids: [\w+-.]; contract ids are 64 hex digits, workload names ^[a-z0-9_-]{1,36}$. */
  private id (contractId: string, name: string): string {
    return `p2pcloud-${contractId.slice(0, 24)}-${name}`
  }

  /** Who holds its address in its network, as a taken address names it. */
  private owner (contractId: string, name: string): string {
    return `container "${name}" of contract ${contractId}`
  }

  private dir (contractId: string, name: string): string {
    return pathUnder(this.options.root, this.id(contractId, name))
  }

  private get mountRoot (): string {
    return this.options.mountRoot ?? '/run/p2pcloud/rootfs'
  }

  /** The container's own directory under the mount root, which holds the mount point of its root filesystem. */
  private mountDir (contractId: string, name: string): string {
    return pathUnder(this.mountRoot, this.id(contractId, name))
  }

  private mountPoint (contractId: string, name: string): string {
    return join(this.mountDir(contractId, name), 'rootfs')
  }

  /** The mount point of the container's root filesystem, reachable by its mapped root only. */
  private async makeMountPoint (contractId: string, name: string): Promise<string> {
    await mkdir(this.mountRoot, { recursive: true, mode: 0o711 })
    const dir = this.mountDir(contractId, name)
    await mkdir(dir, { recursive: true, mode: 0o700 })
    await giveToContainerRoot(dir)
    await chmod(dir, 0o700)
    const merged = this.mountPoint(contractId, name)
    await mkdir(merged, { recursive: true, mode: 0o700 })
    return merged
  }

  private get runcRoot (): string {
    return join(this.options.root, 'runc')
  }

  private readonly logStores = new Map<string, LogStore>()

  /** One LogStore per container, shared by its writer and every reader, so followers hear new output. */
  private logsOf (contractId: string, name: string): LogStore {
    const id = this.id(contractId, name)
    let store = this.logStores.get(id)
    if (store == null) {
      store = new LogStore(join(this.dir(contractId, name), 'logs'))
      this.logStores.set(id, store)
    }
    return store
  }

  resources (workload: WorkloadSpec): Resources {
    return this.options.kind.resources(this.options.kind.decode(workload))
  }

  /**
   * A container mounts volumes of its own deployment only (never another workload, another
   * contract's data or a host path), and joins a network workload of its deployment only, at an
   * address of that network's /24 here.
   */
  checkReferences (workload: WorkloadSpec, deployment: Deployment): void {
    const volumes = deployment.workloads.filter(w => w.type === volumeKind.type).map(w => w.name)
    const data = this.options.kind.decode(workload)
    checkContainerNetwork(workload.name, data, deployment)
    for (const mount of data.mounts) {
      if (!volumes.includes(mount.volume)) {
        throw new ProtocolError(ErrorCodes.BAD_REQUEST, `container "${workload.name}": the mount at ${mount.path} names ${JSON.stringify(mount.volume)}, which is not a volume of this deployment (its volumes: ${volumes.length > 0 ? volumes.join(', ') : 'none'})`)
      }
    }
  }

  attach (report: (report: WorkloadReport) => void): void {
    this.report = report
  }

  async apply (contractId: string, workload: WorkloadSpec): Promise<void> {
    const data = this.options.kind.decode(workload)
    const mounts = data.mounts.map(m => ({ source: this.options.volumePath(contractId, m.volume), path: m.path, readOnly: m.readOnly, volume: m.volume }))
    for (const mount of mounts) {
      // an unmounted volume's directory has no size bound: the container would fill the host's disk
      if (!await isMounted(mount.source)) throw new ProtocolError(ErrorCodes.UNAVAILABLE, `container "${workload.name}": volume "${mount.volume}" (mounted at ${mount.path}) is not mounted; its own state says why`)
    }
    await this.halt(contractId, workload.name)
    const id = this.id(contractId, workload.name)
    const dir = this.dir(contractId, workload.name)
    const rootfs = await this.options.rootfs.acquire(CID.decode(data.flist).toString())
    try {
      await mkdir(join(dir, 'bundle'), { recursive: true, mode: 0o700 })
      // halt above took any overlay down (a busy one is an error): never the lower half of a second overlay
      const merged = await this.makeMountPoint(contractId, workload.name)
      const layer = await mountWritableLayer(dir, data.rootfsSize)
      // the upper layer's root is the container's /: its root's, open to its other users
      await giveToContainerRoot(layer.upper)
      await chmod(layer.upper, 0o755)
      await run('mount', ['-t', 'overlay', 'overlay', '-o', `lowerdir=${rootfs.path},upperdir=${layer.upper},workdir=${layer.work}`, merged])
      for (const mount of mounts) await giveToContainerRoot(mount.source)
      const cgroupsPath = `/p2pcloud/${id}`
      const attachment = data.network !== '' ? await this.joinNetwork(contractId, workload.name, data) : undefined
      const spec = ociSpec({
        hostname: workload.name,
        rootfs: merged,
        image: rootfs.config,
        entrypoint: data.entrypoint,
        args: data.args,
        env: data.env,
        workdir: data.workdir,
        user: await resolveImageUser(merged, rootfs.config.user),
        cru: data.cru,
        mru: data.mru,
        pidsLimit: this.options.pidsLimit ?? 256,
        cgroupsPath,
        mounts,
        createRuntimeHooks: attachment !== undefined ? [attachment.hook] : undefined
      })
      await writeFile(join(dir, 'bundle', 'config.json'), JSON.stringify(spec, null, 2))
      const container = new Container({
        runcRoot: this.runcRoot,
        id,
        bundle: join(dir, 'bundle'),
        cgroupsPath,
        memoryLimit: data.mru,
        restart: RESTART[data.restart] ?? 'never',
        logs: this.logsOf(contractId, workload.name),
        onChange: (state, message) => { this.report({ contractId, name: workload.name, state, message }) }
      })
      this.running.set(id, { container, release: rootfs.release, dir, merged })
      await container.start()
    } catch (err) {
      await this.halt(contractId, workload.name)
      await rootfs.release().catch(() => {})
      throw err
    }
  }

  /** Stop the container and take down its root filesystem; its writable layer and logs stay. */
  private async halt (contractId: string, name: string): Promise<void> {
    const id = this.id(contractId, name)
    const running = this.running.get(id)
    if (running != null) {
      // kept while its overlay cannot be taken down (busy): the next halt tries again and only then gives its tree back
      await takeDown(running)
      this.running.delete(id)
    } else {
      // a container a crashed daemon left behind
      await runc(this.runcRoot, 'delete', '--force', id).catch(() => {})
      await unmount(this.mountPoint(contractId, name))
      await unmountWritableLayer(this.dir(contractId, name))
    }
    await this.options.networks?.detach(this.owner(contractId, name))
  }

  /** Book its address in its network; the hook gives each run of it its interface there. */
  private async joinNetwork (contractId: string, name: string, data: ContainerData): Promise<{ hook: OciHook }> {
    if (this.options.networks === undefined) throw new Error(`container "${name}": this farmer runs no networks`)
    return await this.options.networks.attach(contractId, data.network, data.ip, this.owner(contractId, name))
  }

  async stop (contractId: string, name: string): Promise<void> {
    await this.halt(contractId, name)
  }

  async remove (contractId: string, name: string): Promise<void> {
    await this.halt(contractId, name)
    await this.logsOf(contractId, name).remove()
    this.logStores.delete(this.id(contractId, name))
    await rm(this.dir(contractId, name), { recursive: true, force: true })
    // never rm -r: a mount point still mounted would take the tenant's files with it
    for (const path of [this.mountPoint(contractId, name), this.mountDir(contractId, name)]) await rmdir(path).catch(() => {})
  }

  async close (): Promise<void> {
    for (const [id, running] of [...this.running]) {
      this.running.delete(id)
      await takeDown(running)
    }
  }

  /** The workload's output (also after it exited), and with `follow` what comes next. */
  logs (contractId: string, name: string, options: { tailBytes?: number, follow?: boolean, signal?: AbortSignal } = {}): AsyncGenerator<LogChunk> {
    return this.logsOf(contractId, name).logs(options)
  }

  async exec (contractId: string, name: string, argv: string[], options: { signal?: AbortSignal } = {}): Promise<{ code: number, stdout: string, stderr: string }> {
    const running = this.running.get(this.id(contractId, name))
    if (running == null) throw new ProtocolError(ErrorCodes.NOT_FOUND, `container "${name}" is not running`)
    return running.container.exec(argv, options)
  }

  async netnsPid (contractId: string, name: string): Promise<number | undefined> {
    return await this.running.get(this.id(contractId, name))?.container.pid()
  }

  /** A command in a running container, its stdio streamed: the exec protocol's (exec-protocol.ts). */
  async startExec (contractId: string, name: string, options: ExecOptions): Promise<ExecProcess> {
    const running = this.running.get(this.id(contractId, name))
    if (running == null) throw new ProtocolError(ErrorCodes.NOT_FOUND, `container "${name}" is not running`)
    return await running.container.startExec(options)
  }
}

/** Stop a running container, take down its overlay and give its flist tree back to the cache. */
async function takeDown (running: Running): Promise<void> {
  await running.container.stop()
  await unmount(running.merged)
  await unmountWritableLayer(running.dir)
  await running.release()
}
