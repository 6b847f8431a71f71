import { spawn, type ChildProcess, type StdioOptions } from 'node:child_process'
import { mkdir, open, type FileHandle } from 'node:fs/promises'
import { connect, type Socket } from 'node:net'
import { fileURLToPath } from 'node:url'
import { logger } from '@libp2p/logger'
import { pathUnder } from '@p2pcloud/node'

const log = logger('p2pcloud:network:namespace-dialer')

const FORWARDER = fileURLToPath(new URL('./namespace-forwarder.js', import.meta.url))
const NETNS = /^p2pn-[0-9a-f]{8}$/
/** The forwarder's answer line: "OK" or "ERR <code>". */
const MAX_ANSWER = 64

/**
 * Where a connection is made from: a network's namespace (`p2pn-<id>`), or the one a running
 * process is in (a container on no network: its loopback), by its pid as read when dialing.
 */
export type DialNamespace = string | { pid: () => Promise<number | undefined> }

/** A namespace as the dialer enters it: its forwarder's name, the command that enters it, and the namespace's open file when the command takes it as fd 3. */
interface Entry {
  key: string
  enter: string[]
  handle?: FileHandle
}

/** A connection into a network namespace failed: `code` is the errno the forwarder met (ECONNREFUSED, EHOSTUNREACH, …). */
export class NamespaceDialError extends Error {
  override name = 'NamespaceDialError'
  constructor (readonly code: string, message: string) {
    super(message)
  }
}

/**
 * TCP connections made from inside a network's namespace, for the farmer whose own namespace
 * cannot route to the network's addresses (each network is isolated in `p2pn-<id>`), or from
 * inside a container's own (its loopback, for a container on no network). Per namespace it runs
 * one small forwarder (`ip netns exec p2pn-<id>`, or `nsenter --net`, `node namespace-forwarder.js`)
 * listening on a unix socket under `socketDir`, which path sockets make reachable from the host
 * namespace; each connection asks it for `ip:port`. The forwarder is started on first use and
 * exits when idle for a minute, so a network that is gone leaves nothing running for long.
 * One process per network rather than per connection: a tunnel costs a socket, not a Node.
 */
export class NamespaceDialer {
  private readonly forwarders = new Map<string, { child: ChildProcess, ready: Promise<void> }>()
  private readonly starting = new Map<string, Promise<void>>()

  constructor (private readonly socketDir: string) {}

  /** A connection to `host:port` as seen from namespace `netns`; NamespaceDialError when it cannot be made. */
  async dial (netns: DialNamespace, host: string, port: number, signal: AbortSignal): Promise<Socket> {
    const entry = await this.entry(netns)
    try {
      const path = pathUnder(this.socketDir, `${entry.key}.sock`)
      try {
        return await this.ask(path, host, port, signal)
      } catch (err: any) {
        if (err.code !== 'ENOENT' && err.code !== 'ECONNREFUSED') throw err
      }
      // no forwarder listening (first use, or it exited when idle): start one and ask again
      await this.forwarder(entry, path)
      return await this.ask(path, host, port, signal)
    } finally {
      await entry.handle?.close()
    }
  }

  /**
   * How to enter `netns`. A process's namespace is opened before its forwarder exists and named
   * by its inode, which stays its own while anything holds it: a pid reused by another
   * container names another namespace, and a pid that changed between the two reads is refused.
   */
  private async entry (netns: DialNamespace): Promise<Entry> {
    if (typeof netns === 'string') {
      if (!NETNS.test(netns)) throw new Error(`"${netns}" is not a network namespace of ours`)
      return { key: netns, enter: ['ip', 'netns', 'exec', netns] }
    }
    const pid = await netns.pid()
    if (pid === undefined) throw new NamespaceDialError('ESRCH', 'the container does not run')
    const handle = await open(`/proc/${pid}/ns/net`, 'r').catch((err: NodeJS.ErrnoException) => {
      throw new NamespaceDialError(err.code ?? 'ESRCH', `the namespace of process ${pid} cannot be opened: ${err.message}`)
    })
    try {
      if (await netns.pid() !== pid) throw new NamespaceDialError('ESRCH', 'the container restarted as it was reached')
      const { ino } = await handle.stat({ bigint: true })
      // the forwarder's fd 3 (spawn's stdio[3]) is the namespace opened here
      return { key: `ns-${ino}`, enter: ['nsenter', '--net=/proc/self/fd/3', '--'], handle }
    } catch (err) {
      await handle.close()
      throw err
    }
  }

  /** Stops every forwarder, and resolves once they exited (their sockets removed). */
  async close (): Promise<void> {
    const children = [...this.forwarders.values()].map(({ child }) => child)
    this.forwarders.clear()
    await Promise.all(children.map(async child => {
      if (child.exitCode !== null || child.signalCode !== null) return
      const exited = new Promise(resolve => child.once('exit', resolve))
      child.kill('SIGTERM')
      await exited
    }))
  }

  private async forwarder (entry: Entry, path: string): Promise<void> {
    // a burst of first dials shares one start: forwarders of their own would take each other's socket path
    let starting = this.starting.get(entry.key)
    if (starting === undefined) {
      starting = this.start(entry, path).finally(() => this.starting.delete(entry.key))
      this.starting.set(entry.key, starting)
    }
    await starting
  }

  private async start ({ key: netns, enter, handle }: Entry, path: string): Promise<void> {
    const running = this.forwarders.get(netns)
    if (running != null && running.child.exitCode === null) return await running.ready
    await mkdir(this.socketDir, { recursive: true, mode: 0o700 })
    const [command, ...args] = enter
    const stdio: StdioOptions = ['ignore', 'pipe', 'pipe', ...(handle === undefined ? [] : [handle.fd])]
    const child = spawn(command, [...args, process.execPath, FORWARDER, path], { stdio })
    const ready = new Promise<void>((resolve, reject) => {
      let stderr = ''
      child.stderr?.on('data', (chunk: Buffer) => { stderr = (stderr + chunk.toString()).slice(-1024) })
      child.stdout?.once('data', () => { resolve() })
      child.once('error', reject)
      child.once('exit', code => {
        if (this.forwarders.get(netns)?.child === child) this.forwarders.delete(netns)
        reject(new NamespaceDialError('ENONET', `the forwarder of ${netns} exited (${String(code)}): ${stderr.trim() || 'no namespace?'}`))
      })
    })
    ready.catch(() => {})
    this.forwarders.set(netns, { child, ready })
    log('started the forwarder of %s', netns)
    await ready
  }

  /** Asks the forwarder at `path` for `host:port`; resolves with the socket once it answered OK, as a fresh socket (not flowing, not paused). */
  private async ask (path: string, host: string, port: number, signal: AbortSignal): Promise<Socket> {
    return await new Promise<Socket>((resolve, reject) => {
      // half-open: the tunnel's directions end one at a time. `signal` bounds the asking only: given
      // to connect() it would also end the connection it made, however long after
      const socket = connect({ path, allowHalfOpen: true })
      let answer = Buffer.alloc(0)
      const onAbort = (): void => { fail(signal.reason instanceof Error ? signal.reason : new Error('aborted')) }
      const stop = (): void => {
        socket.off('readable', onReadable)
        socket.off('error', fail)
        socket.off('end', onEnd)
        signal.removeEventListener('abort', onAbort)
      }
      const fail = (err: Error): void => { stop(); socket.destroy(); reject(err) }
      const onEnd = (): void => { fail(new NamespaceDialError('EPROTO', 'the forwarder closed without answering')) }
      // read in paused mode, so that what follows the answer stays for the caller's reader
      const onReadable = (): void => {
        for (let chunk: Buffer | null; (chunk = socket.read()) !== null;) {
          answer = Buffer.concat([answer, chunk])
          const end = answer.indexOf(10)
          if (end < 0) {
            if (answer.byteLength > MAX_ANSWER) { fail(new NamespaceDialError('EPROTO', 'the forwarder answered nonsense')); return }
            continue
          }
          const line = answer.subarray(0, end).toString('latin1')
          if (line !== 'OK') {
            const code = line.startsWith('ERR ') ? line.slice(4) : 'EPROTO'
            fail(new NamespaceDialError(code, `connecting to ${host}:${port} in the network failed: ${code}`))
            return
          }
          stop()
          if (end + 1 < answer.byteLength) socket.unshift(answer.subarray(end + 1))
          resolve(socket)
          return
        }
      }
      if (signal.aborted) { onAbort(); return }
      signal.addEventListener('abort', onAbort, { once: true })
      socket.once('connect', () => { socket.write(`${host} ${port}\n`) })
      socket.on('readable', onReadable)
      socket.once('error', fail)
      socket.once('end', onEnd)
    })
  }
}
