import { spawn } from 'node:child_process'
import { setTimeout as sleep } from 'node:timers/promises'
import { netnsExec } from '@p2pcloud/test-utils'

/** Seconds each iperf3 run sends for. */
export const IPERF_SECONDS = 4

/**
 * TCP throughput from namespace `from` to `address` in namespace `to`, measured by iperf3
 * (one server run per measurement), in decimal MB/s as received.
 */
export async function iperfMegabytesPerSecond (from: string, to: string, address: string, port: number): Promise<number> {
  const server = spawn('ip', ['netns', 'exec', to, 'iperf3', '-s', '-1', '-B', address, '-p', String(port)], { stdio: 'ignore' })
  const exited = new Promise(resolve => server.once('exit', resolve))
  try {
    for (let attempt = 0; ; attempt++) {
      try {
        const report = JSON.parse(await netnsExec(from, 'iperf3', '-c', address, '-p', String(port), '-t', String(IPERF_SECONDS), '-J'))
        return report.end.sum_received.bits_per_second / 8 / 1e6
      } catch (err) {
        // the server may not listen yet
        if (attempt >= 20) throw err
        await sleep(100)
      }
    }
  } finally {
    server.kill()
    await exited
  }
}
