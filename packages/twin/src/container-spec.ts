import { CID } from 'multiformats/cid'
import { isScalar } from 'yaml'
import { formatSize, parseSize } from '@p2pcloud/node'
import { isMountPath } from '@p2pcloud/wire'
import type { Entry, Located, SpecReader } from './spec-reader.js'

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
  /** Cores (CRU). */
  cpu: number
  /** Bytes of memory (MRU): a hard limit. */
  memory: number
  /** Bytes of the writable root layer (SRU). */
  rootfs: number
  mounts: Array<{ volume: string, path: string, readOnly: boolean }>
  restart: RestartPolicy
}

export const RESTART_POLICIES = ['never', 'on-failure', 'always'] as const
export type RestartPolicy = typeof RESTART_POLICIES[number]

export const CONTAINER_KEYS = ['name', 'type', 'flist', 'entrypoint', 'args', 'workdir', 'env', 'cpu', 'memory', 'rootfs', 'mounts', 'restart']
const MOUNT_KEYS = ['volume', 'path', 'read-only']
export const MIN_CONTAINER_MEMORY = 16 * 2 ** 20
export const MIN_CONTAINER_ROOTFS = 16 * 2 ** 20
export const MAX_CONTAINER_CPU = 256
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/
const DEFAULTS = { cpu: 1, memory: 256 * 2 ** 20, rootfs: 512 * 2 ** 20, restart: 'never' as RestartPolicy }

/** The container-only keys of one workload (name and type are read by the caller). */
export function parseContainer (reader: SpecReader, entries: Map<string, Entry>, at: Located, name: string): ContainerWorkloadSpec {
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
  const value = (key: string): Entry | undefined => {
    const entry = entries.get(key)
    return entry == null || reader.isEmpty(entry) ? undefined : entry
  }
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
    if (!Number.isInteger(container.cpu) || container.cpu < 1 || container.cpu > MAX_CONTAINER_CPU) reader.fail(cpu, `must be a whole number of cores from 1 to ${MAX_CONTAINER_CPU}, not ${container.cpu}`)
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
      const readOnly = mount.get('read-only')
      return { volume, path, readOnly: readOnly == null || reader.isEmpty(readOnly) ? false : flag(reader, readOnly) }
    })
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

function flag (reader: SpecReader, at: Located): boolean {
  if (isScalar(at.node) && typeof at.node.value === 'boolean') return at.node.value
  reader.fail(at, `must be true or false, not ${String(isScalar(at.node) ? at.node.source ?? at.node.value : 'a list or mapping')}`)
}

/** A size entry (`64M`, bytes) of at least `min`, or `fallback` when absent. */
export function sizeEntry (reader: SpecReader, at: Located | undefined, fallback: number, min: number, what: string): number {
  if (at == null) return fallback
  let bytes: number
  try {
    bytes = parseSize(reader.scalar(at))
  } catch (err: any) {
    reader.fail(at, err.message)
  }
  if (bytes < min) reader.fail(at, `${formatSize(bytes)} is smaller than the smallest ${what}, ${formatSize(min)}`)
  return bytes
}

/** Mounts must name volumes of the same spec: checked once every workload is read. */
export function checkMounts (reader: SpecReader, containers: Array<{ workload: ContainerWorkloadSpec, at: Located }>, volumes: Set<string>): void {
  for (const { workload, at } of containers) {
    for (const [index, mount] of workload.mounts.entries()) {
      if (!volumes.has(mount.volume)) {
        reader.fail({ field: `${at.field}.mounts[${index}].volume`, offset: at.offset }, `"${mount.volume}" is not a volume of this spec${volumes.size > 0 ? `; its volumes: ${[...volumes].join(', ')}` : ''}`)
      }
    }
  }
}
