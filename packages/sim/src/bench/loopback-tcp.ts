import { once } from 'node:events'
import type { Server } from 'node:net'

/** Listen on 127.0.0.1 at a free port and return the port. */
export async function listenOnLoopback (server: Server): Promise<number> {
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const address = server.address()
  if (address == null || typeof address === 'string') throw new Error('TCP server has no port')
  return address.port
}

export async function closeServer (server: Server): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    server.close(err => {
      if (err == null) resolve()
      else reject(err)
    })
  })
}
