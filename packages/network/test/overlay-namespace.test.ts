import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { after, before, describe, it } from 'node:test'
import { createTestInternet, pings, waitFor, wireguardWorldMissing, type TestInternet } from '@p2pcloud/test-utils'
import { formatIpv4, generateWireguardKeys, NetworkRange, OverlayNamespace, overlayNames, type WireguardKeyPair } from '../src/index.js'

const skip = await wireguardWorldMissing()

interface Member { site: string, index: number, overlay: OverlayNamespace, keys: WireguardKeyPair, workload: string, address: number }

describe('a network across the sites of a test internet, one namespace per network per host', { skip }, () => {
  let internet: TestInternet
  const range = NetworkRange.parse('10.77.0.0/16')
  const overlays: OverlayNamespace[] = []
  const workloads: string[] = []

  before(async () => {
    internet = await createTestInternet([{ name: 'a' }, { name: 'b' }, { name: 'c', nat: true }])
  })

  after(async () => {
    for (const overlay of overlays) await overlay.destroy().catch(() => {})
    for (const netns of workloads) execFileSync('ip', ['netns', 'del', netns])
    await internet?.destroy()
  })

  const ping = async (netns: string, address: number): Promise<boolean> => await pings(netns, formatIpv4(address))

  /** What a farmer does for one network: its namespace and device, and one workload (a bare namespace, as a container's is) attached. */
  const join = async (site: string, index: number): Promise<Member> => {
    const subnet = range.subnet(index)
    const overlay = await OverlayNamespace.create({ names: overlayNames(randomBytes(4).toString('hex')), range, subnet, hostNetns: internet.site(site).netns })
    overlays.push(overlay)
    const workload = `p2pwl-${randomBytes(4).toString('hex')}`
    execFileSync('ip', ['netns', 'add', workload])
    workloads.push(workload)
    const address = subnet.base + 2
    await overlay.attach(workload, address, `v${randomBytes(4).toString('hex')}`)
    return { site, index, overlay, keys: generateWireguardKeys(), workload, address }
  }

  /** Each member's peers: every other member's /24, at its public address when it has one. */
  const connect = async (members: Member[]): Promise<void> => {
    for (const member of members) {
      await member.overlay.configure({
        privateKey: member.keys.privateKey,
        listenPort: 51820 + member.index,
        peers: members.filter(other => other !== member).map(other => ({
          publicKey: other.keys.publicKey,
          allowedIps: [range.subnet(other.index).toString()],
          ...(other.site !== 'c' ? { endpoint: `${internet.site(other.site).publicAddress}:${51820 + other.index}` } : {}),
          persistentKeepalive: 5
        }))
      })
    }
  }

  it('lets workloads on three hosts, one behind a NAT, reach each other by overlay address, and no one else in', async () => {
    const members = [await join('a', 1), await join('b', 2), await join('c', 3)]
    await connect(members)
    const [a, b, c] = members
    await waitFor('a\'s workload to reach b\'s', async () => await ping(a.workload, b.address), 15_000)
    await waitFor('c\'s workload (behind NAT) to reach a\'s', async () => await ping(c.workload, a.address), 15_000)
    await waitFor('c\'s workload to reach b\'s', async () => await ping(c.workload, b.address), 15_000)
    assert.equal(await ping(b.workload, c.address), true, 'b answers c at the NAT\'s address it learnt')

    // another twin's network on host a, with the very same range: its workload reaches none of the first network's
    const stranger = await join('a', 9)
    await stranger.overlay.configure({ privateKey: stranger.keys.privateKey, listenPort: 51830, peers: [] })
    assert.equal(await ping(stranger.workload, b.address), false)
    assert.equal(await ping(stranger.workload, a.address), false)
    assert.equal(await ping(a.workload, b.address), true)

    // the host's own namespace has no route into the network
    assert.equal(await ping(internet.site('a').netns, b.address), false)

    // a member removed from the others' peer lists loses its way in
    await connect([a, b])
    assert.equal(await ping(c.workload, a.address), false)
    assert.equal(await ping(a.workload, b.address), true)
  })

  it('takes over what an earlier run left: creating the same network again keeps it working', async () => {
    const [a] = overlays
    const again = await OverlayNamespace.create({ names: { netns: a.netns, device: a.device.name }, range, subnet: range.subnet(1), hostNetns: internet.site('a').netns })
    assert.equal(again.device.name, a.device.name)
    assert.equal((await again.device.status()).peers.length, 1, 'the device kept its config')
  })
})
