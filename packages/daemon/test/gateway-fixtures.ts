import { randomInt } from 'node:crypto'
import { chmod } from 'node:fs/promises'
import { request } from 'node:http'
import { join } from 'node:path'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { CID } from 'multiformats/cid'
import { sha256 } from 'multiformats/hashes/sha2'
import { networkKind } from '@p2pcloud/network'
import { defaultConfig } from '@p2pcloud/node'
import { hostIdOf, makeBusyboxRootfs, runcUnavailable } from '@p2pcloud/runtime'
import { startPeer, type DaemonLibp2p } from '../src/index.js'

/** What the gateway tests share: what they need of the machine, a quiet loopback peer, GET through a front door, and a farmer of busybox containers. */
export const skip = await runcUnavailable() ?? await networkKind.missing?.()
/** A flist CID the tests' containers name; their root filesystem is the busybox tree handed to the farmer. */
export const flist = CID.create(1, 0x55, await sha256.digest(new Uint8Array([1]))).toString()
export const quiet = { listen: ['/ip4/127.0.0.1/tcp/0'], mdns: { ...defaultConfig().mdns, enabled: false } }

/** GET / with `host` from a front door's HTTP port: the status and the body. */
export async function get (port: number, host: string, timeoutMs = 15_000): Promise<{ status: number, body: string }> {
  return await new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: '/', headers: { host, connection: 'close' }, timeout: timeoutMs }, res => {
      let body = ''
      res.setEncoding('utf8')
      res.on('data', chunk => { body += chunk })
      res.on('end', () => { resolve({ status: res.statusCode ?? 0, body }) })
    })
    req.once('timeout', () => { req.destroy(new Error(`no answer from the gateway for ${host} in ${timeoutMs} ms`)) })
    req.once('error', reject)
    req.end()
  })
}

/** A farmer offering containers and networks (WireGuard ports `port`…`port + 3`), its containers' root filesystem a busybox tree under `dir`. */
export async function startBackendFarmer (dir: string, port = randomInt(40_000, 50_000)): Promise<DaemonLibp2p> {
  const tree = await makeBusyboxRootfs(join(dir, 'tree'), { owner: hostIdOf(0) })
  await chmod(dir, 0o711)
  const rootfs = { acquire: async () => ({ path: tree, config: { entrypoint: [], cmd: ['sh'], env: [], workingDir: '/', user: '' }, release: async () => {} }) }
  return await startPeer({
    home: join(dir, 'farmer'),
    privateKey: await generateKeyPair('Ed25519'),
    config: {
      ...quiet,
      farmer: {
        enabled: true, farm: 'gent', country: 'BE', capacity: { cru: 8, mru: '4G', sru: '4G', hru: '0' }, capabilities: ['container', 'network'],
        network: { ports: { first: port, last: port + 3 } }
      }
    },
    tuning: { rootfs: () => rootfs, network: { tickMs: 300 } }
  })
}
