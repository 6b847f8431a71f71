/**
 * The seccomp filter of every container: everything is allowed but the
 * syscalls below, which fail with EPERM. A deny-list in the spirit of
 * Docker's default profile: what reaches the kernel's least-used, most
 * attacked or machine-wide interfaces (keyrings, modules, kexec, bpf, perf,
 * userfaultfd, io_uring, the mount API, clocks, swap, reboot), and new user
 * namespaces, in which a process regains every capability and with them the
 * mount, network and other namespace code. ptrace stays allowed: since Linux
 * 4.8 it cannot step around seccomp, and a container only sees its own
 * processes (strace and debuggers keep working).
 */
const DENIED = [
  // keyrings: not namespaced
  'add_key', 'keyctl', 'request_key',
  // mounts and the new mount API (the container has no CAP_SYS_ADMIN either)
  'mount', 'umount', 'umount2', 'pivot_root', 'fsopen', 'fsconfig', 'fsmount', 'fspick', 'move_mount', 'open_tree', 'mount_setattr',
  // kernel modules and kexec
  'init_module', 'finit_module', 'delete_module', 'create_module', 'kexec_load', 'kexec_file_load',
  // large kernel attack surfaces
  'bpf', 'perf_event_open', 'userfaultfd', 'io_uring_setup', 'io_uring_enter', 'io_uring_register',
  // file handles bypass the mount namespace
  'open_by_handle_at', 'name_to_handle_at',
  // the machine's state
  'reboot', 'swapon', 'swapoff', 'acct', 'settimeofday', 'stime', 'clock_settime', 'clock_adjtime', 'adjtimex', 'syslog', 'quotactl', 'lookup_dcookie',
  'iopl', 'ioperm', 'vhangup', 'nfsservctl', 'uselib', 'ustat', 'sysfs', '_sysctl', 'get_kernel_syms', 'query_module', 'vm86', 'vm86old',
  // other namespaces than its own
  'setns'
]

const CLONE_NEWUSER = 0x10000000
const EPERM = 1
const ENOSYS = 38

/** The architectures the filter covers, with their 32-bit companions (else those would be a way around it). */
const ARCHITECTURES: Record<string, string[]> = {
  x64: ['SCMP_ARCH_X86_64', 'SCMP_ARCH_X86', 'SCMP_ARCH_X32'],
  arm64: ['SCMP_ARCH_AARCH64', 'SCMP_ARCH_ARM']
}

/** The OCI spec's `linux.seccomp`. Syscall names this kernel or architecture lacks are skipped by runc. */
export function seccompProfile (arch: string = process.arch): object {
  const architectures = ARCHITECTURES[arch]
  if (architectures === undefined) throw new Error(`no seccomp profile for the architecture ${arch}`)
  const newUserNamespace = { index: 0, value: CLONE_NEWUSER, valueTwo: CLONE_NEWUSER, op: 'SCMP_CMP_MASKED_EQ' }
  return {
    defaultAction: 'SCMP_ACT_ALLOW',
    architectures,
    syscalls: [
      { names: DENIED, action: 'SCMP_ACT_ERRNO', errnoRet: EPERM },
      // flags are the first argument of clone and unshare on x86 and arm
      { names: ['unshare', 'clone'], action: 'SCMP_ACT_ERRNO', errnoRet: EPERM, args: [newUserNamespace] },
      // clone3's flags are behind a pointer, out of seccomp's reach: ENOSYS makes libc fall back to clone
      { names: ['clone3'], action: 'SCMP_ACT_ERRNO', errnoRet: ENOSYS }
    ]
  }
}
