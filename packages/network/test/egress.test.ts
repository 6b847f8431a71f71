import assert from 'node:assert/strict'
import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { promisify } from 'node:util'
import { after, before, describe, it } from 'node:test'
import { createTestInternet, pings, wireguardWorldMissing, type TestInternet } from '@p2pcloud/test-utils'
import { Egress, egressLinksInUse, egressMissing, NetworkRange, OverlayNamespace, overlayNames } from '../src/index.js'

const worldMissing = await wireguardWorldMissing()
const skip = worldMissing !== false ? worldMissing : (await egressMissing() ?? false)
const exec = promisify(execFile)

/** A TCP server in `netns` on port 7000 that answers each connection with the address it came from. */
function whoAmIServer (netns: string): ChildProcess {
  const code = "require('net').createServer(s => s.end(s.remoteAddress + '\\n')).listen(7000, '0.0.0.0', () => console.log('ready'))"
  return spawn('ip', ['netns', 'exec', netns, process.execPath, '-e', code], { stdio: ['ignore', 'pipe', 'inherit'] })
}

/** What the server at `address`:7000 answers a connection from `netns`, or undefined when none gets through within 2 s. */
async function askFrom (netns: string, address: string): Promise<string | undefined> {
  const code = `const s = require('net').connect(7000, '${address}'); let d = ''; s.setTimeout(2000, () => process.exit(1)); s.on('data', c => { d += c }); s.on('end', () => { process.stdout.write(d); process.exit(0) }); s.on('error', () => process.exit(1))`
  return await exec('ip', ['netns', 'exec', netns, process.execPath, '-e', code]).then(({ stdout }) => stdout.trim(), () => undefined)
}

/** The host rules of the link `device` in `netns` (filter and nat). */
function rulesOf (netns: string, device: string, network: string): string[] {
  const rules = ['filter', 'nat'].flatMap(table => execFileSync('ip', ['netns', 'exec', netns, 'iptables', '-w', '-t', table, '-S'], { encoding: 'utf8' }).split('\n'))
  return rules.filter(rule => rule.includes(device) || rule.includes(network))
}

interface Net { id: string, overlay: OverlayNamespace, egress?: Egress, workload: string }

describe('egress: a network\'s way out through NAT on its farmer', { skip }, () => {
  let internet: TestInternet
  let server: ChildProcess
  const made: Net[] = []

  before(async () => {
    internet = await createTestInternet([{ name: 'farmer' }, { name: 'outside' }])
    server = whoAmIServer(internet.site('outside').netns)
    await new Promise<void>((resolve, reject) => {
      server.stdout?.once('data', () => { resolve() })
      server.once('exit', code => { reject(new Error(`the server exited with ${String(code)}`)) })
    })
  })

  after(async () => {
    server?.kill()
    for (const net of made) {
      await net.egress?.down()
      await net.overlay.destroy().catch(() => {})
      execFileSync('ip', ['netns', 'del', net.workload])
    }
    await internet?.destroy()
  })

  /** What the driver does for one network on the farmer site: its namespace, its egress link `link` if any, one workload attached. */
  const network = async (range: string, link?: number): Promise<Net> => {
    const id = randomBytes(4).toString('hex')
    const hostNetns = internet.site('farmer').netns
    const parsed = NetworkRange.parse(range)
    const subnet = parsed.subnet(1)
    const overlay = await OverlayNamespace.create({ names: overlayNames(id), range: parsed, subnet, hostNetns, egress: link !== undefined })
    const egress = link === undefined ? undefined : new Egress({ id, netns: overlay.netns, link, hostNetns })
    await egress?.up()
    const workload = `p2pwl-${randomBytes(4).toString('hex')}`
    execFileSync('ip', ['netns', 'add', workload])
    const net = { id, overlay, egress, workload }
    made.push(net)
    await overlay.attach(workload, subnet.base + 2, `v${randomBytes(4).toString('hex')}`)
    return net
  }

  it('takes a workload out, seen as the farmer; not without egress; not into another network or the farmer', async () => {
    const farmer = internet.site('farmer')
    const outside = internet.site('outside').address
    // two twins' networks with the same range, both with egress, and one without
    const a = await network('10.66.0.0/16', 0)
    const b = await network('10.66.0.0/16', 1)
    const closed = await network('10.67.0.0/16')
    // what another farmer on this host allocating a link would see taken
    assert.deepEqual([...await egressLinksInUse(farmer.netns)].sort(), [0, 1])

    assert.equal(await askFrom(a.workload, outside), farmer.address, 'a reaches the outside, from the farmer\'s address')
    assert.equal(await askFrom(b.workload, outside), farmer.address)
    assert.equal(await askFrom(closed.workload, outside), undefined, 'a network without egress has no way out')

    // not the other network's link, not the farmer's own addresses (its site address, its end of any link)
    assert.ok(b.egress !== undefined && a.egress !== undefined)
    assert.equal(await pings(a.workload, b.egress.addresses.inner), false, 'a does not reach b\'s link')
    assert.equal(await pings(b.workload, a.egress.addresses.inner), false)
    assert.equal(await pings(a.workload, b.egress.addresses.host), false, 'a does not reach the farmer at b\'s link')
    assert.equal(await pings(a.workload, a.egress.addresses.host), false, 'a does not reach the farmer at its own link')
    assert.equal(await pings(a.workload, farmer.address), false, 'a does not reach the farmer at its site address')
    const farmerServer = whoAmIServer(farmer.netns)
    try {
      await new Promise(resolve => farmerServer.stdout?.once('data', resolve))
      assert.equal(await askFrom(farmer.netns, farmer.address), farmer.address, 'the farmer\'s own service answers at home')
      assert.equal(await askFrom(a.workload, farmer.address), undefined, 'but not to a network\'s workload')
    } finally {
      farmerServer.kill()
    }
    // what comes back is let in
    assert.equal(await pings(a.workload, outside), true)
    // nothing outside starts a connection into the link
    assert.equal(await pings(internet.site('outside').netns, a.egress.addresses.inner), false)
  })

  it('adds no rule twice across restarts, and removes every one with the network', async () => {
    const farmer = internet.site('farmer').netns
    const net = await network('10.68.0.0/16', 5)
    assert.ok(net.egress !== undefined)
    const { device, addresses } = net.egress
    const rules = rulesOf(farmer, device, addresses.network)
    assert.equal(rules.length, 6, rules.join('\n'))
    const inner = (): string[] => execFileSync('ip', ['netns', 'exec', net.overlay.netns, 'iptables', '-w', '-t', 'nat', '-S', 'POSTROUTING'], { encoding: 'utf8' }).split('\n').filter(r => r.includes('MASQUERADE'))
    assert.equal(inner().length, 1)
    // the farmer starts again: the same network, the same link
    await new Egress({ id: net.id, netns: net.overlay.netns, link: 5, hostNetns: farmer }).up()
    await new Egress({ id: net.id, netns: net.overlay.netns, link: 5, hostNetns: farmer }).up()
    assert.deepEqual(rulesOf(farmer, device, addresses.network), rules)
    assert.equal(inner().length, 1)
    // a crash left some: all come back in their order (the drop towards other links above the link's accept)
    execFileSync('ip', ['netns', 'exec', farmer, 'iptables', '-w', '-D', 'FORWARD', '-i', device, '-o', 'p2pe-+', '-j', 'DROP'])
    await new Egress({ id: net.id, netns: net.overlay.netns, link: 5, hostNetns: farmer }).up()
    assert.deepEqual(rulesOf(farmer, device, addresses.network), rules)
    assert.equal(await askFrom(net.workload, internet.site('outside').address), internet.site('farmer').address, 'and it still works')

    await net.egress.down()
    await net.overlay.destroy()
    assert.deepEqual(rulesOf(farmer, device, addresses.network), [])
    assert.equal(await exec('ip', ['-n', farmer, 'link', 'show', device]).then(() => true, () => false), false, 'the link is gone')
  })
})
