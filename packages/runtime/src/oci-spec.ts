import type { OciHook } from '@p2pcloud/farmer'
import type { ImageConfig } from './rootfs-source.js'
import { seccompProfile } from './seccomp-profile.js'
import { idMappings } from './user-namespace.js'

export interface SpecInput {
  hostname: string
  rootfs: string
  image: ImageConfig
  entrypoint: string[]
  args: string[]
  env: string[]
  workdir: string
  /** Ids in the container's user namespace (resolveImageUser). */
  user: { uid: number, gid: number }
  /** Cores, to the thousandth: the CFS quota per 100 ms period. */
  cru: number
  mru: number
  pidsLimit: number
  cgroupsPath: string
  mounts: Array<{ source: string, path: string, readOnly: boolean }>
  /** Run once its namespaces exist, before its process starts (a network's attachment); absent: loopback only. */
  createRuntimeHooks?: OciHook[]
}

/** runc's default capabilities, less NET_RAW and AUDIT_WRITE: a small set a normal service needs. */
const CAPS = ['CAP_CHOWN', 'CAP_DAC_OVERRIDE', 'CAP_FOWNER', 'CAP_FSETID', 'CAP_KILL', 'CAP_SETGID', 'CAP_SETUID', 'CAP_SETPCAP', 'CAP_NET_BIND_SERVICE', 'CAP_SYS_CHROOT']

/** Merge KEY=value lists, later ones winning. */
function mergeEnv (...lists: string[][]): string[] {
  const env = new Map<string, string>()
  for (const entry of lists.flat()) env.set(entry.split('=')[0], entry)
  return [...env.values()]
}

/**
 * An OCI runtime spec (runc spec's defaults, our limits and mounts). New
 * user/pid/mount/ipc/uts/net namespaces (runc brings `lo` up; a network's hook
 * gives the net namespace its interface before the process starts), the user
 * namespace mapped as user-namespace.ts says, and the seccomp filter of
 * seccomp-profile.ts. A user other than root keeps CAPS only in its bounding
 * set, as after an execve by a non-root user.
 */
export function ociSpec (input: SpecInput): object {
  const args = [...(input.entrypoint.length > 0 ? input.entrypoint : input.image.entrypoint), ...(input.args.length > 0 ? input.args : input.image.cmd)]
  if (args.length === 0) throw new Error('the container has no command: neither the deployment nor the flist sets an entrypoint or args')
  return {
    ociVersion: '1.0.2-dev',
    process: {
      terminal: false,
      user: input.user,
      args,
      env: mergeEnv(['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'], input.image.env, input.env),
      cwd: input.workdir !== '' ? input.workdir : input.image.workingDir !== '' ? input.image.workingDir : '/',
      capabilities: input.user.uid === 0 ? { bounding: CAPS, effective: CAPS, permitted: CAPS, ambient: [] } : { bounding: CAPS, effective: [], permitted: [], ambient: [] },
      rlimits: [{ type: 'RLIMIT_NOFILE', hard: 1024, soft: 1024 }],
      noNewPrivileges: true
    },
    root: { path: input.rootfs, readonly: false },
    ...(input.createRuntimeHooks !== undefined ? { hooks: { createRuntime: input.createRuntimeHooks } } : {}),
    hostname: input.hostname,
    mounts: [
      { destination: '/proc', type: 'proc', source: 'proc' },
      { destination: '/dev', type: 'tmpfs', source: 'tmpfs', options: ['nosuid', 'strictatime', 'mode=755', 'size=65536k'] },
      { destination: '/dev/pts', type: 'devpts', source: 'devpts', options: ['nosuid', 'noexec', 'newinstance', 'ptmxmode=0666', 'mode=0620', 'gid=5'] },
      { destination: '/dev/shm', type: 'tmpfs', source: 'shm', options: ['nosuid', 'noexec', 'nodev', 'mode=1777', 'size=65536k'] },
      { destination: '/dev/mqueue', type: 'mqueue', source: 'mqueue', options: ['nosuid', 'noexec', 'nodev'] },
      { destination: '/sys', type: 'sysfs', source: 'sysfs', options: ['nosuid', 'noexec', 'nodev', 'ro'] },
      { destination: '/sys/fs/cgroup', type: 'cgroup', source: 'cgroup', options: ['nosuid', 'noexec', 'nodev', 'relatime', 'ro'] },
      ...input.mounts.map(m => ({ destination: m.path, type: 'bind', source: m.source, options: ['rbind', 'nosuid', 'nodev', m.readOnly ? 'ro' : 'rw'] }))
    ],
    linux: {
      cgroupsPath: input.cgroupsPath,
      resources: {
        devices: [{ allow: false, access: 'rwm' }],
        memory: { limit: input.mru, swap: input.mru },
        cpu: { period: 100000, quota: Math.round(input.cru * 100000) },
        pids: { limit: input.pidsLimit }
      },
      namespaces: ['user', 'pid', 'network', 'ipc', 'uts', 'mount'].map(type => ({ type })),
      ...idMappings(),
      seccomp: seccompProfile(),
      maskedPaths: ['/proc/acpi', '/proc/asound', '/proc/kcore', '/proc/keys', '/proc/latency_stats', '/proc/timer_list', '/proc/timer_stats', '/proc/sched_debug', '/sys/firmware', '/proc/scsi'],
      readonlyPaths: ['/proc/bus', '/proc/fs', '/proc/irq', '/proc/sys', '/proc/sysrq-trigger']
    }
  }
}
