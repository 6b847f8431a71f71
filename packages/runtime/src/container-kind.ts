import { join } from 'node:path'
import { CID } from 'multiformats/cid'
import { emptyResources } from '@p2pcloud/capacity'
import {
  loopMountsMissing, sizeEntry, volumeKind,
  type DriverFactory, type Entry, type FarmerComponents, type KindFarmerInit, type KindServiceComponents, type Located, type SpecReader, type WorkloadKind
} from '@p2pcloud/farmer'
import {
  ErrorCodes, MAX_CONTAINER_CPU, MIN_CONTAINER_CPU, MIN_CONTAINER_MEMORY, MIN_CONTAINER_ROOTFS, ProtocolError, WORKLOAD_NAME, deploymentMessages, isMountPath,
  type ContainerData
} from '@p2pcloud/wire'
import { farmerGatewayTunnel, type GatewayTunnel } from '@p2pcloud/network'
import { containerRuntimeMissing } from './busybox-rootfs.js'
import { RESTART_POLICIES, type RestartPolicy } from './container.js'
import { isIpv4 } from './container-network.js'
import { ContainerDriver, type ContainerDriverOptions } from './container-driver.js'
import { ExecService } from './exec-protocol.js'
import { LogsService } from './logs-protocol.js'
import type { RootfsSource } from './rootfs-source.js'
import { hostIdOf } from './user-namespace.js'

/** A container run from an flist; sizes in bytes. */
export interface ContainerWorkloadSpec {
  name: string
  type: 'container'
  /** The flist's CID, as `p2pcloud flist publish` prints it. */
  flist: string
  /** Replace the flist's entrypoint / cmd / working directory when given. */
  entrypoint?: string[]
  args?: string[]
  workdir?: string
  /** Added to the flist's environment. */
  env: Record<string, string>
  /** Cores (CRU), to the thousandth: 0.5 is half a core. */
  cpu: number
  /** Bytes of memory (MRU): a hard limit. */
  memory: number
  /** Bytes of the writable root layer (SRU). */
  rootfs: number
  mounts: Array<{ volume: string, path: string, readOnly: boolean }>
  restart: RestartPolicy
  /**
   * The private network it joins: as a spec writes it, the name of one of the twin's networks;
   * on the wire, the name of the `network` workload the twin puts beside it.
   */
  network?: string
  /** Its address in the network (dotted IPv4); the twin picks one when absent. */
  ip?: string
}

const MOUNT_KEYS = ['volume', 'path', 'read-only']
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/
const DEFAULTS = { cpu: 1, memory: 256 * 2 ** 20, rootfs: 512 * 2 ** 20, restart: 'never' as RestartPolicy }
const RESTART_ON_WIRE: Record<RestartPolicy, deploymentMessages.RestartPolicy> = {
  never: deploymentMessages.RestartPolicy.NEVER,
  'on-failure': deploymentMessages.RestartPolicy.ON_FAILURE,
  always: deploymentMessages.RestartPolicy.ALWAYS
}

/** The container-only keys of one workload (name and type are read by the caller). */
function parseContainer (reader: SpecReader, entries: Map<string, Entry>, at: Located, name: string): ContainerWorkloadSpec {
  const flistAt = reader.required(entries, 'flist', at, 'a container needs the CID of an flist (p2pcloud flist publish prints it)')
  const flist = reader.text(flistAt)
  try {
    CID.parse(flist)
  } catch {
    reader.fail(flistAt, `"${flist}" is not a CID; use the one p2pcloud flist publish printed (bafib…)`)
  }
  const container: ContainerWorkloadSpec = {
    name,
    type: 'container',
    flist,
    env: {},
    cpu: DEFAULTS.cpu,
    memory: DEFAULTS.memory,
    rootfs: DEFAULTS.rootfs,
    mounts: [],
    restart: DEFAULTS.restart
  }
  const value = (key: string): Entry | undefined => reader.optional(entries, key)
  const entrypoint = value('entrypoint')
  if (entrypoint != null) container.entrypoint = words(reader, entrypoint)
  const args = value('args')
  if (args != null) container.args = words(reader, args)
  const workdir = value('workdir')
  if (workdir != null) container.workdir = absolutePath(reader, workdir)
  const env = value('env')
  if (env != null) {
    for (const [key, entry] of reader.mapping(env)) {
      if (!ENV_NAME.test(key)) reader.fail({ field: entry.field, offset: entry.keyOffset }, `"${key}" is not an environment variable name (letters, digits and _, not starting with a digit)`)
      container.env[key] = reader.isEmpty(entry) ? '' : String(reader.scalar(entry))
    }
  }
  const cpu = value('cpu')
  if (cpu != null) {
    container.cpu = reader.number(cpu)
    const milli = container.cpu * 1000
    if (Math.abs(milli - Math.round(milli)) > 1e-6 || container.cpu < MIN_CONTAINER_CPU || container.cpu > MAX_CONTAINER_CPU) {
      reader.fail(cpu, `must be a number of cores from ${MIN_CONTAINER_CPU} to ${MAX_CONTAINER_CPU} in steps of 0.001 (0.5 is half a core), not ${container.cpu}`)
    }
  }
  container.memory = sizeEntry(reader, value('memory'), DEFAULTS.memory, MIN_CONTAINER_MEMORY, 'memory')
  container.rootfs = sizeEntry(reader, value('rootfs'), DEFAULTS.rootfs, MIN_CONTAINER_ROOTFS, 'root filesystem')
  const mounts = value('mounts')
  if (mounts != null) {
    const paths = new Set<string>()
    container.mounts = reader.sequence(mounts).map(item => {
      const mount = reader.mapping(item, MOUNT_KEYS, 'a mount')
      const volume = reader.text(reader.required(mount, 'volume', item, 'name the volume workload to mount'))
      const pathAt = reader.required(mount, 'path', item, 'where the volume appears in the container, e.g. /data')
      const path = absolutePath(reader, pathAt)
      if (path === '/') reader.fail(pathAt, 'a volume cannot be mounted over the root directory')
      if (!isMountPath(path)) reader.fail(pathAt, `"${path}" is not a normal path (no empty or "." component)`)
      if (paths.has(path)) reader.fail(pathAt, `${path} is mounted twice`)
      paths.add(path)
      const readOnly = reader.optional(mount, 'read-only')
      return { volume, path, readOnly: readOnly == null ? false : reader.boolean(readOnly) }
    })
  }
  const network = value('network')
  if (network != null) {
    container.network = reader.text(network)
    if (!WORKLOAD_NAME.test(container.network)) reader.fail(network, `"${container.network}" is not a network name (${WORKLOAD_NAME.source}); p2pcloud network create NAME makes one`)
  }
  const ip = value('ip')
  if (ip != null) {
    container.ip = reader.text(ip)
    if (!isIpv4(container.ip)) reader.fail(ip, `"${container.ip}" is not an IPv4 address such as 10.20.3.7`)
    if (container.network === undefined) reader.fail(ip, 'an ip is an address in a network: give the container a network too')
  }
  const restart = value('restart')
  if (restart != null) {
    const policy = reader.text(restart)
    if (!(RESTART_POLICIES as readonly string[]).includes(policy)) reader.fail(restart, `"${policy}" is not a restart policy; use ${RESTART_POLICIES.join(', ')}`)
    container.restart = policy as RestartPolicy
  }
  return container
}

/** A command line: a list of strings (a plain string is one word, never split on spaces). */
function words (reader: SpecReader, at: Located): string[] {
  const items = reader.sequence(at).map(item => String(reader.scalar(item)))
  if (items.length === 0) reader.fail(at, 'an empty list; leave the key out to keep the flist\'s own')
  return items
}

function absolutePath (reader: SpecReader, at: Located): string {
  const path = reader.text(at)
  if (!path.startsWith('/') || path.split('/').includes('..')) reader.fail(at, `"${path}" must be an absolute path without ..`)
  return path.length > 1 ? path.replace(/\/+$/, '') : path
}

/** The data decoded and checked, as the driver runs it. */
function decode (workload: { name: string, data: Uint8Array }): ContainerData {
  const bad = (problem: string): never => { throw new ProtocolError(ErrorCodes.BAD_REQUEST, `container "${workload.name}": ${problem}`) }
  let data: deploymentMessages.ContainerData
  try {
    data = deploymentMessages.ContainerData.decode(workload.data)
  } catch (err: any) {
    return bad(`data does not decode: ${err.message}`)
  }
  try {
    CID.decode(data.flist)
  } catch {
    bad('flist is not a CID')
  }
  if (data.cpuMilli === 0 && data.cru < 1) bad('cru must be at least 1 core')
  if (data.cpuMilli !== 0) {
    if (data.cpuMilli < MIN_CONTAINER_CPU * 1000) bad(`cpu_milli ${data.cpuMilli} is below the minimum of ${MIN_CONTAINER_CPU * 1000} (the kernel's least CPU quota)`)
    if (data.cru !== Math.ceil(data.cpuMilli / 1000)) bad(`cru ${data.cru} is not cpu_milli ${data.cpuMilli} / 1000 rounded up`)
  }
  if (data.mru < MIN_CONTAINER_MEMORY) bad(`mru ${data.mru} is below the minimum of ${MIN_CONTAINER_MEMORY} bytes`)
  if (data.rootfsSize < MIN_CONTAINER_ROOTFS) bad(`rootfs_size ${data.rootfsSize} is below the minimum of ${MIN_CONTAINER_ROOTFS} bytes`)
  const paths = new Set<string>()
  for (const mount of data.mounts) {
    if (!isMountPath(mount.path)) bad(`mount path ${JSON.stringify(mount.path)} must be absolute and normal (no empty, "." or ".." component, no trailing /), and not /`)
    if (paths.has(mount.path)) bad(`mount path ${mount.path} is used twice`)
    if (!WORKLOAD_NAME.test(mount.volume)) bad(`the mount at ${mount.path} names volume ${JSON.stringify(mount.volume)}, which is not a workload name (${WORKLOAD_NAME.source})`)
    paths.add(mount.path)
  }
  if (data.network !== '' && !WORKLOAD_NAME.test(data.network)) bad(`network ${JSON.stringify(data.network)} is not a workload name (${WORKLOAD_NAME.source})`)
  if (data.ip !== '' && !isIpv4(data.ip)) bad(`ip ${JSON.stringify(data.ip)} is not a dotted IPv4 address`)
  if ((data.network === '') !== (data.ip === '')) bad(data.network === '' ? `ip ${data.ip} is given without a network` : `network "${data.network}" is given without an ip`)
  // from here on cru is the container's cores, a fraction when cpu_milli says so
  return data.cpuMilli !== 0 ? { ...data, cru: data.cpuMilli / 1000 } : data
}

export interface ContainerCapabilityInit extends Omit<ContainerDriverOptions, 'volumePath' | 'rootfs' | 'kind' | 'networks'> {
  /** Where root filesystems come from, given the peer's components (on a daemon: the flist cache over the flist exchange). */
  rootfs: (components: FarmerComponents) => RootfsSource
}

/**
 * Containers on a farmer: the driver for `farmerService({ drivers })` and
 * the logs and exec services (add them after the farmer), sharing one ContainerDriver.
 */
export function containerCapability (init: ContainerCapabilityInit): { driver: DriverFactory, logsService: (components: KindServiceComponents) => LogsService, execService: (components: KindServiceComponents) => ExecService } {
  let driver: ContainerDriver | undefined
  return {
    driver: (components, volumes, networks) => {
      driver = new ContainerDriver({ ...init, kind: containerKind, rootfs: init.rootfs(components), volumePath: (contractId, name) => volumes.path(contractId, name), networks })
      return driver
    },
    logsService: components => new LogsService(components, () => driver),
    execService: components => new ExecService(components, () => driver)
  }
}

/** What a farmer gives the container kind: besides the common settings, where root filesystems come from when not the flist cache (tests and benchmarks). */
export interface ContainerFarmerInit extends KindFarmerInit {
  rootfs?: ContainerCapabilityInit['rootfs']
}

/** The flist exchange's part a farmer's containers use: a cache of root filesystems. */
interface FlistCaches {
  cache: (init: { root: string, maxBytes: number, ownerShift: number }) => RootfsSource
}

/**
 * `container`: a process tree run from an flist, with CRU, MRU and a writable root layer
 * (SRU) of its own, mounting volumes of its deployment; its output is kept for `logs`, and its
 * twin runs commands in it with `exec`; gateways the twin gave one of its ports reach it through
 * `gatewayTunnel`, on a network or not.
 * Farmers need root, loop mounts and runc to offer it; a spec with containers goes to them.
 */
export const containerKind: WorkloadKind<ContainerWorkloadSpec, ContainerData, { logs: LogsService, exec: ExecService, gatewayTunnel: GatewayTunnel }> = {
  type: 'container',
  capability: 'container',
  placement: 0,
  applyOrder: 1,
  hasLogs: true,
  specKeys: ['name', 'type', 'flist', 'entrypoint', 'args', 'workdir', 'env', 'cpu', 'memory', 'rootfs', 'mounts', 'restart', 'network', 'ip'],
  parseSpec: parseContainer,
  /** Mounts must name volumes of the same spec. */
  checkSpec: (reader, workloads) => {
    const volumes = new Set(workloads.filter(w => w.workload.type === volumeKind.type).map(w => w.workload.name))
    for (const { workload, at } of workloads) {
      if (workload.type !== containerKind.type) continue
      for (const [index, mount] of (workload as ContainerWorkloadSpec).mounts.entries()) {
        if (!volumes.has(mount.volume)) {
          reader.fail({ field: `${at.field}.mounts[${index}].volume`, offset: at.offset }, `"${mount.volume}" is not a volume of this spec${volumes.size > 0 ? `; its volumes: ${[...volumes].join(', ')}` : ''}`)
        }
      }
    }
  },
  encode: spec => deploymentMessages.ContainerData.encode({
    flist: CID.parse(spec.flist).bytes as Uint8Array<ArrayBuffer>,
    entrypoint: spec.entrypoint ?? [],
    args: spec.args ?? [],
    env: Object.entries(spec.env).map(([key, value]) => `${key}=${value}`),
    workdir: spec.workdir ?? '',
    // whole cores for farmers that predate cpu_milli; the exact quota where it is not whole
    cru: Math.ceil(spec.cpu),
    cpuMilli: Number.isInteger(spec.cpu) ? 0 : Math.round(spec.cpu * 1000),
    mru: spec.memory,
    rootfsSize: spec.rootfs,
    mounts: spec.mounts.map(m => ({ volume: m.volume, path: m.path, readOnly: m.readOnly })),
    restart: RESTART_ON_WIRE[spec.restart],
    network: spec.network ?? '',
    ip: spec.ip ?? ''
  }),
  decode,
  resources: data => ({ ...emptyResources(), cru: data.cru, mru: data.mru, sru: data.rootfsSize }),
  missing: async () => loopMountsMissing('container') ?? await containerRuntimeMissing(),
  farmer: ({ home, flistCacheBytes, rootfs }: ContainerFarmerInit) => {
    const containers = containerCapability({
      root: join(home, 'containers'),
      rootfs: rootfs ?? (components => (components.flists as FlistCaches).cache({ root: join(home, 'flists', 'cache'), maxBytes: flistCacheBytes, ownerShift: hostIdOf(0) }))
    })
    return {
      driver: containers.driver,
      services: {
        logs: containers.logsService,
        exec: containers.execService,
        gatewayTunnel: (components: KindServiceComponents) => farmerGatewayTunnel(components, join(home, 'run', 'tunnels'))
      }
    }
  }
}
