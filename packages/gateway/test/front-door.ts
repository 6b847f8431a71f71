import { request, type IncomingHttpHeaders } from 'node:http'
import { connect, type Socket } from 'node:net'
import type { Cleanup } from '@p2pcloud/test-utils'
import { FrontDoor, type FrontDoorInit } from '../src/index.js'

/** A front door on loopback, on ports of its own, stopped after the test. */
export async function startFrontDoor (t: Cleanup, init: Partial<FrontDoorInit> = {}): Promise<FrontDoor> {
  const door = new FrontDoor({ http: { host: '127.0.0.1', port: 0 }, https: { host: '127.0.0.1', port: 0 }, ...init })
  await door.start()
  t.after(async () => { await door.stop() })
  return door
}

export interface Response {
  status: number
  headers: IncomingHttpHeaders
  body: Buffer
}

/** One request to 127.0.0.1:`port` with Host `host`, its body streamed from `body` when given. */
export async function send (port: number, host: string, path: string, options: { method?: string, headers?: Record<string, string>, body?: Buffer, agent?: any } = {}): Promise<Response> {
  return await new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method: options.method ?? 'GET', agent: options.agent, headers: { host, ...options.headers }, timeout: 20_000 }, res => {
      const chunks: Buffer[] = []
      res.on('data', (chunk: Buffer) => chunks.push(chunk))
      res.on('end', () => { resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }) })
      res.on('error', reject)
    })
    req.on('timeout', () => req.destroy(new Error('no response within 20 s')))
    req.on('error', reject)
    req.end(options.body)
  })
}

/** A raw TCP connection to 127.0.0.1:`port` that records what it receives and whether it closed. */
export async function rawConnection (port: number): Promise<{ socket: Socket, received: () => string, closed: () => boolean }> {
  const socket = connect(port, '127.0.0.1')
  let text = ''
  let closed = false
  socket.on('data', chunk => { text += chunk.toString('latin1') })
  socket.on('error', () => {})
  socket.on('close', () => { closed = true })
  await new Promise<void>((resolve, reject) => { socket.once('connect', resolve).once('error', reject) })
  return { socket, received: () => text, closed: () => closed }
}
