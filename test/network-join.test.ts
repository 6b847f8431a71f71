import assert from 'node:assert/strict'
import { readdir, stat, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { networkKind } from '@p2pcloud/network'
import { makeBusyboxRootfs, runcUnavailable } from '@p2pcloud/runtime'
import { canCreateNetns, createTestInternet, netnsExec, tempDir, waitFor, type TestInternet } from '@p2pcloud/test-utils'
import { farmerHome, networkWebSpec, ok, runCli, spawnDaemon, type CliDaemon, type CliResult } from './helpers/index.js'

const missing = !await canCreateNetns()
  ? 'needs root and iproute2 to create network namespaces'
  : await runcUnavailable() ?? await networkKind.missing?.() ?? false
const PAGE = 'hello-from-the-farmer'
const SERVER = '172.21.1.2'

/*
 * Issue 14's "`network join` lets the 3Bot's machine reach a container": a farmer in a site of its
 * own, the 3Bot's daemon behind a NAT that also drops UDP, so its WireGuard never crosses it and
 * every path is the mesh relay, over the libp2p connection the 3Bot dialled out.
 */
describe('network join: the 3Bot\'s own machine, behind a NAT, reaches a container on a farmer', { skip: missing, timeout: 600_000 }, () => {
  let internet: TestInternet
  let farmer: CliDaemon | undefined
  let twin: CliDaemon | undefined
  let farmerAddress: string
  let twinHome: string
  const twinNetns = (): string => internet.site('twin').netns
  const cli = async (...args: string[]): Promise<CliResult> => runCli([...args, '--home', twinHome], {}, twinNetns())
  const startTwin = async (): Promise<CliDaemon> => await spawnDaemon(twinHome, { netns: twinNetns(), args: ['--bootstrap', farmerAddress] })

  before(async () => {
    internet = await createTestInternet([{ name: 'farmer' }, { name: 'twin', nat: true, blockUdp: true }])
    farmer = await spawnDaemon(await farmerHome('join-farmer', { cru: 2, mru: '2G', sru: '10G', hru: 0 }, { capabilities: ['container', 'network'] }), { netns: internet.site('farmer').netns })
    const address = farmer.ready.addresses.find(a => a.includes(`/ip4/${internet.site('farmer').address}/`))
    assert.ok(address != null, `the farmer listens on its site's address: ${farmer.ready.addresses.join(', ')}`)
    farmerAddress = address.includes('/p2p/') ? address : `${address}/p2p/${farmer.ready.peerId}`
    twinHome = await tempDir('join-twin')
    ok(await runCli(['init', '--home', twinHome]), 'init')
    twin = await startTwin()
  })

  after(async () => {
    // the farmer keeps a network over its restart: only removing the deployment takes it off this host
    if (twin != null) await cli('rm', '--force', 'web')
    await twin?.stop()
    await farmer?.stop()
    await internet?.destroy()
  })

  it('joins live, pings and connects to the container over the relay, is back after its daemon restarts, and loses it once it leaves or the network is removed', async () => {
    const dir = await tempDir('join-flist')
    await makeBusyboxRootfs(join(dir, 'rootfs'), { files: { 'www/index.html': `${PAGE}\n` } })
    const built = JSON.parse(ok(await runCli(['flist', 'build', join(dir, 'rootfs'), '-o', join(dir, 'web.flist'), '--json']), 'flist build'))
    ok(await cli('flist', 'publish', join(dir, 'web.flist'), '--json'), 'flist publish')
    await waitFor('the 3Bot to know the farmer', async () => JSON.parse(ok(await cli('find', '--capability', 'network', '--json'), 'find')).some((e: any) => e.peerId === farmer?.ready.peerId), 60_000, 1000)
    ok(await cli('network', 'create', 'backend', '--range', '172.21.0.0/16'), 'network create')
    await writeFile(join(dir, 'web.yaml'), networkWebSpec('web', farmer?.ready.peerId as string, built.cid, 'backend', ['172.21.2.1'], SERVER))
    assert.deepEqual(JSON.parse(ok(await cli('deploy', join(dir, 'web.yaml'), '--json'), 'deploy')).notes, [])

    const pings = async (): Promise<boolean> => await netnsExec(twinNetns(), 'ping', '-c', '1', '-W', '2', SERVER).then(() => true, () => false)
    const fetches = async (): Promise<boolean> => await netnsExec(twinNetns(), 'busybox', 'timeout', '3', 'busybox', 'wget', '-qO-', `http://${SERVER}:8080/`).then(page => page.includes(PAGE), () => false)
    const reaches = async (): Promise<boolean> => await pings() && await fetches()
    assert.equal(await fetches(), false, 'not a member yet')

    // a range this machine routes already is its own: not taken over
    await netnsExec(twinNetns(), 'ip', 'route', 'add', '172.21.0.0/16', 'dev', 'eth0')
    const refused = await cli('network', 'join', 'backend')
    assert.match(refused.stderr, /^error: 172\.21\.0\.0\/16 is routed on this machine already \(172\.21\.0\.0\/16 dev eth0 .*\); a network with that range cannot be joined live here\n$/)
    await netnsExec(twinNetns(), 'ip', 'route', 'del', '172.21.0.0/16', 'dev', 'eth0')
    assert.deepEqual(await readdir(join(twinHome, 'joined-networks')), [], 'no key is kept for a join that failed')

    const live = JSON.parse(ok(await cli('network', 'join', 'backend', '--json'), 'join'))
    assert.deepEqual([live.address, live.subnet, live.peers.map((p: any) => p.peerId)], ['172.21.2.1', 2, [farmer?.ready.peerId]])
    const device: string = live.live.device
    assert.match(device, /^p2pw-[0-9a-f]{8}$/)
    assert.match(await netnsExec(twinNetns(), 'ip', '-4', 'addr', 'show', device), /inet 172\.21\.2\.1\/24 /)
    assert.match(await netnsExec(twinNetns(), 'ip', 'route', 'show', '172.21.0.0/16'), new RegExp(`dev ${device}`))
    const [keyDir] = await readdir(join(twinHome, 'joined-networks'))
    assert.equal((await stat(join(twinHome, 'joined-networks', keyDir, 'private-key'))).mode & 0o777, 0o600)
    await waitFor('the machine to ping and fetch the container', reaches, 90_000, 1000)

    // both ends report the pair as relayed, with a handshake
    const twinId = twin?.ready.peerId
    let shown: any
    const relayed = (paths: any[] | undefined, to: string | undefined): boolean => paths?.some(p => p.peerId === to && p.path === 'relayed' && Date.parse(p.latestHandshake) > 0) === true
    await waitFor('the machine and the farmer to report their pair relayed', async () => {
      shown = JSON.parse(ok(await cli('network', 'show', 'backend', '--json'), 'show'))
      const [onFarmer, onMachine] = [shown.members.find((m: any) => m.kind === 'farmer'), shown.members.find((m: any) => m.kind === 'machine')]
      return relayed(onFarmer?.paths, twinId) && relayed(onMachine?.paths, farmer?.ready.peerId)
    }, 60_000, 1000).catch(err => { throw new Error(`${err.message as string}; last seen: ${JSON.stringify(shown?.members)}`) })
    assert.match(ok(await cli('network', 'show', 'backend'), 'show'), /172\.21\.2\.0\/24 +machine .*\n.*\n +→ .*\(172\.21\.1\.0\/24\): relayed via 127\.0\.0\.1:\d+, last handshake \d+s ago/)

    // its daemon stops: the device goes; it starts again: the same member (key, /24) is back
    assert.equal(await twin?.stop(), 0)
    twin = undefined
    await assert.rejects(netnsExec(twinNetns(), 'ip', 'link', 'show', device))
    twin = await startTwin()
    await waitFor('the machine to reach the container again after its daemon restarted', reaches, 90_000, 1000)
    const member = JSON.parse(ok(await cli('network', 'show', 'backend', '--json'), 'show')).members.find((m: any) => m.kind === 'machine')
    assert.deepEqual([member.cidr, member.publicKey], ['172.21.2.0/24', live.live.publicKey])

    assert.equal(ok(await cli('network', 'leave', 'backend'), 'leave'), 'left network "backend"\n')
    await assert.rejects(netnsExec(twinNetns(), 'ip', 'link', 'show', device))
    assert.equal(await fetches(), false)
    assert.deepEqual(JSON.parse(ok(await cli('network', 'show', 'backend', '--json'), 'show')).members.map((m: any) => m.kind), ['farmer'])

    // removing the network takes a member joined live down too
    const again = JSON.parse(ok(await cli('network', 'join', 'backend', '--json'), 'join again'))
    assert.notEqual(again.live.publicKey, live.live.publicKey, 'a new key after leaving')
    await netnsExec(twinNetns(), 'ip', 'link', 'show', again.live.device)
    ok(await cli('network', 'rm', '--force', 'backend'), 'network rm')
    await assert.rejects(netnsExec(twinNetns(), 'ip', 'link', 'show', again.live.device))
  })
})
