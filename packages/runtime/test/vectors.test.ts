import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { deploymentMessages, execMessages, logsMessages, vectorKit } from '@p2pcloud/wire'
import { readVectors } from '@p2pcloud/test-utils'
import { containerKind } from '../src/container-kind.js'

describe('protocol vectors of containers', () => {
  it('logs: every request and response decodes to its fields and encodes to the same bytes', async () => {
    const file = readVectors('logs/messages.json')
    assert.equal(file.protocol, '/p2pcloud/logs/1.0.0')
    for (const vector of file.vectors) {
      const codec = (logsMessages as any)[vector.message]
      const decoded = codec.decode(vectorKit.unhex(vector.encoded))
      assert.equal(vectorKit.hex(codec.encode(decoded)), vector.encoded, vector.name)
      assert.equal(vectorKit.hex(vectorKit.frame(vectorKit.unhex(vector.encoded))), vector.frame, vector.name)
      if (vector.message === 'LogsRequest') {
        assert.deepEqual([vectorKit.hex(decoded.contractId), decoded.workload, decoded.follow, decoded.tailBytes], [vector.fields.contract_id, vector.fields.workload, vector.fields.follow, vector.fields.tail_bytes], vector.name)
      } else {
        assert.deepEqual(decoded.chunks.map((c: any) => ({ at_ms: String(c.atMs), stream: c.stream, data: vectorKit.hex(c.data) })), vector.fields.chunks ?? [], vector.name)
        assert.equal(decoded.error?.code, vector.fields.error?.code, vector.name)
      }
    }
  })

  it('exec: every frame decodes to its fields and encodes to the same bytes', async () => {
    const file = readVectors('exec/messages.json')
    assert.equal(file.protocol, '/p2pcloud/exec/1.0.0')
    for (const vector of file.vectors) {
      const codec = (execMessages as any)[vector.message]
      const decoded = codec.decode(vectorKit.unhex(vector.encoded))
      assert.equal(vectorKit.hex(codec.encode(decoded)), vector.encoded, vector.name)
      assert.equal(vectorKit.hex(vectorKit.frame(vectorKit.unhex(vector.encoded))), vector.frame, vector.name)
      const f = vector.fields
      if (vector.message === 'ExecStart') {
        assert.deepEqual([vectorKit.hex(decoded.contractId), decoded.workload, decoded.argv, decoded.tty, decoded.size], [f.contract_id, f.workload, f.argv, f.tty, f.size], vector.name)
      } else if (vector.message === 'ExecInput') {
        assert.deepEqual([vectorKit.hex(decoded.stdin), decoded.stdinEnd, decoded.resize], [f.stdin ?? '', f.stdin_end ?? false, f.resize], vector.name)
      } else {
        assert.deepEqual([decoded.stream, vectorKit.hex(decoded.data), decoded.exited, decoded.exitCode, decoded.error?.code], [f.stream ?? 'STDOUT', f.data ?? '', f.exited ?? false, f.exit_code ?? 0, f.error?.code], vector.name)
      }
    }
  })

  it('ContainerData: decodes to its fields, uint64 sizes above 2^31 included', async () => {
    const file = readVectors('deployment/container-data.json')
    for (const vector of file.vectors) {
      const decoded = deploymentMessages.ContainerData.decode(vectorKit.unhex(vector.encoded))
      assert.equal(vectorKit.hex(decoded.flist), vector.fields.flist, vector.name)
      assert.equal(String(decoded.mru), vector.fields.mru, vector.name)
      assert.equal(String(decoded.rootfsSize), vector.fields.rootfs_size, vector.name)
      assert.equal(decoded.cru, vector.fields.cru, vector.name)
      assert.equal(decoded.cpuMilli, vector.fields.cpu_milli ?? 0, vector.name)
      // what the farmer books and gives the cgroup: cpu_milli when set, else cru
      const cores = containerKind.resources(containerKind.decode({ name: 'web', type: 'container', version: 1, data: vectorKit.unhex(vector.encoded) })).cru
      assert.equal(cores, vector.fields.cpu_milli != null ? vector.fields.cpu_milli / 1000 : vector.fields.cru, vector.name)
      assert.equal(decoded.restart, vector.fields.restart ?? 'NEVER', vector.name)
      assert.deepEqual(decoded.mounts.map(m => ({ volume: m.volume, path: m.path, read_only: m.readOnly })), vector.fields.mounts ?? [], vector.name)
      assert.equal(vectorKit.hex(deploymentMessages.ContainerData.encode(decoded)), vector.encoded, vector.name)
    }
  })
})
