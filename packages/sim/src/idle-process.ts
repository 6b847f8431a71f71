/**
 * A process that only idles, for the idle-peer-memory benchmark's baselines of a whole process:
 *
 *   node idle-process.js node     plain Node.js: nothing loaded, one timer
 *   node idle-process.js libp2p   a bare libp2p node with the services every p2pcloud peer runs
 *                                 (createPeer: tcp, noise, yamux, identify, ping, kad-dht,
 *                                 gossipsub, autonat, relay, dcutr), none of p2pcloud's own,
 *                                 on loopback, mDNS off
 *
 * It prints one JSON line once it is up and idles until it is sent SIGTERM.
 */
import { pathToFileURL } from 'node:url'

async function main (): Promise<void> {
  const kind = process.argv[2]
  let stop = async (): Promise<void> => {}
  if (kind === 'libp2p') {
    const { generateKeyPair } = await import('@libp2p/crypto/keys')
    const { createPeer, defaultConfig } = await import('@p2pcloud/node')
    const config = { ...defaultConfig(), listen: ['/ip4/127.0.0.1/tcp/0'], mdns: { enabled: false, intervalMs: 10_000 } }
    const peer = await createPeer({ config, privateKey: await generateKeyPair('Ed25519') })
    stop = async () => { await peer.stop() }
  } else if (kind !== 'node') {
    throw new Error(`kind must be node or libp2p, not ${kind}`)
  }
  const timer = setInterval(() => {}, 60_000)
  process.once('SIGTERM', () => {
    clearInterval(timer)
    stop().then(() => process.exit(0), () => process.exit(1))
  })
  console.log(JSON.stringify({ kind, pid: process.pid }))
}

if (process.argv[1] != null && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch(err => {
    console.error(err)
    process.exit(1)
  })
}
