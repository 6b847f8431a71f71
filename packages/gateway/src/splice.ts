import type { Duplex } from 'node:stream'

/**
 * Joins a client connection and a backend connection: bytes flow both ways unchanged, with
 * backpressure, until either side closes, fails or stays silent for `idleTimeoutMs`; then both are
 * closed and `onClose` runs once. Returns what closes both at once (a removed route).
 */
export function splice (client: Duplex, backend: Duplex, idleTimeoutMs: number, onClose: () => void): () => void {
  let closed = false
  let idle: NodeJS.Timeout | undefined
  const close = (): void => {
    if (closed) return
    closed = true
    clearTimeout(idle)
    client.destroy()
    backend.destroy()
    onClose()
  }
  const touch = (): void => {
    clearTimeout(idle)
    if (idleTimeoutMs > 0 && !closed) idle = setTimeout(close, idleTimeoutMs)
  }
  for (const side of [client, backend]) {
    side.on('data', touch)
    side.on('error', close)
    side.on('close', close)
  }
  client.pipe(backend)
  backend.pipe(client)
  touch()
  return close
}
