import { generateKeyPairSync } from 'node:crypto'
import forge from 'node-forge'

export interface KeyAndCertificate {
  key: string
  cert: string
}

/** A self-signed certificate for `commonName` (a backend's own, or pebble's for its HTTPS API), valid for a day. */
export function selfSignedCertificate (commonName: string, altNames: { dns?: string[], ip?: string[] } = {}): KeyAndCertificate {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })
  const key = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString()
  const cert = forge.pki.createCertificate()
  cert.publicKey = forge.pki.publicKeyFromPem(publicKey.export({ type: 'spki', format: 'pem' }).toString())
  cert.serialNumber = '01' + Buffer.from(globalThis.crypto.getRandomValues(new Uint8Array(8))).toString('hex')
  cert.validity.notBefore = new Date(Date.now() - 60_000)
  cert.validity.notAfter = new Date(Date.now() + 24 * 3600_000)
  const subject = [{ name: 'commonName', value: commonName }, { name: 'organizationName', value: 'p2pcloud test backend' }]
  cert.setSubject(subject)
  cert.setIssuer(subject)
  cert.setExtensions([
    { name: 'basicConstraints', cA: true },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, keyCertSign: true },
    { name: 'extKeyUsage', serverAuth: true },
    {
      name: 'subjectAltName',
      altNames: [
        ...(altNames.dns ?? [commonName]).map(value => ({ type: 2, value })),
        ...(altNames.ip ?? []).map(ip => ({ type: 7, ip }))
      ]
    }
  ])
  cert.sign(forge.pki.privateKeyFromPem(key), forge.md.sha256.create())
  return { key, cert: forge.pki.certificateToPem(cert) }
}
