import { deploymentMessages, logsMessages, vectorKit } from '@p2pcloud/wire'
import type { VectorFiles } from '@p2pcloud/test-utils'

/**
 * The generator of the logs protocol's vectors (protocols/vectors/logs/messages.json) and of the
 * container workload's data (protocols/vectors/deployment/container-data.json), which
 * vectors.test.ts checks. Deterministic: fixed fields, so running it again writes the same bytes.
 * Run by `npm run vectors`.
 */

type Json = vectorKit.Json
const { unhex } = vectorKit

const CONTRACT = '6b2c0d1a9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e0f9a8b7c6d5e4f3a2b'
// an flist is named by its manifest's CID (deployment.md §5.1): CIDv1, codec 0x50 (protobuf),
// sha2-256; this is "manifest-small-tree" of protocols/vectors/flist/manifest.json
const FLIST = '015012204597fbfef806efb4d4296f95fb6c1b15008b05d2374551f286f85bc4c27eec46'

/** A message as the vector lists it (`fields`) and as the codec takes it (`value`). */
interface Message { name: string, message: 'LogsRequest' | 'LogsResponse', fields: Json, value: any }

const logs: Message[] = [
  { name: 'request-follow-tail', message: 'LogsRequest', fields: { contract_id: CONTRACT, workload: 'web', follow: true, tail_bytes: 4096 }, value: { contractId: unhex(CONTRACT), workload: 'web', follow: true, tailBytes: 4096 } },
  { name: 'request-all-kept', message: 'LogsRequest', fields: { contract_id: CONTRACT, workload: 'web', follow: false, tail_bytes: 0 }, value: { contractId: unhex(CONTRACT), workload: 'web', follow: false, tailBytes: 0 } },
  {
    name: 'response-two-chunks',
    message: 'LogsResponse',
    fields: { chunks: [{ at_ms: '1767225600000', stream: 'STDOUT', data: '68656c6c6f0a' }, { at_ms: '1767225600250', stream: 'STDERR', data: '6f6f70730a' }] },
    value: { chunks: [{ atMs: 1767225600000, stream: 'STDOUT', data: unhex('68656c6c6f0a') }, { atMs: 1767225600250, stream: 'STDERR', data: unhex('6f6f70730a') }] }
  },
  { name: 'response-heartbeat', message: 'LogsResponse', fields: { chunks: [] }, value: { chunks: [] } },
  { name: 'response-not-found', message: 'LogsResponse', fields: { error: { code: 'NOT_FOUND', message: 'no such deployment' } }, value: { chunks: [], error: { code: 'NOT_FOUND', message: 'no such deployment', retryAfterMs: 0 } } }
]

const containers: Array<{ name: string, fields: Json, value: deploymentMessages.ContainerData }> = [
  {
    name: 'container-full',
    fields: { flist: FLIST, entrypoint: ['/bin/httpd'], args: ['-f', '-p', '8080'], env: ['MODE=demo'], workdir: '/www', cru: 1, mru: '268435456', rootfs_size: '536870912', mounts: [{ volume: 'data', path: '/data', read_only: true }], restart: 'ON_FAILURE' },
    value: { flist: unhex(FLIST), entrypoint: ['/bin/httpd'], args: ['-f', '-p', '8080'], env: ['MODE=demo'], workdir: '/www', cru: 1, mru: 268435456, rootfsSize: 536870912, mounts: [{ volume: 'data', path: '/data', readOnly: true }], restart: deploymentMessages.RestartPolicy.ON_FAILURE, network: '', ip: '' }
  },
  {
    name: 'container-minimal',
    fields: { flist: FLIST, cru: 2, mru: '3221225472', rootfs_size: '16777216' },
    value: { flist: unhex(FLIST), entrypoint: [], args: [], env: [], workdir: '', cru: 2, mru: 3221225472, rootfsSize: 16777216, mounts: [], restart: deploymentMessages.RestartPolicy.NEVER, network: '', ip: '' }
  }
]

export async function generateVectors (): Promise<VectorFiles> {
  return {
    'logs/messages.json': {
      protocol: '/p2pcloud/logs/1.0.0',
      description: 'Requests and response frames of the logs protocol (logs.md §5); "frame" is what goes on the stream.',
      vectors: logs.map(({ name, message, fields, value }) => ({ name, message, fields, ...vectorKit.encodedAndFrame(logsMessages[message].encode(value)) }))
    },
    'deployment/container-data.json': {
      protocol: '/p2pcloud/deployment/1.1.0',
      description: 'ContainerData, the data of a "container" workload (deployment.md §5.1); mru above 2^31 checks the uint64 encoding.',
      vectors: containers.map(({ name, fields, value }) => ({ name, message: 'ContainerData', fields, encoded: vectorKit.hex(deploymentMessages.ContainerData.encode(value)) }))
    }
  }
}
