import diagnosticsChannel from 'node:diagnostics_channel'
import type { Socket } from 'node:net'

/**
 * Counts every byte this process writes to TCP sockets, from the moment it is
 * created: Node announces each new client socket on `net.client.socket` and
 * each accepted one on `net.server.socket`. With every peer of a simulation in
 * this process, that is the traffic of the whole mesh (each byte counted once,
 * by its sender). Create it before the peers, so no socket is missed.
 */
export class SocketByteCounter {
  private readonly open = new Set<Socket>()
  /** Bytes written by sockets that have since closed. */
  private closedBytes = 0
  private stopped = false

  private readonly onSocket = (message: unknown): void => {
    const socket = (message as { socket?: Socket }).socket
    if (socket == null || this.stopped) return
    this.open.add(socket)
    socket.once('close', () => {
      if (!this.open.delete(socket)) return
      this.closedBytes += socket.bytesWritten
    })
  }

  constructor () {
    diagnosticsChannel.subscribe('net.client.socket', this.onSocket)
    diagnosticsChannel.subscribe('net.server.socket', this.onSocket)
  }

  /** Bytes written so far by all sockets seen; take two readings and subtract. */
  total (): number {
    let bytes = this.closedBytes
    for (const socket of this.open) bytes += socket.bytesWritten
    return bytes
  }

  /** Sockets currently open. */
  get sockets (): number {
    return this.open.size
  }

  close (): void {
    this.stopped = true
    diagnosticsChannel.unsubscribe('net.client.socket', this.onSocket)
    diagnosticsChannel.unsubscribe('net.server.socket', this.onSocket)
    this.open.clear()
  }
}
