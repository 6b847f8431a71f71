import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { logger } from '@libp2p/logger'
import { CommandError, ip, run } from './commands.js'
import { formatWireguardConfig, parseWireguardDump, type WireguardConfig, type WireguardStatus } from './wireguard-config.js'

const log = logger('p2pcloud:network:wireguard')

/** Linux interface names are at most 15 bytes. */
const INTERFACE_NAME = /^[a-zA-Z0-9_-]{1,15}$/
/** Where wireguard-go opens the socket `wg` talks to; one directory for every namespace, so names must differ host-wide. */
const UAPI_DIR = '/var/run/wireguard'
const START_TIMEOUT_MS = 5_000

/** How a device is implemented here: the kernel's module, or wireguard-go (userspace, Debian's package) where the kernel has none. */
export type WireguardImplementation = 'kernel' | 'wireguard-go'

export interface WireguardDeviceOptions {
  /** Make the device in this network namespace instead of the caller's. */
  netns?: string
  /** Use this implementation (default: the kernel's when it has WireGuard, else wireguard-go). */
  implementation?: WireguardImplementation
}

/**
 * A WireGuard device: its UDP socket stays in the namespace it was made in (so a
 * device moved into a network's namespace still talks to the internet), its packets
 * appear on the interface. Configured as a whole with `wg syncconf`, which keeps the
 * sessions of peers that stay.
 */
export class WireguardDevice {
  private constructor (
    readonly name: string,
    readonly implementation: WireguardImplementation,
    private netns: string | undefined,
    private readonly process: ChildProcess | undefined
  ) {}

  /** Make the device `name` (or take over one left by an earlier run). */
  static async create (name: string, options: WireguardDeviceOptions = {}): Promise<WireguardDevice> {
    if (!INTERFACE_NAME.test(name)) throw new Error(`"${name}" is not an interface name (1 to 15 of a-z, A-Z, 0-9, _ and -)`)
    if (await exists(name, options.netns)) {
      // still running from before a restart: wg reaches it whatever made it
      return new WireguardDevice(name, await implementationOf(name), options.netns, undefined)
    }
    const implementation = options.implementation ?? (await kernelHasWireguard(options.netns) ? 'kernel' : 'wireguard-go')
    if (implementation === 'kernel') {
      await ip(['link', 'add', name, 'type', 'wireguard'], options.netns)
      return new WireguardDevice(name, implementation, options.netns, undefined)
    }
    return new WireguardDevice(name, implementation, options.netns, await startWireguardGo(name, options.netns))
  }

  /** Make the device match `config` exactly (peers not listed are removed). */
  async configure (config: WireguardConfig): Promise<void> {
    // wg reads the config from a file (it cannot open node's stdin, a socket); the file holds
    // the private key, so it is the caller's alone and gone when wg is done
    const dir = await mkdtemp(join(tmpdir(), 'p2pcloud-wg-'))
    try {
      const file = join(dir, `${this.name}.conf`)
      await writeFile(file, formatWireguardConfig(config), { mode: 0o600 })
      await run('wg', ['syncconf', this.name, file], { netns: this.netns })
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  }

  /** Remove one peer, ending its session: its next handshake starts afresh at whatever endpoint the next `configure` gives it. */
  async removePeer (publicKey: string): Promise<void> {
    await run('wg', ['set', this.name, 'peer', publicKey, 'remove'], { netns: this.netns })
  }

  async status (): Promise<WireguardStatus> {
    return parseWireguardDump(await run('wg', ['show', this.name, 'dump'], { netns: this.netns }))
  }

  /**
   * Move the interface into `netns` (a network's own namespace). Its UDP socket stays
   * where the device was made, so its traffic still leaves through that namespace's network.
   */
  async moveTo (netns: string): Promise<void> {
    await ip(['link', 'set', this.name, 'netns', netns], this.netns)
    this.netns = netns
  }

  /** Remove the device (its peers' sessions end). */
  async destroy (): Promise<void> {
    if (this.process !== undefined && this.process.exitCode === null) {
      const exited = new Promise(resolve => this.process?.once('exit', resolve))
      this.process.kill('SIGTERM')
      await exited
    } else {
      await removeDevice(this.name, this.netns)
    }
  }
}

async function exists (name: string, netns?: string): Promise<boolean> {
  return await ip(['link', 'show', name], netns).then(() => true, () => false)
}

/** A device wireguard-go runs has its control socket in UAPI_DIR; a kernel device has none. */
async function implementationOf (name: string): Promise<WireguardImplementation> {
  return await stat(`${UAPI_DIR}/${name}.sock`).then(() => 'wireguard-go', () => 'kernel')
}

async function removeDevice (name: string, netns?: string): Promise<void> {
  await ip(['link', 'del', name], netns).catch(err => {
    if (!(err instanceof CommandError) || !/Cannot find device/.test(err.message)) throw err
  })
}

/** Whether the kernel can make WireGuard devices: make and remove one. */
export async function kernelHasWireguard (netns?: string): Promise<boolean> {
  const probe = `p2pwgprobe${process.pid % 10000}`
  try {
    await ip(['link', 'add', probe, 'type', 'wireguard'], netns)
  } catch {
    return false
  }
  await removeDevice(probe, netns)
  return true
}

/** wireguard-go in the foreground as our child (its own daemon mode leaves orphans), ready once its control socket exists. */
async function startWireguardGo (name: string, netns?: string): Promise<ChildProcess> {
  const [file, args] = netns === undefined ? ['wireguard-go', ['-f', name]] : ['ip', ['netns', 'exec', netns, 'wireguard-go', '-f', name]]
  const child = spawn(file, args, { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, LOG_LEVEL: 'error' } })
  let stderr = ''
  child.stderr?.on('data', (chunk: Buffer) => { stderr = (stderr + chunk.toString()).slice(-2000) })
  const exited = new Promise<void>(resolve => child.once('exit', () => { resolve() }))
  child.once('exit', code => { log('wireguard-go %s exited with %s', name, code) })
  const failed = (why: string): Error => new Error(`wireguard-go could not make device ${name}: ${why}${stderr.trim() === '' ? '' : `: ${stderr.trim()}`}`)
  await new Promise<void>((resolve, reject) => {
    child.once('error', err => { reject(failed((err as NodeJS.ErrnoException).code === 'ENOENT' ? 'it is not installed (Debian: apt-get install wireguard-go wireguard-tools)' : err.message)) })
    child.once('spawn', () => { resolve() })
  })
  const deadline = Date.now() + START_TIMEOUT_MS
  while (!await stat(`${UAPI_DIR}/${name}.sock`).then(() => true, () => false)) {
    if (child.exitCode !== null) throw failed(`it exited with code ${child.exitCode}`)
    if (Date.now() > deadline) {
      child.kill('SIGKILL')
      await exited
      throw failed(`no control socket after ${START_TIMEOUT_MS} ms`)
    }
    await sleep(20)
  }
  return child
}
