import { createSocket, type SocketType } from 'node:dgram'

async function bindable (type: SocketType, port: number): Promise<boolean> {
  const socket = createSocket({ type, ipv6Only: type === 'udp6' })
  return await new Promise(resolve => {
    socket.once('error', () => { socket.close(); resolve(false) })
    socket.bind(port, () => { socket.close(() => { resolve(true) }) })
  })
}

/**
 * Whether nothing on this host listens on UDP `port` (IPv4 or IPv6), as a WireGuard device will:
 * another farmer on the same machine, or any other program, may hold a port of our range.
 */
export async function udpPortFree (port: number): Promise<boolean> {
  return await bindable('udp4', port) && await bindable('udp6', port).catch(() => true)
}
