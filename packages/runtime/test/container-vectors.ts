import { deploymentMessages, execMessages, logsMessages, vectorKit } from '@p2pcloud/wire'
import type { VectorFiles } from '@p2pcloud/test-utils'

/**
 * The generator of the logs and exec protocols' vectors (protocols/vectors/{logs,exec}/messages.json) and of the
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

const NONE = new Uint8Array(0)
const { OutputStream } = execMessages
/** The exec protocol's messages (exec.md §5): `fields` as the vector lists them, `value` as the codec takes it. */
const exec: Array<{ name: string, message: 'ExecStart' | 'ExecInput' | 'ExecOutput', fields: Json, value: any }> = [
  { name: 'start-plain', message: 'ExecStart', fields: { contract_id: CONTRACT, workload: 'web', argv: ['echo', 'hi'], tty: false }, value: { contractId: unhex(CONTRACT), workload: 'web', argv: ['echo', 'hi'], tty: false } },
  { name: 'start-tty', message: 'ExecStart', fields: { contract_id: CONTRACT, workload: 'web', argv: ['/bin/sh'], tty: true, size: { rows: 24, cols: 80 } }, value: { contractId: unhex(CONTRACT), workload: 'web', argv: ['/bin/sh'], tty: true, size: { rows: 24, cols: 80 } } },
  { name: 'input-stdin', message: 'ExecInput', fields: { stdin: '780a' }, value: { stdin: unhex('780a'), stdinEnd: false } },
  { name: 'input-end', message: 'ExecInput', fields: { stdin_end: true }, value: { stdin: NONE, stdinEnd: true } },
  { name: 'input-resize', message: 'ExecInput', fields: { resize: { rows: 40, cols: 100 } }, value: { stdin: NONE, stdinEnd: false, resize: { rows: 40, cols: 100 } } },
  { name: 'output-stdout', message: 'ExecOutput', fields: { stream: 'STDOUT', data: '68690a' }, value: { stream: OutputStream.STDOUT, data: unhex('68690a'), exited: false, exitCode: 0 } },
  { name: 'output-stderr', message: 'ExecOutput', fields: { stream: 'STDERR', data: '6f6f70730a' }, value: { stream: OutputStream.STDERR, data: unhex('6f6f70730a'), exited: false, exitCode: 0 } },
  { name: 'output-heartbeat', message: 'ExecOutput', fields: {}, value: { stream: OutputStream.STDOUT, data: NONE, exited: false, exitCode: 0 } },
  { name: 'output-exit-3', message: 'ExecOutput', fields: { exited: true, exit_code: 3 }, value: { stream: OutputStream.STDOUT, data: NONE, exited: true, exitCode: 3 } },
  { name: 'output-not-found', message: 'ExecOutput', fields: { error: { code: 'NOT_FOUND', message: 'no such deployment' } }, value: { stream: OutputStream.STDOUT, data: NONE, exited: false, exitCode: 0, error: { code: 'NOT_FOUND', message: 'no such deployment', retryAfterMs: 0 } } }
]

const containers: Array<{ name: string, fields: Json, value: deploymentMessages.ContainerData }> = [
  {
    name: 'container-full',
    fields: { flist: FLIST, entrypoint: ['/bin/httpd'], args: ['-f', '-p', '8080'], env: ['MODE=demo'], workdir: '/www', cru: 1, mru: '268435456', rootfs_size: '536870912', mounts: [{ volume: 'data', path: '/data', read_only: true }], restart: 'ON_FAILURE' },
    value: { flist: unhex(FLIST), entrypoint: ['/bin/httpd'], args: ['-f', '-p', '8080'], env: ['MODE=demo'], workdir: '/www', cru: 1, mru: 268435456, rootfsSize: 536870912, mounts: [{ volume: 'data', path: '/data', readOnly: true }], restart: deploymentMessages.RestartPolicy.ON_FAILURE, network: '', ip: '', cpuMilli: 0 }
  },
  {
    name: 'container-minimal',
    fields: { flist: FLIST, cru: 2, mru: '3221225472', rootfs_size: '16777216' },
    value: { flist: unhex(FLIST), entrypoint: [], args: [], env: [], workdir: '', cru: 2, mru: 3221225472, rootfsSize: 16777216, mounts: [], restart: deploymentMessages.RestartPolicy.NEVER, network: '', ip: '', cpuMilli: 0 }
  },
  {
    // cpu: 0.5; an older farmer reads cru 1 and refuses a contract that books half a core
    name: 'container-half-core',
    fields: { flist: FLIST, cru: 1, mru: '268435456', rootfs_size: '16777216', cpu_milli: 500 },
    value: { flist: unhex(FLIST), entrypoint: [], args: [], env: [], workdir: '', cru: 1, mru: 268435456, rootfsSize: 16777216, mounts: [], restart: deploymentMessages.RestartPolicy.NEVER, network: '', ip: '', cpuMilli: 500 }
  }
]

export async function generateVectors (): Promise<VectorFiles> {
  return {
    'logs/messages.json': {
      protocol: '/p2pcloud/logs/1.0.0',
      description: 'Requests and response frames of the logs protocol (logs.md §5); "frame" is what goes on the stream.',
      vectors: logs.map(({ name, message, fields, value }) => ({ name, message, fields, ...vectorKit.encodedAndFrame(logsMessages[message].encode(value)) }))
    },
    'exec/messages.json': {
      protocol: '/p2pcloud/exec/1.0.0',
      description: 'The frames of the exec protocol (exec.md §5): the twin\'s ExecStart and ExecInputs, the farmer\'s ExecOutputs; "frame" is what goes on the stream.',
      vectors: exec.map(({ name, message, fields, value }) => ({ name, message, fields, ...vectorKit.encodedAndFrame(execMessages[message].encode(value)) }))
    },
    'deployment/container-data.json': {
      protocol: '/p2pcloud/deployment/1.1.0',
      description: 'ContainerData, the data of a "container" workload (deployment.md §5.1); mru above 2^31 checks the uint64 encoding.',
      vectors: containers.map(({ name, fields, value }) => ({ name, message: 'ContainerData', fields, encoded: vectorKit.hex(deploymentMessages.ContainerData.encode(value)) }))
    }
  }
}
