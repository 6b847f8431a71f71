import type { PeerId } from '@libp2p/interface'
import type { DeploymentClient, DeploymentStatusView } from '@p2pcloud/farmer'
import { DeployTimeoutError } from './errors.js'

const inInit = (status: DeploymentStatusView | undefined): string => (status?.workloads ?? []).filter(w => w.state === 'init').map(w => w.name).join(', ')

/**
 * Until no workload is in `init`: watched as the farmer pushes states, polled from a farmer that
 * does not serve watch. Past `timeoutMs`, a DeployTimeout naming the workloads still in init.
 */
export async function settle (deployments: DeploymentClient, farmer: PeerId, contractId: string, timeoutMs: number): Promise<DeploymentStatusView> {
  const signal = AbortSignal.timeout(timeoutMs)
  let last: DeploymentStatusView | undefined
  try {
    for await (const status of deployments.watch(farmer, contractId, signal)) {
      last = status
      if (status.workloads.every(w => w.state !== 'init')) return status
    }
  } catch (err: any) {
    if (err.code !== 'UNSUPPORTED_VERSION' && !signal.aborted) throw err
  }
  if (signal.aborted) throw new DeployTimeoutError(`farmer ${farmer.toString()} did not finish within ${timeoutMs} ms; still in init: ${inInit(last)}`)
  const deadline = Date.now() + timeoutMs
  while (true) {
    const status = await deployments.get(farmer, contractId)
    if (status.workloads.every(w => w.state !== 'init')) return status
    if (Date.now() > deadline) throw new DeployTimeoutError(`farmer ${farmer.toString()} did not finish in time; still in init: ${inInit(status)}`)
    await new Promise(resolve => setTimeout(resolve, 200))
  }
}
