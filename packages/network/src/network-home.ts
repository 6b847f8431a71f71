import { createHash } from 'node:crypto'
import { mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { pathUnder } from '@p2pcloud/node'
import { EGRESS_LINKS } from './egress.js'
import { udpPortFree } from './udp-port.js'
import { generateWireguardKeys, isWireguardKey, wireguardPublicKey, type WireguardKeyPair } from './wireguard-keys.js'

/** Listen ports a farmer gives its networks' WireGuard devices, both ends included. */
export interface PortRange {
  first: number
  last: number
}

/** What a farmer keeps of one network between restarts (`<root>/<id>/network.json`). */
export interface StoredNetwork {
  /** The twin whose network it is and its network_id (hex): together they name the network here. */
  twin: string
  networkId: string
  range: string
  subnet: number
  listenPort: number
  /** Its egress link's /30 of 100.64.0.0/10 (egress.ts), while the farmer gives it a way out. */
  egressLink?: number
  /** The workloads (`<contract id>/<name>`) that run it: it goes when the last one is removed. */
  workloads: string[]
}

const ID = /^[0-9a-f]{8}$/

/**
 * The 8 hex digits that name twin `twin`'s network `networkId` on farmer `farmer`: its directory,
 * namespace and device. Derived from the twin and the id, so another twin's network_id is another
 * network; and from the farmer, so farmers sharing a host (tests) never share a namespace.
 */
export function networkHostId (farmer: string, twin: string, networkId: string): string {
  return createHash('sha256').update(`${farmer}/${twin}/${networkId}`).digest('hex').slice(0, 8)
}

/** Two networks whose ids share a host id: the later one cannot run here. */
export class NetworkIdCollisionError extends Error {
  override name = 'NetworkIdCollisionError'
}

/**
 * The networks of a farmer on disk: per network a directory `<root>/<id>` (0700) with its
 * private key (`private-key`, 0600, made here once and never sent anywhere) and network.json.
 * Every name that becomes a path is a host id (8 hex digits) checked by pathUnder.
 */
export class NetworkHome {
  constructor (private readonly root: string, private readonly ports: PortRange) {}

  private dir (id: string): string {
    if (!ID.test(id)) throw new Error(`"${id}" is not a network host id (8 hex digits)`)
    return pathUnder(this.root, id)
  }

  /** The network stored under `id`, if any. */
  async read (id: string): Promise<StoredNetwork | undefined> {
    const text = await readFile(join(this.dir(id), 'network.json'), 'utf8').catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return undefined
      throw err
    })
    return text === undefined ? undefined : JSON.parse(text)
  }

  /** Every stored network, by host id. */
  async list (): Promise<Map<string, StoredNetwork>> {
    const names = await readdir(this.root).catch(() => [] as string[])
    const stored = new Map<string, StoredNetwork>()
    for (const id of names.filter(name => ID.test(name))) {
      const network = await this.read(id)
      if (network !== undefined) stored.set(id, network)
    }
    return stored
  }

  async write (id: string, network: StoredNetwork): Promise<void> {
    await mkdir(this.dir(id), { recursive: true, mode: 0o700 })
    await writeFile(join(this.dir(id), 'network.json'), JSON.stringify(network, null, 2) + '\n', { mode: 0o600 })
  }

  /** The key pair kept for the network, if any. */
  async keptKeys (id: string): Promise<WireguardKeyPair | undefined> {
    const kept = (await readFile(join(this.dir(id), 'private-key'), 'utf8').catch(() => '')).trim()
    return isWireguardKey(kept) ? { privateKey: kept, publicKey: wireguardPublicKey(kept) } : undefined
  }

  /** The network's key pair: the one kept, else a new one, written before it is used. */
  async keys (id: string): Promise<WireguardKeyPair> {
    const kept = await this.keptKeys(id)
    if (kept !== undefined) return kept
    const keys = generateWireguardKeys()
    await mkdir(this.dir(id), { recursive: true, mode: 0o700 })
    await writeFile(join(this.dir(id), 'private-key'), keys.privateKey + '\n', { mode: 0o600 })
    return keys
  }

  /** The lowest port of the range that no other stored network has and nothing on this host listens on. */
  async freePort (id: string): Promise<number> {
    const taken = new Set([...(await this.list())].filter(([other]) => other !== id).map(([, network]) => network.listenPort))
    for (let port = this.ports.first; port <= this.ports.last; port++) {
      if (!taken.has(port) && await udpPortFree(port)) return port
    }
    throw new Error(`every WireGuard port of ${this.ports.first}–${this.ports.last} (farmer.network.ports) is taken by another network or another program`)
  }

  /** The lowest egress link (a /30 of 100.64.0.0/10) no other stored network has and none in `inUse` (on the host). */
  async freeEgressLink (id: string, inUse: Set<number>): Promise<number> {
    const taken = new Set([...(await this.list())].filter(([other]) => other !== id).map(([, network]) => network.egressLink))
    for (let link = 0; link < EGRESS_LINKS; link++) if (!taken.has(link) && !inUse.has(link)) return link
    throw new Error('every egress link of 100.64.0.0/10 is taken')
  }

  /** The network's directory, its key with it. */
  async remove (id: string): Promise<void> {
    await rm(this.dir(id), { recursive: true, force: true })
  }
}
