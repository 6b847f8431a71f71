import { createSocket, type SocketType } from 'node:dgram'

/** Whether `port` is taken for this family: only EADDRINUSE says so (a host without IPv6 fails udp6 binds for another reason). */
async function taken (type: SocketType, port: number): Promise<boolean> {
  const socket = createSocket({ type, ipv6Only: type === 'udp6' })
  return await new Promise(resolve => {
    socket.once('error', (err: NodeJS.ErrnoException) => { socket.close(); resolve(err.code === 'EADDRINUSE') })
    socket.bind(port, () => { socket.close(() => { resolve(false) }) })
  })
}

/**
 * Whether nothing on this host listens on UDP `port` (IPv4 or IPv6), as a WireGuard device will:
 * another farmer on the same machine, or any other program, may hold a port of our range.
 */
export async function udpPortFree (port: number): Promise<boolean> {
  return !await taken('udp4', port) && !await taken('udp6', port)
}
