import assert from 'node:assert/strict'
import { createServer, type AddressInfo } from 'node:net'
import { describe, it } from 'node:test'
import { connect } from 'node:tls'
import { ClientHelloError, readClientHello } from '../src/index.js'

/** The first bytes a real TLS client (node's) sends, with `servername` or without SNI. */
async function realClientHello (servername: string | undefined): Promise<Buffer> {
  const server = createServer()
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  try {
    const received = new Promise<Buffer>(resolve => server.once('connection', socket => {
      socket.once('data', (hello: Buffer) => { resolve(hello); socket.destroy() })
    }))
    const client = connect({ host: '127.0.0.1', port: (server.address() as AddressInfo).port, servername })
    client.on('error', () => {})
    return await received
  } finally {
    server.close()
  }
}

/** The same handshake bytes cut into records of at most `size` bytes (a client may fragment). */
function fragment (hello: Buffer, size: number): Buffer {
  const handshake = hello.subarray(5, 5 + hello.readUInt16BE(3))
  const records: Buffer[] = []
  for (let offset = 0; offset < handshake.length; offset += size) {
    const part = handshake.subarray(offset, offset + size)
    records.push(Buffer.from([22, 3, 1, part.length >> 8, part.length & 0xff]), part)
  }
  return Buffer.concat(records)
}

describe('ClientHello reader (sni.ts)', () => {
  it('reads the server name of a real ClientHello, whole, byte by byte, and fragmented over records', async () => {
    const hello = await realClientHello('www.gw.test')
    assert.deepEqual(readClientHello(hello, 16_384), { complete: true, serverName: 'www.gw.test' })
    for (let i = 0; i < hello.length; i++) assert.deepEqual(readClientHello(hello.subarray(0, i), 16_384), { complete: false })
    const fragmented = fragment(hello, 100)
    assert.deepEqual(readClientHello(fragmented, 16_384), { complete: true, serverName: 'www.gw.test' })
    assert.deepEqual(readClientHello(fragmented.subarray(0, fragmented.length - 1), 16_384), { complete: false })
  })

  it('gives no server name for a ClientHello without SNI', async () => {
    const hello = await realClientHello(undefined)
    assert.deepEqual(readClientHello(hello, 16_384), { complete: true, serverName: undefined })
  })

  it('refuses what is not a ClientHello, a truncated one, and one over the limit', async () => {
    const hello = await realClientHello('www.gw.test')
    assert.throws(() => readClientHello(Buffer.from('GET / HTTP/1.1\r\n'), 16_384), ClientHelloError)
    assert.throws(() => readClientHello(hello, hello.length - 10), /over the limit/)
    // a ClientHello whose extensions length runs past its end
    const lying = Buffer.from(hello)
    const extensionsAt = 5 + 4 + 2 + 32 + 1 + lying[5 + 4 + 2 + 32]
    const afterCiphers = extensionsAt + 2 + lying.readUInt16BE(extensionsAt)
    const extensionsLength = afterCiphers + 1 + lying[afterCiphers]
    lying.writeUInt16BE(0xffff, extensionsLength)
    assert.throws(() => readClientHello(lying, 16_384), /truncated/)
    const serverHello = Buffer.from(hello)
    serverHello[5] = 2
    assert.throws(() => readClientHello(serverHello, 16_384), /not a ClientHello/)
  })
})
