import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { after, before, describe, it } from 'node:test'
import { createTestInternet, hasWireguard, pings, waitFor, wireguardWorldMissing, type TestInternet } from '@p2pcloud/test-utils'
import { formatWireguardConfig, generateWireguardKeys, parseWireguardDump, WireguardDevice, wireguardPublicKey, type WireguardKeyPair } from '../src/index.js'

const world = await wireguardWorldMissing()

describe('WireGuard keys and configs', () => {
  it('makes key pairs that wg agrees with', { skip: hasWireguard() ? false : 'needs wg' }, () => {
    const keys = generateWireguardKeys()
    assert.equal(execFileSync('wg', ['pubkey'], { input: keys.privateKey }).toString().trim(), keys.publicKey)
    assert.equal(wireguardPublicKey(keys.privateKey), keys.publicKey)
  })

  it('refuses a value that would add lines of its own to the config', () => {
    const { privateKey, publicKey } = generateWireguardKeys()
    const config = { privateKey, listenPort: 51820, peers: [{ publicKey, allowedIps: ['10.1.2.0/24'] }] }
    assert.match(formatWireguardConfig(config), /AllowedIPs = 10\.1\.2\.0\/24/)
    assert.throws(() => formatWireguardConfig({ ...config, peers: [{ publicKey, allowedIps: ['10.1.2.0/24\n[Peer]'] }] }), /allowed IP .* is not a CIDR/)
    assert.throws(() => formatWireguardConfig({ ...config, peers: [{ publicKey, endpoint: '1.2.3.4:5\nPostUp = rm -rf /', allowedIps: [] }] }), /endpoint .* is not host:port/)
    assert.throws(() => formatWireguardConfig({ ...config, peers: [{ publicKey: `${publicKey}\nPrivateKey = x`, allowedIps: [] }] }), /is not a WireGuard key/)
    assert.throws(() => formatWireguardConfig({ ...config, listenPort: 70000 }), /is not a port/)
  })

  it('reads wg show dump', () => {
    const status = parseWireguardDump('priv\tpub\t51820\toff\npeerkey\t(none)\t198.18.0.11:51820\t10.20.1.0/24,10.20.2.0/24\t1765000000\t1200\t3400\t25\npeer2\t(none)\t(none)\t(none)\t0\t0\t0\toff\n')
    assert.deepEqual(status, {
      publicKey: 'pub',
      listenPort: 51820,
      peers: [
        { publicKey: 'peerkey', endpoint: '198.18.0.11:51820', allowedIps: ['10.20.1.0/24', '10.20.2.0/24'], latestHandshake: 1765000000000, rxBytes: 1200, txBytes: 3400 },
        { publicKey: 'peer2', allowedIps: [], rxBytes: 0, txBytes: 0 }
      ]
    })
  })
})

describe('WireGuard devices between sites of a test internet', { skip: world }, () => {
  let internet: TestInternet
  const devices: WireguardDevice[] = []
  const overlayNamespaces: string[] = []
  const keys: Record<string, WireguardKeyPair> = {}
  const overlay: Record<string, string> = { a: '10.77.1.1', b: '10.77.2.1', c: '10.77.3.1' }

  before(async () => {
    internet = await createTestInternet([{ name: 'a' }, { name: 'b' }, { name: 'c', nat: true }])
  })

  after(async () => {
    for (const device of devices) await device.destroy().catch(() => {})
    for (const netns of overlayNamespaces) execFileSync('ip', ['netns', 'del', netns])
    await internet?.destroy()
  })

  const ping = pings

  it('carries packets between two public sites and, from behind a NAT, to a public one; the device can live in another namespace than its socket', async () => {
    for (const name of ['a', 'b', 'c']) keys[name] = generateWireguardKeys()
    const peer = (name: string, endpoint: boolean): { publicKey: string, allowedIps: string[], endpoint?: string, persistentKeepalive: number } => ({
      publicKey: keys[name].publicKey,
      allowedIps: [`${overlay[name]}/32`],
      ...(endpoint ? { endpoint: `${internet.site(name).publicAddress}:51820` } : {}),
      persistentKeepalive: 5
    })
    for (const name of ['a', 'b', 'c']) {
      const site = internet.site(name)
      const device = await WireguardDevice.create(`p2pwgt${name}${process.pid % 1000}`, { netns: site.netns })
      devices.push(device)
      assert.equal(device.implementation, 'wireguard-go')
      // a and b reach each other and c; c's address is private, so only c knows where a and b are
      const others = ['a', 'b', 'c'].filter(other => other !== name).map(other => peer(other, other !== 'c'))
      await device.configure({ privateKey: keys[name].privateKey, listenPort: 51820, peers: others })
      // the overlay end lives in a namespace of its own, as a network's does on a farmer; the UDP socket stays in the site
      const overlayNs = `${site.netns}-ovl`
      execFileSync('ip', ['netns', 'add', overlayNs])
      overlayNamespaces.push(overlayNs)
      await device.moveTo(overlayNs)
      execFileSync('ip', ['-n', overlayNs, 'addr', 'add', `${overlay[name]}/16`, 'dev', device.name])
      execFileSync('ip', ['-n', overlayNs, 'link', 'set', device.name, 'up'])
    }
    const ns = (name: string): string => `${internet.site(name).netns}-ovl`
    await waitFor('a to ping b over WireGuard', async () => await ping(ns('a'), overlay.b), 15_000)
    await waitFor('c (behind NAT) to ping a over WireGuard', async () => await ping(ns('c'), overlay.a), 15_000)
    // once c has shaken hands, a answers it at the NAT's address it learnt
    assert.equal(await ping(ns('a'), overlay.c), true)
    const status = await devices[0].status()
    const fromC = status.peers.find(p => p.publicKey === keys.c.publicKey)
    assert.equal(fromC?.endpoint?.split(':')[0], internet.site('c').publicAddress, 'a sees c at its NAT router')
    assert.ok((fromC?.latestHandshake ?? 0) > Date.now() - 60_000)
    // the overlay carries only what each peer's allowed IPs admit: an address nobody holds goes nowhere
    assert.equal(await ping(ns('a'), '10.77.9.9'), false)
  })

  it('syncs a new peer list without ending the sessions of peers that stay, and drops a removed peer', async () => {
    const [a] = devices
    const before = (await a.status()).peers.find(p => p.publicKey === keys.b.publicKey)?.latestHandshake
    assert.notEqual(before, undefined)
    await a.configure({ privateKey: keys.a.privateKey, listenPort: 51820, peers: [{ publicKey: keys.b.publicKey, allowedIps: [`${overlay.b}/32`], endpoint: `${internet.site('b').publicAddress}:51820` }] })
    const status = await a.status()
    assert.deepEqual(status.peers.map(p => p.publicKey), [keys.b.publicKey])
    assert.equal(status.peers[0].latestHandshake, before, 'b keeps its session')
    assert.equal(await ping(`${internet.site('a').netns}-ovl`, overlay.c), false, 'c is gone from a')
  })
})
