import { X509Certificate, createPrivateKey } from 'node:crypto'
import { mkdir, open, readdir, rename, rm } from 'node:fs/promises'
import { join, resolve, sep } from 'node:path'
import { logger } from '@libp2p/logger'
import { parseHostname } from './hostname.js'

const log = logger('p2pcloud:gateway:certificates')

/** A PEM file of ours larger than this is not one we wrote: refused before it is read. */
export const MAX_PEM_BYTES = 64 * 1024
const KEY_FILE = 'key.pem'
const CHAIN_FILE = 'chain.pem'

/** A certificate chain and its private key, as they are served. */
export interface StoredCertificate {
  hostname: string
  /** PEM, PKCS#8. */
  key: string
  /** PEM, the leaf first. */
  chain: string
  notBefore: Date
  notAfter: Date
  serialNumber: string
}

/**
 * Certificates and the ACME account key on disk, readable by the gateway alone (files 0600,
 * directories 0700):
 *   <dir>/account.key
 *   <dir>/certificates/<hostname>/key.pem, chain.pem
 * A hostname becomes a path only once parseHostname accepted it (letters, digits, hyphens and
 * dots, no empty label), and the path is checked to stay under <dir>. Files are replaced by
 * rename, so a crash leaves the old certificate or the new one, never half of one.
 */
export class CertificateStore {
  private readonly root: string
  private readonly certificatesDir: string

  constructor (dir: string) {
    this.root = resolve(dir)
    this.certificatesDir = join(this.root, 'certificates')
  }

  /** The account key, made by `create` and written on first use. */
  async accountKey (create: () => Promise<Buffer>): Promise<Buffer> {
    const path = join(this.root, 'account.key')
    const existing = await readSmall(path)
    if (existing != null) return existing
    const key = await create()
    await mkdir(this.root, { recursive: true, mode: 0o700 })
    await writeAtomically(path, key)
    return key
  }

  /** Every stored certificate whose files are whole and whose key matches; others are logged and skipped. */
  async load (): Promise<StoredCertificate[]> {
    let names: string[]
    try {
      names = await readdir(this.certificatesDir)
    } catch (err: any) {
      if (err.code === 'ENOENT') return []
      throw err
    }
    const loaded: StoredCertificate[] = []
    for (const name of names) {
      try {
        const dir = this.dirOf(name)
        const [key, chain] = await Promise.all([readSmall(join(dir, KEY_FILE)), readSmall(join(dir, CHAIN_FILE))])
        if (key == null || chain == null) throw new Error('key or chain missing')
        loaded.push(describe(name, key.toString(), chain.toString()))
      } catch (err) {
        log.error('skipping the stored certificate %s: %e', name, err)
      }
    }
    return loaded
  }

  /** Checks that `key` and `chain` belong together, writes them, and returns them described. */
  async save (hostname: string, key: string, chain: string): Promise<StoredCertificate> {
    const certificate = describe(hostname, key, chain)
    const dir = this.dirOf(hostname)
    await mkdir(dir, { recursive: true, mode: 0o700 })
    await writeAtomically(join(dir, KEY_FILE), Buffer.from(key))
    await writeAtomically(join(dir, CHAIN_FILE), Buffer.from(chain))
    return certificate
  }

  async delete (hostname: string): Promise<void> {
    await rm(this.dirOf(hostname), { recursive: true, force: true })
  }

  private dirOf (hostname: string): string {
    const name = parseHostname(hostname)
    if (name !== hostname) throw new Error(`"${hostname}" is not in canonical form`)
    const dir = join(this.certificatesDir, name)
    if (!dir.startsWith(this.certificatesDir + sep)) throw new Error(`"${hostname}" would leave ${this.certificatesDir}`)
    return dir
  }
}

/** The certificate's dates and serial, after checking that the leaf is for `hostname` and matches `key`. */
function describe (hostname: string, key: string, chain: string): StoredCertificate {
  const leaf = new X509Certificate(chain)
  if (!leaf.checkPrivateKey(createPrivateKey(key))) throw new Error(`the key of ${hostname} does not match its certificate`)
  if (leaf.checkHost(hostname) == null) throw new Error(`the certificate is not for ${hostname} (${leaf.subjectAltName ?? leaf.subject})`)
  return { hostname, key, chain, notBefore: new Date(leaf.validFrom), notAfter: new Date(leaf.validTo), serialNumber: leaf.serialNumber }
}

/** A file of at most MAX_PEM_BYTES, or undefined when there is none. */
async function readSmall (path: string): Promise<Buffer | undefined> {
  let file
  try {
    file = await open(path, 'r')
  } catch (err: any) {
    if (err.code === 'ENOENT') return undefined
    throw err
  }
  try {
    const { size } = await file.stat()
    if (size > MAX_PEM_BYTES) throw new Error(`${path} is ${size} bytes, over the ${MAX_PEM_BYTES} a key or chain may take`)
    return await file.readFile()
  } finally {
    await file.close()
  }
}

/** Writes a sibling file readable by us alone, syncs it and renames it over `path`. */
async function writeAtomically (path: string, bytes: Buffer): Promise<void> {
  const temporary = `${path}.${process.pid}.tmp`
  const file = await open(temporary, 'w', 0o600)
  try {
    await file.writeFile(bytes)
    await file.sync()
  } finally {
    await file.close()
  }
  await rename(temporary, path)
}
