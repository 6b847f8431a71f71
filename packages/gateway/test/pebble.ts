import { spawn, type ChildProcess } from 'node:child_process'
import { createSocket } from 'node:dgram'
import { writeFile } from 'node:fs/promises'
import { get } from 'node:https'
import { join } from 'node:path'
import { waitFor } from '@p2pcloud/test-utils'
import { selfSignedCertificate } from './test-certificates.js'

export interface Pebble {
  /** The ACME directory URL. */
  directoryUrl: string
  /** The certificate of pebble's own HTTPS API (not the root it issues under). */
  apiCertificate: string
  /** The root pebble issues certificates under, from its management API (/roots/0). */
  root: string
  /** Stops pebble and its DNS (for tests of an ACME server that went away). */
  stop: () => Promise<void>
}

/** A port free on 127.0.0.1 for both UDP and TCP, as far as a UDP bind can tell (the DNS listens on both). */
async function freePort (): Promise<number> {
  const socket = createSocket('udp4')
  await new Promise<void>(resolve => socket.bind(0, '127.0.0.1', resolve))
  const { port } = socket.address()
  await new Promise<void>(resolve => socket.close(resolve))
  return port
}

/** Starts `command` and keeps the tail of what it prints, for the message of a test that fails. */
function startProcess (command: string, args: string[], env: Record<string, string> = {}): { child: ChildProcess, output: () => string } {
  const child = spawn(command, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  const keep = (chunk: Buffer): void => { output = (output + chunk.toString()).slice(-16_384) }
  child.stdout?.on('data', keep)
  child.stderr?.on('data', keep)
  return { child, output: () => output }
}

async function stopProcess (child: ChildProcess): Promise<void> {
  if (child.exitCode != null || child.signalCode != null) return
  const exited = new Promise(resolve => child.once('exit', resolve))
  child.kill('SIGTERM')
  await exited
}

async function fetchText (url: string, ca: string): Promise<string> {
  return await new Promise((resolve, reject) => {
    const req = get(url, { ca, timeout: 5000 }, res => {
      let text = ''
      res.on('data', chunk => { text += chunk })
      res.on('end', () => {
        if (res.statusCode === 200) resolve(text)
        else reject(new Error(`${url}: ${res.statusCode}`))
      })
    })
    req.on('timeout', () => req.destroy(new Error(`${url}: no answer in 5 s`)))
    req.on('error', reject)
  })
}

/**
 * Debian's pebble on loopback ports, its HTTP-01 validations sent to `httpPort` (the front door's),
 * with pebble-challtestsrv as its DNS, answering 127.0.0.1 for every name (no AAAA). Certificates
 * are valid for `validitySeconds`. Stopped after the test unless stopped before.
 */
export async function startPebble (dir: string, httpPort: number, validitySeconds: number): Promise<Pebble> {
  const [acmePort, managementPort, dnsPort, dnsManagementPort, tlsPort] = await Promise.all([freePort(), freePort(), freePort(), freePort(), freePort()])
  const api = selfSignedCertificate('localhost', { dns: ['localhost'], ip: ['127.0.0.1'] })
  await writeFile(join(dir, 'pebble-api.key'), api.key)
  await writeFile(join(dir, 'pebble-api.pem'), api.cert)
  await writeFile(join(dir, 'pebble-config.json'), JSON.stringify({
    pebble: {
      listenAddress: `127.0.0.1:${acmePort}`,
      managementListenAddress: `127.0.0.1:${managementPort}`,
      certificate: join(dir, 'pebble-api.pem'),
      privateKey: join(dir, 'pebble-api.key'),
      httpPort,
      tlsPort,
      ocspResponderURL: '',
      externalAccountBindingRequired: false,
      certificateValidityPeriod: validitySeconds
    }
  }))
  const dns = startProcess('pebble-challtestsrv', ['-defaultIPv4', '127.0.0.1', '-defaultIPv6', '', '-dns01', `127.0.0.1:${dnsPort}`,
    '-http01', '', '-https01', '', '-tlsalpn01', '', '-management', `127.0.0.1:${dnsManagementPort}`])
  const pebble = startProcess('pebble', ['-config', join(dir, 'pebble-config.json'), '-dnsserver', `127.0.0.1:${dnsPort}`], {
    PEBBLE_VA_NOSLEEP: '1', // validate at once, not after a random sleep
    PEBBLE_VA_ALWAYS_VALID: '0', // really fetch the HTTP-01 token from the front door
    PEBBLE_WFE_NONCEREJECT: '0', // no random badNonce errors
    PEBBLE_AUTHZREUSE: '0' // every order validates afresh
  })
  const stop = async (): Promise<void> => { await Promise.all([stopProcess(pebble.child), stopProcess(dns.child)]) }
  const directoryUrl = `https://127.0.0.1:${acmePort}/dir`
  try {
    await waitFor(`pebble to serve ${directoryUrl}`, async () => await fetchText(directoryUrl, api.cert).then(() => true, () => false))
    const root = await fetchText(`https://127.0.0.1:${managementPort}/roots/0`, api.cert)
    return { directoryUrl, apiCertificate: api.cert, root, stop }
  } catch (err: any) {
    await stop()
    throw new Error(`${err.message}\npebble said:\n${pebble.output()}\npebble-challtestsrv said:\n${dns.output()}`)
  }
}
