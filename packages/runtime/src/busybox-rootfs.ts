import { execFile } from 'node:child_process'
import { access, chmod, copyFile, lchown, mkdir, readFile, readdir, symlink, writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { promisify } from 'node:util'

const run = promisify(execFile)
const BUSYBOX = '/bin/busybox'

export class BusyboxMissingError extends Error {
  override name = 'BusyboxMissingError'
}

export interface BusyboxRootfsOptions {
  /** Files to add, by path in the tree. */
  files?: Record<string, string>
  /**
   * Owner (uid and gid) of everything in the tree instead of root: hostIdOf(0)
   * for a tree given to the ContainerDriver as it is, as the flist cache gives
   * its trees. Not for a tree made into an flist, which keeps its owners.
   */
  owner?: number
}

/** A tiny real root filesystem from Debian's static busybox, for tests, the demo and benchmarks. */
export async function makeBusyboxRootfs (dir: string, options: BusyboxRootfsOptions = {}): Promise<string> {
  let binary: Buffer
  try {
    binary = await readFile(BUSYBOX)
  } catch {
    throw new BusyboxMissingError(`${BUSYBOX} is missing: apt-get install busybox-static`)
  }
  // a dynamic busybox needs the host's libc, which the rootfs does not have
  if (hasInterpreter(binary)) throw new BusyboxMissingError(`${BUSYBOX} is not statically linked: apt-get install busybox-static`)
  for (const d of ['bin', 'sbin', 'usr/bin', 'usr/sbin', 'etc', 'tmp', 'proc', 'sys', 'dev', 'root', 'var']) await mkdir(join(dir, d), { recursive: true })
  await chmod(join(dir, 'tmp'), 0o1777)
  await copyFile(BUSYBOX, join(dir, 'bin/busybox'))
  await chmod(join(dir, 'bin/busybox'), 0o755)
  const { stdout } = await run(BUSYBOX, ['--list'])
  for (const applet of stdout.split('\n').filter(a => a !== '' && a !== 'busybox')) {
    await symlink('busybox', join(dir, 'bin', applet)).catch((err: any) => { if (err.code !== 'EEXIST') throw err })
  }
  await writeFile(join(dir, 'etc/passwd'), 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n')
  await writeFile(join(dir, 'etc/group'), 'root:x:0:\nnogroup:x:65534:\n')
  await writeFile(join(dir, 'etc/hosts'), '127.0.0.1 localhost\n')
  for (const [path, content] of Object.entries(options.files ?? {})) {
    await mkdir(dirname(join(dir, path)), { recursive: true })
    await writeFile(join(dir, path), content)
  }
  if (options.owner !== undefined) await chownTree(dir, options.owner)
  return dir
}

async function chownTree (path: string, owner: number): Promise<void> {
  await lchown(path, owner, owner)
  for (const entry of await readdir(path, { withFileTypes: true })) {
    if (entry.isDirectory()) await chownTree(join(path, entry.name), owner)
    else await lchown(join(path, entry.name), owner, owner)
  }
}

/** Why this machine cannot run containers (not root, no runc), or undefined when it can. */
export async function containerRuntimeMissing (): Promise<string | undefined> {
  if (process.getuid?.() !== 0) return 'containers need root (runc, overlay mounts and cgroups)'
  try { await run('runc', ['--version']) } catch { return 'runc is not installed (apt-get install runc)' }
  return undefined
}

/** Why the container tests and the demo cannot run here (no runtime, no busybox), or undefined when they can. */
export async function runcUnavailable (): Promise<string | undefined> {
  const missing = await containerRuntimeMissing()
  if (missing !== undefined) return missing
  try { await access(BUSYBOX) } catch { return `${BUSYBOX} is missing (apt-get install busybox-static)` }
  return undefined
}

export async function runcAvailable (): Promise<boolean> {
  return (await runcUnavailable()) === undefined
}

/** Whether an ELF64 binary names a dynamic loader (a PT_INTERP program header): then it is not static. */
function hasInterpreter (elf: Buffer): boolean {
  if (elf.length < 64 || elf.readUInt32BE(0) !== 0x7f454c46 || elf[4] !== 2) return false
  const phoff = Number(elf.readBigUInt64LE(32))
  const phentsize = elf.readUInt16LE(54)
  const phnum = elf.readUInt16LE(56)
  for (let i = 0; i < phnum; i++) {
    const at = phoff + i * phentsize
    if (at + 4 <= elf.length && elf.readUInt32LE(at) === 3) return true
  }
  return false
}
