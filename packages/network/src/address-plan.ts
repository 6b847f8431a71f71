/**
 * A network's addresses, as ThreeFold plans them: one IPv4 /16 per network, one /24 of it
 * per member (a farmer, or a machine that joined), `.1` of each /24 the member's own
 * gateway, `.2`–`.254` its workloads.
 */

/** An IPv4 address as a 32-bit number. */
export type Ipv4 = number

const DOTTED = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/

export function parseIpv4 (text: string): Ipv4 {
  const match = DOTTED.exec(text)
  const octets = match?.slice(1).map(Number)
  if (octets === undefined || octets.some(octet => octet > 255) || match?.slice(1).some(o => o.length > 1 && o.startsWith('0'))) {
    throw new AddressPlanError(`"${text}" is not an IPv4 address such as 10.20.0.1`)
  }
  return ((octets[0] << 24) | (octets[1] << 16) | (octets[2] << 8) | octets[3]) >>> 0
}

export function formatIpv4 (address: Ipv4): string {
  return [24, 16, 8, 0].map(shift => (address >>> shift) & 255).join('.')
}

export class AddressPlanError extends Error {
  override name = 'AddressPlanError'
}

/** The private ranges (RFC 1918) a network's /16 must lie in: its addresses never clash with the internet's. */
const PRIVATE_RANGES: Array<[Ipv4, number]> = [[parseIpv4('10.0.0.0'), 8], [parseIpv4('172.16.0.0'), 12], [parseIpv4('192.168.0.0'), 16]]

function inRange (address: Ipv4, [base, bits]: [Ipv4, number]): boolean {
  const mask = bits === 0 ? 0 : (~0 << (32 - bits)) >>> 0
  return ((address & mask) >>> 0) === base
}

/** A network's /16, e.g. 10.20.0.0/16. */
export class NetworkRange {
  private constructor (readonly base: Ipv4) {}

  /** Parse `a.b.0.0/16`; refuses another prefix length, host bits set, or a range outside RFC 1918. */
  static parse (text: string): NetworkRange {
    const [address, bits, ...rest] = text.split('/')
    if (bits !== '16' || rest.length > 0) throw new AddressPlanError(`"${text}" is not a /16 such as 10.20.0.0/16 (a network is one /16)`)
    const base = parseIpv4(address)
    if ((base & 0xffff) !== 0) throw new AddressPlanError(`"${text}" has host bits set; write ${formatIpv4(base & 0xffff0000)}/16`)
    if (!PRIVATE_RANGES.some(range => inRange(base, range))) throw new AddressPlanError(`"${text}" is not a private range; use one inside 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16`)
    return new NetworkRange(base)
  }

  toString (): string {
    return `${formatIpv4(this.base)}/16`
  }

  /** The /24 of member number `index` (1–254: .0 and .255 of the third octet are left out). */
  subnet (index: number): MemberSubnet {
    if (!Number.isInteger(index) || index < 1 || index > 254) throw new AddressPlanError(`member subnet ${index} is outside 1–254`)
    return new MemberSubnet((this.base | (index << 8)) >>> 0)
  }

  /** The member subnet `address` lies in, or undefined when it is not in this network or not a member's. */
  subnetOf (address: Ipv4): MemberSubnet | undefined {
    if (((address & 0xffff0000) >>> 0) !== this.base) return undefined
    const index = (address >>> 8) & 255
    return index >= 1 && index <= 254 ? this.subnet(index) : undefined
  }

  contains (address: Ipv4): boolean {
    return ((address & 0xffff0000) >>> 0) === this.base
  }
}

/** One member's /24 of a network. */
export class MemberSubnet {
  constructor (readonly base: Ipv4) {}

  get index (): number {
    return (this.base >>> 8) & 255
  }

  toString (): string {
    return `${formatIpv4(this.base)}/24`
  }

  /** `.1`: the member's end of its bridge, its workloads' gateway into the network. */
  get gateway (): Ipv4 {
    return (this.base | 1) >>> 0
  }

  /** Whether `address` can be a workload's: in this /24, from .2 to .254. */
  isWorkloadAddress (address: Ipv4): boolean {
    const host = address & 255
    return ((address & 0xffffff00) >>> 0) === this.base && host >= 2 && host <= 254
  }

  /** The lowest workload address not in `taken`, or undefined when the /24 is full. */
  freeAddress (taken: Iterable<Ipv4>): Ipv4 | undefined {
    const used = new Set(taken)
    for (let host = 2; host <= 254; host++) {
      const address = (this.base | host) >>> 0
      if (!used.has(address)) return address
    }
    return undefined
  }
}
