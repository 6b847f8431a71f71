import { readFile, stat, writeFile } from 'node:fs/promises'
import { generateKeyPair, privateKeyFromProtobuf, privateKeyToProtobuf } from '@libp2p/crypto/keys'
import type { PrivateKey } from '@libp2p/interface'
import { HomeNotInitialisedError, KeyFileError } from './errors.js'

/**
 * The peer's identity is an Ed25519 key stored as libp2p's protobuf encoding
 * (the same bytes other libp2p implementations read), readable by the owner only.
 */
export async function createIdentityFile (path: string): Promise<PrivateKey> {
  const key = await generateKeyPair('Ed25519')
  // 'wx': never replace an existing identity, that would silently change the peer id
  await writeFile(path, privateKeyToProtobuf(key), { flag: 'wx', mode: 0o600 })
  return key
}

export async function readIdentityFile (path: string): Promise<PrivateKey> {
  let bytes: Uint8Array
  try {
    const info = await stat(path)
    if ((info.mode & 0o077) !== 0) {
      throw new KeyFileError(`${path}: permissions ${(info.mode & 0o777).toString(8)} are too open for a private key; run "chmod 600 ${path}"`)
    }
    bytes = await readFile(path)
  } catch (err: any) {
    if (err.name === 'KeyFileError') throw err
    if (err.code === 'ENOENT') {
      throw new HomeNotInitialisedError(`${path} does not exist; run "p2pcloud init" first`)
    }
    throw new KeyFileError(`${path}: cannot read: ${err.message}`)
  }
  try {
    return privateKeyFromProtobuf(bytes)
  } catch (err: any) {
    throw new KeyFileError(`${path}: not a libp2p private key (${err.message})`)
  }
}
