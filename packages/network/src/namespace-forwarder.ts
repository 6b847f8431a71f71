// Run inside one network's namespace (`ip netns exec p2pn-<id> node namespace-forwarder.js <socket>`):
// the farmer, whose own namespace cannot route to the network's addresses, connects to the unix
// socket, writes "<ipv4> <port>\n", and gets "OK\n" then the connection's bytes both ways, or
// "ERR <code>\n". Exits once idle for IDLE_MS; the farmer starts it again when needed.
import { createServer, connect, type Socket } from 'node:net'
import { rmSync } from 'node:fs'

const IDLE_MS = 60_000
const MAX_HEADER = 64
const HEADER = /^(\d{1,3}(?:\.\d{1,3}){3}) (\d{1,5})\n$/

const path = process.argv[2]
let open = 0
let idle: NodeJS.Timeout | undefined

const exit = (): void => {
  rmSync(path, { force: true })
  process.exit(0)
}
const touch = (): void => {
  clearTimeout(idle)
  if (open === 0) idle = setTimeout(exit, IDLE_MS)
}

function serve (client: Socket): void {
  open++
  client.once('close', () => { open--; touch() })
  client.on('error', () => { client.destroy() })
  let header = ''
  const onData = (chunk: Buffer): void => {
    header += chunk.toString('latin1')
    const end = header.indexOf('\n')
    if (end < 0) {
      if (header.length > MAX_HEADER) client.destroy()
      return
    }
    client.off('data', onData)
    client.pause()
    const rest = Buffer.from(header.slice(end + 1), 'latin1')
    const match = HEADER.exec(header.slice(0, end + 1))
    const port = Number(match?.[2])
    if (match == null || port < 1 || port > 65535) { client.end('ERR BAD_HEADER\n'); return }
    const backend = connect({ host: match[1], port, allowHalfOpen: true })
    let connected = false
    backend.once('connect', () => {
      connected = true
      client.write('OK\n')
      if (rest.byteLength > 0) backend.write(rest)
      client.pipe(backend)
      backend.pipe(client)
      client.resume()
    })
    backend.on('error', (err: NodeJS.ErrnoException) => {
      if (connected) client.destroy()
      else client.end(`ERR ${err.code ?? 'ECONNREFUSED'}\n`)
    })
    backend.once('close', () => { if (connected) client.destroy() })
    client.once('close', () => { backend.destroy() })
  }
  client.on('data', onData)
}

process.umask(0o077)
// a socket left by a forwarder that was killed: ours replaces it
rmSync(path, { force: true })
// half-open both ways: a client's FIN reaches the container, whose answer still comes back
const server = createServer({ allowHalfOpen: true }, serve)
server.listen(path, () => {
  process.stdout.write('ready\n')
  touch()
})
process.on('SIGTERM', exit)
