import { ip } from './commands.js'
import { formatIpv4, type MemberSubnet, type NetworkRange } from './address-plan.js'
import { WireguardDevice, type WireguardImplementation } from './wireguard-device.js'
import type { WireguardConfig } from './wireguard-config.js'

export interface HostInterfaceOptions {
  /** The device's name (`p2pw-<id>`, overlayNames). */
  device: string
  range: NetworkRange
  /** The machine's /24: the device holds its `.1`. */
  subnet: MemberSubnet
  implementation?: WireguardImplementation
}

/**
 * A network's member on the machine itself (a 3Bot that joined): its WireGuard device in the
 * machine's own namespace, holding `.1` of its /24 with the network's /16 routed to it, so that
 * every program here reaches the containers by their overlay addresses. Unlike a farmer's
 * OverlayNamespace there is no bridge and no namespace: nothing here is a tenant's.
 */
export class HostInterface {
  private constructor (readonly device: WireguardDevice) {}

  /** Make the device, or take over one an earlier run left (idempotent). */
  static async create (options: HostInterfaceOptions): Promise<HostInterface> {
    const { device: name, range, subnet } = options
    // the machine's own routes stay its own: a network whose range one of them has is not taken over
    const routed = (await ip(['route', 'show', 'exact', range.toString()])).trim()
    if (routed !== '' && !routed.split(/\s+/).includes(name)) throw new Error(`${range.toString()} is routed on this machine already (${routed}); a network with that range cannot be joined live here`)
    const device = await WireguardDevice.create(name, { implementation: options.implementation })
    try {
      await ip(['addr', 'replace', `${formatIpv4(subnet.gateway)}/24`, 'dev', name])
      await ip(['link', 'set', name, 'up'])
      await ip(['route', 'replace', range.toString(), 'dev', name])
    } catch (err) {
      await device.destroy()
      throw err
    }
    return new HostInterface(device)
  }

  async configure (config: WireguardConfig): Promise<void> {
    await this.device.configure(config)
  }

  /** Remove the device: its address and route go with it. */
  async destroy (): Promise<void> {
    await this.device.destroy()
  }
}
