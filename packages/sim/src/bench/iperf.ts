import { spawn } from 'node:child_process'
import { setTimeout as sleep } from 'node:timers/promises'
import { netnsExec } from '@p2pcloud/test-utils'
import type { Measurement } from './results.js'
import { median } from './stats.js'

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

/**
 * `runs` iperf3 measurements of a private network's path (`overlay`) and of a bare wireguard-go
 * tunnel between the same two sites (`bare`), alternating: the medians, and each side's range.
 */
export async function againstBareTunnel (metric: string, runs: number, overlay: () => Promise<number>, bare: () => Promise<number>): Promise<Measurement> {
  const overlayRates: number[] = []
  const bareRates: number[] = []
  for (let i = 0; i < runs; i++) {
    overlayRates.push(await overlay())
    bareRates.push(await bare())
  }
  return {
    metric,
    value: median(overlayRates),
    unit: 'MB/s',
    baseline: 'a bare wireguard-go tunnel between the same two sites, set up by hand',
    baselineValue: median(bareRates),
    extra: { runs, overlayMinMBps: Math.min(...overlayRates), overlayMaxMBps: Math.max(...overlayRates), bareMinMBps: Math.min(...bareRates), bareMaxMBps: Math.max(...bareRates) }
  }
}
