import assert from 'node:assert/strict'
import { execFile, spawn, type ChildProcess } from 'node:child_process'
import { copyFile, mkdir, readdir, rm, writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { promisify } from 'node:util'
import { after, before, describe, it } from 'node:test'
import { makeBusyboxRootfs, runcUnavailable } from '@p2pcloud/runtime'
import { canCreateNetns, createTestInternet, netnsExec, tempDir, waitFor, type TestInternet } from '@p2pcloud/test-utils'
import { farmerHome, runCli, spawnDaemon, type CliDaemon, type CliResult } from './helpers/index.js'

const exec = promisify(execFile)

/*
 * Issue 15 with daemons in a small internet: a gateway farmer in a public site (ports 80 and 443
 * of its own namespace), the backend's farmer behind a NAT (no port open to it), the twin in a
 * site of its own, and pebble, the ACME server, in a fourth, its DNS sending every name to the
 * gateway. Clients (curl, a WebSocket) run in the twin's site and reach the gateway by its address.
 */
const commandMissing = async (command: string): Promise<boolean> => exec('sh', ['-c', `command -v ${command}`]).then(() => false, () => true)
const missing = !await canCreateNetns()
  ? 'needs root and iproute2 to create network namespaces'
  : await runcUnavailable() ?? (await commandMissing('pebble') || await commandMissing('openssl') || await commandMissing('curl')
    ? 'needs pebble, pebble-challtestsrv, openssl and curl (bash scripts/install-system-packages.sh)'
    : false)

function ok (result: CliResult, what: string): string {
  assert.equal(result.code, 0, `${what}: ${result.stderr}`)
  return result.stdout
}

/** The backend: busybox httpd on :8080, and node with its own certificate on :8443 (TLS) and a WebSocket echo on :8081. */
const BACKEND_JS = `
const { createServer } = require('node:http')
const https = require('node:https')
const { readFileSync } = require('node:fs')
const { createHash } = require('node:crypto')
https.createServer({ key: readFileSync('/srv/key.pem'), cert: readFileSync('/srv/cert.pem') }, (req, res) => res.end('hello-over-its-own-tls\\n')).listen(8443)
const ws = createServer((req, res) => res.end('not a websocket\\n'))
ws.on('upgrade', (req, socket) => {
  const accept = createHash('sha1').update(req.headers['sec-websocket-key'] + '258EAFA5-E914-47DA-95CA-C5AB0DC85B11').digest('base64')
  socket.write('HTTP/1.1 101 Switching Protocols\\r\\nUpgrade: websocket\\r\\nConnection: Upgrade\\r\\nSec-WebSocket-Accept: ' + accept + '\\r\\n\\r\\n')
  // each of the test's messages is one small masked text frame: echoed unmasked
  socket.on('data', frame => {
    const length = frame[1] & 0x7f
    const mask = frame.subarray(2, 6)
    const payload = Buffer.from(frame.subarray(6, 6 + length).map((byte, i) => byte ^ mask[i % 4]))
    socket.write(Buffer.concat([Buffer.from([0x81, length]), payload]))
  })
})
ws.listen(8081)
`

/** A WebSocket client run in a site: one message to ws://<address>/ with Host `host`, prints the echo. */
const WS_CLIENT_JS = `
const { request } = require('node:http')
const { randomBytes } = require('node:crypto')
const [address, host, message] = process.argv.slice(2)
const req = request({ host: address, port: 80, headers: { host, connection: 'Upgrade', upgrade: 'websocket', 'sec-websocket-version': '13', 'sec-websocket-key': randomBytes(16).toString('base64') } })
req.on('upgrade', (res, socket) => {
  const mask = randomBytes(4)
  const payload = Buffer.from(message).map((byte, i) => byte ^ mask[i % 4])
  socket.write(Buffer.concat([Buffer.from([0x81, 0x80 | payload.length]), mask, payload]))
  socket.once('data', frame => { process.stdout.write(frame.subarray(2, 2 + (frame[1] & 0x7f)).toString()); socket.destroy() })
})
req.on('response', res => { console.error('no upgrade: ' + res.statusCode); process.exit(1) })
req.setTimeout(10000, () => { console.error('no answer in 10 s'); process.exit(1) })
req.end()
`

/** A self-signed certificate for `name` (SAN DNS or IP), made by openssl: key and cert PEM files. */
async function selfSigned (dir: string, base: string, name: string, san: string): Promise<{ key: string, cert: string }> {
  const key = join(dir, `${base}-key.pem`)
  const cert = join(dir, `${base}.pem`)
  await exec('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', key, '-out', cert, '-days', '2', '-subj', `/CN=${name}`, '-addext', `subjectAltName=${san}`])
  return { key, cert }
}

/** Copies node, and the shared libraries it loads, into a root filesystem. */
async function addNode (rootfs: string): Promise<void> {
  const binary = process.execPath
  const { stdout } = await exec('ldd', [binary])
  const libraries = [...stdout.matchAll(/(\/\S+) \(0x/g)].map(match => match[1])
  for (const file of [binary, ...libraries]) {
    const target = join(rootfs, file === binary ? '/usr/bin/node' : file)
    await mkdir(dirname(target), { recursive: true })
    await copyFile(file, target)
  }
}

/** A process in namespace `netns`, until stopped. */
function spawnIn (netns: string, command: string, args: string[], env: Record<string, string> = {}): { child: ChildProcess, output: () => string } {
  const child = spawn('ip', ['netns', 'exec', netns, command, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  const keep = (chunk: Buffer): void => { output = (output + chunk.toString()).slice(-8192) }
  child.stdout?.on('data', keep)
  child.stderr?.on('data', keep)
  return { child, output: () => output }
}

describe('web gateways: names on a gateway farmer in front of a container behind NAT', { skip: missing, timeout: 300_000 }, () => {
  let internet: TestInternet
  let dir: string
  const daemons: CliDaemon[] = []
  const processes: ChildProcess[] = []
  const homes = new Map<string, string>()
  const ids = new Map<string, string>()
  let pebbleRoot: string
  let backendCert: string

  const cli = async (site: string, ...args: string[]): Promise<CliResult> => runCli([...args, '--home', homes.get(site) as string], {}, internet.site(site).netns)
  const gatewayAddress = (): string => internet.site('gw').address
  /** curl in the twin's site, to the gateway's address whatever the name. */
  const curl = async (...args: string[]): Promise<{ code: number, stdout: string, stderr: string }> =>
    netnsExec(internet.site('twin').netns, 'curl', '-sS', '--max-time', '10', ...args).then(stdout => ({ code: 0, stdout, stderr: '' }), (err: any) => ({ code: err.code ?? 1, stdout: err.stdout ?? '', stderr: err.stderr ?? err.message }))
  const resolve = (host: string, port: number): string[] => ['--resolve', `${host}:${port}:${gatewayAddress()}`]

  async function start (site: string, home: string, bootstrap: string[]): Promise<void> {
    const daemon = await spawnDaemon(home, { netns: internet.site(site).netns, args: bootstrap.flatMap(address => ['--bootstrap', address]) })
    daemons.push(daemon)
    homes.set(site, home)
    ids.set(site, daemon.ready.peerId)
  }
  const addressOf = (site: string): string => {
    const daemon = daemons.find(d => d.ready.peerId === ids.get(site)) as CliDaemon
    const address = daemon.ready.addresses.find(a => a.includes(`/ip4/${internet.site(site).address}/`)) as string
    return address.includes('/p2p/') ? address : `${address}/p2p/${daemon.ready.peerId}`
  }

  before(async () => {
    dir = await tempDir('gateways-world')
    internet = await createTestInternet([{ name: 'gw' }, { name: 'farmer', nat: true }, { name: 'twin' }, { name: 'acme' }])
    const acme = internet.site('acme')

    // pebble and its DNS in the acme site: every name is the gateway's address, HTTP-01 on its port 80
    const api = await selfSigned(dir, 'pebble-api', acme.address, `IP:${acme.address},IP:127.0.0.1`)
    await writeFile(join(dir, 'pebble.json'), JSON.stringify({
      pebble: {
        listenAddress: '0.0.0.0:14000', managementListenAddress: '127.0.0.1:15000', certificate: api.cert, privateKey: api.key,
        httpPort: 80, tlsPort: 443, ocspResponderURL: '', externalAccountBindingRequired: false, certificateValidityPeriod: 3600
      }
    }))
    processes.push(spawnIn(acme.netns, 'pebble-challtestsrv', ['-defaultIPv4', gatewayAddress(), '-defaultIPv6', '', '-dns01', '127.0.0.1:8053',
      '-http01', '', '-https01', '', '-tlsalpn01', '', '-management', '127.0.0.1:8055']).child)
    const pebble = spawnIn(acme.netns, 'pebble', ['-config', join(dir, 'pebble.json'), '-dnsserver', '127.0.0.1:8053'],
      { PEBBLE_VA_NOSLEEP: '1', PEBBLE_VA_ALWAYS_VALID: '0', PEBBLE_WFE_NONCEREJECT: '0', PEBBLE_AUTHZREUSE: '0' })
    processes.push(pebble.child)
    await waitFor('pebble to serve its directory', async () => netnsExec(acme.netns, 'curl', '-sf', '--cacert', api.cert, `https://${acme.address}:14000/dir`).then(() => true, () => false), 20_000, 200)
      .catch(err => { throw new Error(`${err.message as string}; pebble said: ${pebble.output()}`) })
    pebbleRoot = join(dir, 'pebble-root.pem')
    await writeFile(pebbleRoot, await netnsExec(acme.netns, 'curl', '-sf', '--cacert', api.cert, 'https://127.0.0.1:15000/roots/0'))

    const gateway = await farmerHome('gateways-gw', { cru: 1, mru: '1G', sru: '1G', hru: 0 }, {
      capabilities: ['gateway'],
      gatewayDomain: 'gw.test',
      gateway: { acme: { directoryUrl: `https://${acme.address}:14000/dir`, caFile: api.cert } }
    })
    await start('gw', gateway, [])
    const twin = await tempDir('gateways-twin')
    ok(await runCli(['init', '--home', twin]), 'init')
    await start('twin', twin, [addressOf('gw')])
    // behind the NAT: it dials out; nothing dials in
    await start('farmer', await farmerHome('gateways-farmer', { cru: 4, mru: '4G', sru: '20G', hru: 0 }, { capabilities: ['container', 'network'] }), [addressOf('gw'), addressOf('twin')])
  })

  after(async () => {
    if (homes.has('twin')) {
      const listed = await cli('twin', 'ls', '--json')
      for (const { name } of listed.code === 0 ? JSON.parse(listed.stdout) as Array<{ name: string }> : []) await cli('twin', 'rm', '--force', name)
    }
    // the farmer keeps a network over a restart: only its removal, done after it answered the delete, takes it off this host
    const networks = join(homes.get('farmer') ?? dir, 'networks')
    await waitFor('the farmer to take its network down', async () => (await readdir(networks).catch(() => [])).length === 0, 30_000, 500).catch(() => {})
    await Promise.all(daemons.map(async daemon => daemon.stop()))
    for (const child of processes) child.kill('SIGTERM')
    await internet?.destroy()
    for (const home of [...homes.values(), dir]) await rm(home, { recursive: true, force: true })
  })

  it('by name and by fqdn over HTTP, TLS passed through to the container\'s own certificate, terminated with a certificate from ACME, a WebSocket; removal is a 404', async () => {
    const rootfs = join(dir, 'rootfs')
    backendCert = (await selfSigned(dir, 'backend', 'shop.example.org', 'DNS:shop.example.org')).cert
    await makeBusyboxRootfs(rootfs, { files: { 'www/index.html': 'hello-from-the-container\n', 'srv/backend.cjs': BACKEND_JS } })
    await copyFile(backendCert, join(rootfs, 'srv/cert.pem'))
    await copyFile(join(dir, 'backend-key.pem'), join(rootfs, 'srv/key.pem'))
    await addNode(rootfs)
    const built = JSON.parse(ok(await runCli(['flist', 'build', rootfs, '-o', join(dir, 'backend.flist'), '--json']), 'flist build'))
    ok(await cli('twin', 'flist', 'publish', join(dir, 'backend.flist'), '--json'), 'flist publish')
    await writeFile(join(dir, 'ws-client.cjs'), WS_CLIENT_JS)

    await waitFor('the twin to know the farmer and the gateway', async () => {
      const found = JSON.parse(ok(await cli('twin', 'find', '--json'), 'find'))
      return ['farmer', 'gw'].every(site => found.some((e: any) => e.peerId === ids.get(site)))
    }, 60_000, 1000)
    const gateways = ok(await cli('twin', 'find', '--capability', 'gateway'), 'find --capability gateway')
    assert.match(gateways, new RegExp(`^${ids.get('gw') as string} .*\n(.*\n)*  gateway for \\*\\.gw\\.test\n`))
    assert.doesNotMatch(gateways, new RegExp(ids.get('farmer') as string))

    ok(await cli('twin', 'network', 'create', 'web'), 'network create')
    await writeFile(join(dir, 'web.yaml'), [
      'name: web', 'where:', `  farmer: ${ids.get('farmer') as string}`, 'lease: 1h', 'workloads:',
      '  - name: httpd', '    type: container', `    flist: ${built.cid as string}`, '    network: web',
      '    entrypoint: [/bin/sh, -c]', `    args: ["httpd -p 8080 -h /www; exec /usr/bin/node /srv/backend.cjs"]`, '    cpu: 1', '    memory: 256M', '    rootfs: 64M', ''
    ].join('\n'))
    ok(await cli('twin', 'deploy', join(dir, 'web.yaml')), 'deploy web')
    await writeFile(join(dir, 'site.yaml'), [
      'name: site', 'where:', `  farmer: ${ids.get('gw') as string}`, 'lease: 1h', 'workloads:',
      '  - { name: www, type: gateway-name, backend: web/httpd:8080, tls: none }',
      '  - { name: plain, type: gateway-fqdn, fqdn: www.example.org, backend: web/httpd:8080, tls: none }',
      '  - { name: shop, type: gateway-fqdn, fqdn: shop.example.org, backend: web/httpd:8443, tls: passthrough }',
      '  - { name: secure, type: gateway-name, backend: web/httpd:8080 }',
      '  - { name: ws, type: gateway-name, backend: web/httpd:8081, tls: none }', ''
    ].join('\n'))
    ok(await cli('twin', 'deploy', join(dir, 'site.yaml')), 'deploy site')

    // by name and by fqdn, plain HTTP (httpd may take a moment after its container counts as running)
    await waitFor('the page by name', async () => (await curl(...resolve('www.gw.test', 80), 'http://www.gw.test/')).stdout === 'hello-from-the-container\n', 30_000, 500)
    assert.equal((await curl(...resolve('www.example.org', 80), 'http://www.example.org/')).stdout, 'hello-from-the-container\n')
    // passthrough: the certificate is the container's own, and it verifies against it alone
    await waitFor('the container\'s own TLS', async () => (await curl('--cacert', backendCert, ...resolve('shop.example.org', 443), 'https://shop.example.org/')).stdout === 'hello-over-its-own-tls\n', 30_000, 500)
    // terminated: a certificate pebble issued, verified against pebble's root
    await waitFor('a certificate from pebble', async () => (await curl('--cacert', pebbleRoot, ...resolve('secure.gw.test', 443), 'https://secure.gw.test/')).stdout === 'hello-from-the-container\n', 60_000, 1000)
    assert.match((await curl('-I', ...resolve('secure.gw.test', 80), 'http://secure.gw.test/')).stdout, /^HTTP\/1\.1 308 /)
    // a WebSocket, spliced both ways
    const echoed = await netnsExec(internet.site('twin').netns, process.execPath, join(dir, 'ws-client.cjs'), gatewayAddress(), 'ws.gw.test', 'echo-through-the-gateway')
    assert.equal(echoed, 'echo-through-the-gateway')

    let shown = ''
    await waitFor('show to say every backend answers', async () => {
      shown = ok(await cli('twin', 'show', 'site'), 'show')
      return (shown.match(/backend answers/g) ?? []).length === 5
    }, 60_000, 1000).catch(err => { throw new Error(`${err.message as string}; show said:\n${shown}`) })
    for (const url of ['http://www.gw.test/', 'http://www.example.org/', 'https://shop.example.org/', 'https://secure.gw.test/', 'http://ws.gw.test/']) assert.ok(shown.includes(` ${url}  backend answers`), url)

    // removed: the gateway answers at once, 404 naming the name
    ok(await cli('twin', 'rm', 'site'), 'rm site')
    const gone = await curl('-w', '%{http_code}', ...resolve('www.gw.test', 80), 'http://www.gw.test/')
    assert.match(gone.stdout, /www\.gw\.test[\s\S]*404$/)
  })
})
