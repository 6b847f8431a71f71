import { formatIpv4, parseIpv4 } from './address-plan.js'
import { ip, run } from './commands.js'

/** 100.64.0.0/10 (RFC 6598, shared address space): a /30 per network's egress link. */
const LINK_BASE = (100 << 24) | (64 << 16)
/** How many /30s 100.64.0.0/10 holds. */
export const EGRESS_LINKS = 2 ** 20
/** The link's end in the network's namespace. */
const INNER = 'egress0'
/** Every host end starts so: a network's link never forwards to another's. */
const HOST_PREFIX = 'p2pe-'

/** Why this machine cannot give networks a way out (iptables missing), or undefined. */
export async function egressMissing (): Promise<string | undefined> {
  const ok = await run('iptables', ['-w', '-S', 'INPUT']).then(() => true, () => false)
  return ok ? undefined : 'iptables is not installed or does not work here (Debian: apt-get install iptables), or set farmer.network.egress to false'
}

/** The links whose host end is up in `hostNetns` (another farmer's on the same host among them). */
export async function egressLinksInUse (hostNetns?: string): Promise<Set<number>> {
  const lines = (await run('ip', ['-o', '-4', 'addr', 'show'], { netns: hostNetns })).split('\n')
  const links = new Set<number>()
  for (const line of lines) {
    const [, device, address] = /^\d+:\s+(\S+)\s+inet\s+([\d.]+)\//.exec(line) ?? []
    if (device?.startsWith(HOST_PREFIX) !== true) continue
    const offset = parseIpv4(address) - LINK_BASE
    if (offset >= 0 && offset < EGRESS_LINKS * 4) links.add(Math.floor(offset / 4))
  }
  return links
}

export interface EgressOptions {
  /** The network's host id (8 hex digits): the host end is `p2pe-<id>`. */
  id: string
  /** The network's namespace. */
  netns: string
  /** Which /30 of 100.64.0.0/10, 0 ≤ link < EGRESS_LINKS, kept per network like its listen port. */
  link: number
  /** The host's namespace (the one that reaches the internet); default the caller's. */
  hostNetns?: string
}

/**
 * A network's way out through the farmer: a veth pair from the host (`p2pe-<id>`, the /30's
 * first address) into the network's namespace (`egress0`, its second, the namespace's default
 * route). The namespace masquerades what leaves by it (networks of different twins may share a
 * range), and the host masquerades the link to the outside. The host drops what comes from the
 * link for itself (its own addresses and services) or for another network's link, and lets in
 * only answers. Every rule is checked before it is added, so a restart adds none twice.
 */
export class Egress {
  constructor (private readonly options: EgressOptions) {
    if (!Number.isInteger(options.link) || options.link < 0 || options.link >= EGRESS_LINKS) throw new Error(`egress link ${options.link} is not in 0–${EGRESS_LINKS - 1}`)
    if (!/^[0-9a-f]{8}$/.test(options.id)) throw new Error(`"${options.id}" is not a network host id (8 hex digits)`)
  }

  /** The host end's name. */
  get device (): string {
    return `${HOST_PREFIX}${this.options.id}`
  }

  /** The link's /30: its network address, the host end (+1), the namespace end (+2). */
  get addresses (): { network: string, host: string, inner: string } {
    const base = (LINK_BASE + this.options.link * 4) >>> 0
    return { network: `${formatIpv4(base)}/30`, host: formatIpv4(base + 1), inner: formatIpv4(base + 2) }
  }

  /** The host's iptables rules of this link, each as `[table, chain, …match and target]`, in the order they are to apply. */
  private hostRules (): string[][] {
    const link = this.device
    return [
      ['filter', 'INPUT', '-i', link, '-j', 'DROP'],
      ['filter', 'FORWARD', '-i', link, '-o', `${HOST_PREFIX}+`, '-j', 'DROP'],
      ['filter', 'FORWARD', '-i', link, '-j', 'ACCEPT'],
      ['filter', 'FORWARD', '-o', link, '-m', 'conntrack', '--ctstate', 'ESTABLISHED,RELATED', '-j', 'ACCEPT'],
      ['filter', 'FORWARD', '-o', link, '-j', 'DROP'],
      ['nat', 'POSTROUTING', '-s', this.addresses.network, '-j', 'MASQUERADE']
    ]
  }

  private readonly innerRule = ['nat', 'POSTROUTING', '-o', INNER, '-j', 'MASQUERADE']

  private async iptables (netns: string | undefined, action: '-C' | '-I' | '-A' | '-D', [table, chain, ...rule]: string[], position?: number): Promise<boolean> {
    const at = position === undefined ? [] : [String(position)]
    return await run('iptables', ['-w', '-t', table, action, chain, ...at, ...rule], { netns }).then(() => true, () => false)
  }

  /** Make the link, routes and rules, or complete what an earlier run left (idempotent). */
  async up (): Promise<void> {
    const { netns, hostNetns } = this.options
    const { host, inner } = this.addresses
    const hostIp = async (args: string[]): Promise<string> => await run('ip', args, { netns: hostNetns })
    // the rules first: nothing crosses the link before they hold
    await this.addHostRules()
    if (!await hostIp(['link', 'show', this.device]).then(() => true, () => false)) {
      await ip(['link', 'del', INNER], netns).catch(() => {})
      await hostIp(['link', 'add', this.device, 'type', 'veth', 'peer', 'name', INNER, 'netns', netns])
    }
    await hostIp(['addr', 'replace', `${host}/30`, 'dev', this.device])
    await hostIp(['link', 'set', this.device, 'up'])
    await ip(['addr', 'replace', `${inner}/30`, 'dev', INNER], netns)
    await ip(['link', 'set', INNER, 'up'], netns)
    await ip(['route', 'replace', 'default', 'via', host], netns)
    await run('sysctl', ['-qw', 'net.ipv4.ip_forward=1'], { netns: hostNetns })
    if (!await this.iptables(netns, '-C', this.innerRule) && !await this.iptables(netns, '-A', this.innerRule)) {
      throw new Error(`iptables could not add ${this.innerRule.join(' ')} in ${netns}`)
    }
  }

  /**
   * The host's rules at the top of their chains, in order, ahead of whatever the host has; when
   * all are there, nothing. When only some are (a crash between two), all go and come again:
   * one inserted alone could land below the link's ACCEPT and let it reach another network.
   */
  private async addHostRules (): Promise<void> {
    const { hostNetns, netns } = this.options
    const rules = this.hostRules()
    let present = 0
    for (const rule of rules) if (await this.iptables(hostNetns, '-C', rule)) present++
    if (present === rules.length) return
    await this.removeHostRules()
    const positions = new Map<string, number>()
    for (const rule of rules) {
      const chain = `${rule[0]}/${rule[1]}`
      const position = (positions.get(chain) ?? 0) + 1
      positions.set(chain, position)
      if (!await this.iptables(hostNetns, '-I', rule, position)) throw new Error(`iptables could not add ${rule.join(' ')} for network namespace ${netns}`)
    }
  }

  /** Every copy of every host rule of the link. */
  private async removeHostRules (): Promise<void> {
    for (const rule of this.hostRules()) {
      let removed = true
      while (removed) removed = await this.iptables(this.options.hostNetns, '-D', rule)
    }
  }

  /** Remove the link and the host's rules (every copy of them); the namespace's rule goes with the namespace. */
  async down (): Promise<void> {
    await run('ip', ['link', 'del', this.device], { netns: this.options.hostNetns }).catch(() => {})
    await this.removeHostRules()
  }
}
