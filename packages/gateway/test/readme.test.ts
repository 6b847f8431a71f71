import assert from 'node:assert/strict'
import { readFile, writeFile } from 'node:fs/promises'
import { Agent } from 'node:https'
import { createServer, type AddressInfo } from 'node:net'
import { join } from 'node:path'
import { it } from 'node:test'
import * as acme from 'acme-client'
import { tempDir } from '@p2pcloud/test-utils'
import { AcmeCertificates, FrontDoor, tcpBackend } from '../src/index.js'
import { startHttpBackend, startTlsBackend } from './backends.js'
import { curl, resolveTo127 } from './curl.js'
import { startPebble } from './pebble.js'

async function freeTcpPort (): Promise<number> {
  const server = createServer()
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  await new Promise(resolve => server.close(resolve))
  return port
}

it('runs the README\'s example as written, against pebble', async t => {
  const dir = await tempDir('gateway-readme', t)
  const backendPort = (await startHttpBackend('readme', t)).port
  const tlsBackendPort = (await startTlsBackend('shop.example.org', t)).port
  const [httpPort, httpsPort] = [await freeTcpPort(), await freeTcpPort()]
  const pebble = await startPebble(dir, httpPort, 3600)
  t.after(pebble.stop)
  acme.axios.defaults.httpsAgent = new Agent({ ca: pebble.apiCertificate })
  const directoryUrl = pebble.directoryUrl

  // README:start
  const certificates = new AcmeCertificates({ directoryUrl, dir: join(dir, 'gateway') })
  await certificates.start()
  const door = new FrontDoor({
    http: { host: '127.0.0.1', port: httpPort }, // 80 on a public gateway: HTTP-01 comes here
    https: { host: '127.0.0.1', port: httpsPort }, // 443
    certificates: certificates.secureContext,
    challenges: certificates.challenges
  })
  await door.start()
  // TLS terminated here, with a certificate from the ACME server
  door.routes.set('www.gw.test', { tls: 'terminate', connect: tcpBackend('127.0.0.1', backendPort) })
  await certificates.obtain('www.gw.test')
  // TLS done by the backend itself, and a site on plain HTTP
  door.routes.set('shop.example.org', { tls: 'passthrough', connect: tcpBackend('127.0.0.1', tlsBackendPort) })
  door.routes.set('plain.gw.test', { tls: 'none', connect: tcpBackend('127.0.0.1', backendPort) })
  // README:end
  t.after(async () => {
    certificates.stop()
    await door.stop()
  })

  const readme = await readFile(new URL('../../README.md', import.meta.url), 'utf8')
  const source = await readFile(new URL('../../test/readme.test.ts', import.meta.url), 'utf8')
  const example = source.slice(source.indexOf('// README:start\n') + 16, source.indexOf('  // README:end'))
    .split('\n').map(line => line.slice(2)).join('\n')
  assert.ok(readme.includes(example), 'README.md shows the example exactly as this test runs it')

  const root = join(dir, 'root.pem')
  await writeFile(root, pebble.root)
  const resolve = resolveTo127(['www.gw.test', 'shop.example.org', 'plain.gw.test'], [httpPort, httpsPort])
  const terminated = await curl(`https://www.gw.test:${httpsPort}/`, [...resolve, '--cacert', root])
  assert.equal(terminated.body, 'hello from readme', terminated.stderr)
  const passedThrough = await curl(`https://shop.example.org:${httpsPort}/`, [...resolve, '--insecure'])
  assert.equal(passedThrough.body, 'hello from tls backend shop.example.org', passedThrough.stderr)
  const plain = await curl(`http://plain.gw.test:${httpPort}/`, resolve)
  assert.equal(plain.body, 'hello from readme')
})
