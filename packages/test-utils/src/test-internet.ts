import { randomBytes } from 'node:crypto'
import { netnsExec, runIp } from './netns.js'

/** One host of a test internet: a network namespace with its own address. */
export interface TestSite {
  name: string
  netns: string
  /** The site's own address; behind a NAT, a private one. */
  address: string
  /** The address the rest of the internet sees it from: its own, or its NAT router's. */
  publicAddress: string
}

export interface TestSiteOptions {
  name: string
  /** Behind a NAT router (iptables MASQUERADE, no port forwarded): it reaches out, nobody reaches in. */
  nat?: boolean
  /** The router also drops every UDP datagram: WireGuard cannot cross it at all, libp2p's TCP can. */
  blockUdp?: boolean
}

export interface TestInternet {
  sites: TestSite[]
  site(name: string): TestSite
  destroy(): Promise<void>
}

/**
 * A small internet in network namespaces, made by the test and removed by `destroy()`:
 * a bridge plays the internet (198.18.x.0/24, an address range kept for such tests), each
 * public site has an address on it, and each NAT site sits behind a router namespace of its
 * own that masquerades it. Nothing of it touches the host's network.
 */
export async function createTestInternet (siteOptions: TestSiteOptions[]): Promise<TestInternet> {
  const id = randomBytes(3).toString('hex')
  const net = randomBytes(1)[0]
  const prefix = `p2pi-${id}`
  const created: string[] = []
  const destroy = async (): Promise<void> => {
    for (const netns of created.reverse()) await runIp('netns', 'del', netns).catch(() => {})
  }
  const namespace = async (name: string): Promise<string> => {
    const netns = `${prefix}-${name}`
    await runIp('netns', 'add', netns)
    created.push(netns)
    await runIp('-n', netns, 'link', 'set', 'lo', 'up')
    return netns
  }
  try {
    const internet = await namespace('net')
    await runIp('-n', internet, 'link', 'add', 'br0', 'type', 'bridge')
    await runIp('-n', internet, 'link', 'set', 'br0', 'up')
    const plug = async (netns: string, port: number, device: string, address: string): Promise<void> => {
      await runIp('-n', internet, 'link', 'add', `port${port}`, 'type', 'veth', 'peer', 'name', device, 'netns', netns)
      await runIp('-n', internet, 'link', 'set', `port${port}`, 'master', 'br0')
      await runIp('-n', internet, 'link', 'set', `port${port}`, 'up')
      await runIp('-n', netns, 'addr', 'add', `${address}/24`, 'dev', device)
      await runIp('-n', netns, 'link', 'set', device, 'up')
    }
    const sites: TestSite[] = []
    for (const [i, options] of siteOptions.entries()) {
      const publicAddress = `198.18.${net}.${10 + i}`
      const netns = await namespace(`s${i}`)
      if (options.nat !== true) {
        await plug(netns, i, 'eth0', publicAddress)
        sites.push({ name: options.name, netns, address: publicAddress, publicAddress })
        continue
      }
      const router = await namespace(`r${i}`)
      await plug(router, i, 'wan', publicAddress)
      await runIp('-n', router, 'link', 'add', 'lan', 'type', 'veth', 'peer', 'name', 'eth0', 'netns', netns)
      const lan = `10.${net % 200 + 20}.${i}`
      await runIp('-n', router, 'addr', 'add', `${lan}.1/24`, 'dev', 'lan')
      await runIp('-n', router, 'link', 'set', 'lan', 'up')
      await runIp('-n', netns, 'addr', 'add', `${lan}.2/24`, 'dev', 'eth0')
      await runIp('-n', netns, 'link', 'set', 'eth0', 'up')
      await runIp('-n', netns, 'route', 'add', 'default', 'via', `${lan}.1`)
      await netnsExec(router, 'sysctl', '-qw', 'net.ipv4.ip_forward=1')
      await netnsExec(router, 'iptables', '-t', 'nat', '-A', 'POSTROUTING', '-o', 'wan', '-j', 'MASQUERADE')
      if (options.blockUdp === true) await netnsExec(router, 'iptables', '-A', 'FORWARD', '-p', 'udp', '-j', 'DROP')
      sites.push({ name: options.name, netns, address: `${lan}.2`, publicAddress })
    }
    return {
      sites,
      site (name) {
        const site = sites.find(s => s.name === name)
        if (site === undefined) throw new Error(`no site "${name}" in this test internet`)
        return site
      },
      destroy
    }
  } catch (err) {
    await destroy()
    throw err
  }
}
