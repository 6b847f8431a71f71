import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { canCreateNetns, createTestLan, tempDir, waitFor, type TestLan } from '@p2pcloud/test-utils'
import { runCli, spawnDaemon, type CliDaemon } from './helpers/index.js'

// mDNS multicasts to the LAN, so this test builds its own LAN of network
// namespaces (root only) instead of touching the host's network.
const netnsOk = await canCreateNetns()

describe('mDNS discovery on a LAN of network namespaces', { skip: netnsOk ? false : 'needs root and iproute2 to create network namespaces' }, () => {
  let lan: TestLan
  const daemons: CliDaemon[] = []

  before(async () => {
    lan = await createTestLan(5)
  })

  after(async () => {
    await Promise.all(daemons.map(async daemon => daemon.stop()))
    await lan?.destroy()
  })

  it('five daemons with no bootstrap list find each other through mDNS alone', async () => {
    for (const host of lan.hosts) {
      const home = await tempDir('mdns')
      assert.equal((await runCli(['init', '--home', home])).code, 0)
      daemons.push(await spawnDaemon(home, { netns: host.netns }))
    }
    const ids = daemons.map(daemon => daemon.ready.peerId)
    await waitFor('every daemon to be connected to the four others', async () => {
      const counts = await Promise.all(daemons.map(async (daemon, i) => {
        const result = await runCli(['peers', '--json', '--home', daemon.ready.home], {}, lan.hosts[i].netns)
        const peers: Array<{ peerId: string }> = JSON.parse(result.stdout)
        return peers.filter(peer => ids.includes(peer.peerId)).length
      }))
      return counts.every(count => count === 4)
    }, 60_000, 1000)
    // addresses learned over the LAN, not loopback: the peers really met on the wire
    const peers = JSON.parse((await runCli(['peers', '--json', '--home', daemons[0].ready.home], {}, lan.hosts[0].netns)).stdout)
    assert.ok(peers.every((peer: any) => peer.connections.some((c: any) => c.remoteAddress.includes(lan.hosts[0].address.split('.').slice(0, 3).join('.')))))
  })
})
