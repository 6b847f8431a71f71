import { execFile, execFileSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { promisify } from 'node:util'

const exec = promisify(execFile)

export async function runIp (...args: string[]): Promise<void> {
  await exec('ip', args)
}

/** `command args…` inside network namespace `netns`; resolves with its stdout. */
export async function netnsExec (netns: string, command: string, ...args: string[]): Promise<string> {
  return (await exec('ip', ['netns', 'exec', netns, command, ...args])).stdout
}

/** A switched LAN of `hosts` network namespaces, made by the test and removed by `destroy()`. */
export interface TestLan {
  hosts: Array<{ netns: string, address: string }>
  destroy(): Promise<void>
}

/** Can this process build network namespaces (root, with iproute2)? */
export async function canCreateNetns (): Promise<boolean> {
  if (process.getuid?.() !== 0) return false
  return exec('ip', ['netns', 'list']).then(() => true, () => false)
}

/**
 * A bridge in its own namespace plus one namespace per host, each wired to
 * the bridge by a veth pair, on a private /24 that exists only inside these
 * namespaces. Multicast (mDNS) works on it like on a real LAN.
 */
export async function createTestLan (hosts: number): Promise<TestLan> {
  const id = randomBytes(3).toString('hex')
  const subnet = `10.${200 + (randomBytes(1)[0] % 50)}.${randomBytes(1)[0]}`
  const switchNs = `p2pc-${id}-sw`
  const created: string[] = []
  const destroy = async (): Promise<void> => {
    for (const netns of created.reverse()) await runIp('netns', 'del', netns).catch(() => {})
  }
  try {
    await runIp('netns', 'add', switchNs)
    created.push(switchNs)
    await runIp('-n', switchNs, 'link', 'add', 'br0', 'type', 'bridge')
    await runIp('-n', switchNs, 'link', 'set', 'br0', 'up')
    const lanHosts = []
    for (let i = 1; i <= hosts; i++) {
      const netns = `p2pc-${id}-h${i}`
      await runIp('netns', 'add', netns)
      created.push(netns)
      await runIp('-n', switchNs, 'link', 'add', `port${i}`, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', netns)
      await runIp('-n', switchNs, 'link', 'set', `port${i}`, 'master', 'br0')
      await runIp('-n', switchNs, 'link', 'set', `port${i}`, 'up')
      const address = `${subnet}.${i}`
      await runIp('-n', netns, 'addr', 'add', `${address}/24`, 'dev', 'eth0')
      await runIp('-n', netns, 'link', 'set', 'eth0', 'up')
      await runIp('-n', netns, 'link', 'set', 'lo', 'up')
      // a host without a default route still needs one for multicast (mDNS)
      await runIp('-n', netns, 'route', 'add', '224.0.0.0/4', 'dev', 'eth0')
      lanHosts.push({ netns, address })
    }
    return { hosts: lanHosts, destroy }
  } catch (err) {
    await destroy()
    throw err
  }
}

/** Whether userspace WireGuard (`wireguard-go`) and `wg` are installed. */
export function hasWireguard (): boolean {
  try {
    execFileSync('wg', ['--version'])
    execFileSync('wireguard-go', ['--version'])
    return true
  } catch {
    return false
  }
}

/** Why tests of WireGuard between namespaces cannot run here, or false when they can: a node:test `skip` value. */
export async function wireguardWorldMissing (): Promise<string | false> {
  return await canCreateNetns() && hasWireguard() ? false : 'needs root, iproute2, wireguard-go and wireguard-tools (wg)'
}

/** Whether namespace `netns` reaches `address` with one ping within a second. */
export async function pings (netns: string, address: string): Promise<boolean> {
  return await netnsExec(netns, 'ping', '-c', '1', '-W', '1', address).then(() => true, () => false)
}
