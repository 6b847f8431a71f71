import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { execFile, execFileSync, spawn, spawnSync } from 'node:child_process'
import { access, chmod, mkdir, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { MemoryDatastore } from 'datastore-core'
import { CID } from 'multiformats/cid'
import { sha256 } from 'multiformats/hashes/sha2'
import { DriverRegistry, Provisioner, VolumeDriver, type Deployment, type DeploymentRecord } from '@p2pcloud/farmer'
import { deploymentMessages } from '@p2pcloud/wire'
import { tempDir, waitFor } from '@p2pcloud/test-utils'
import { ContainerDriver, containerKind, hostIdOf, makeBusyboxRootfs, runcUnavailable, type ImageConfig, type RootfsSource } from '../src/index.js'

const MiB = 2 ** 20
const skip = await runcUnavailable()
const TWIN = '12D3KooWKnDdG3iXw9eTFijk3EWSunZcFi54Zka4wmtqtt6rPxc8'

/** A real rootfs source over one busybox directory (the flist cache plays this part on a farmer). */
class DirectoryRootfs implements RootfsSource {
  held = 0
  /** The flist's `user` of the next acquire. */
  user = ''
  constructor (private readonly path: string) {}
  async acquire (): Promise<{ path: string, config: ImageConfig, release: () => Promise<void> }> {
    this.held++
    return { path: this.path, config: { entrypoint: [], cmd: ['sh'], env: ['FROM_IMAGE=yes'], workingDir: '/', user: this.user }, release: async () => { this.held-- } }
  }
}

const flist = CID.create(1, 0x55, await sha256.digest(new Uint8Array([1]))).bytes as Uint8Array<ArrayBuffer>

function container (name: string, args: string[], extra: Partial<deploymentMessages.ContainerData> = {}): Deployment['workloads'][number] {
  return { name, type: 'container', version: 1, data: deploymentMessages.ContainerData.encode({ flist, entrypoint: [], args, env: ['GREETING=hello'], workdir: '', cru: 1, mru: 64 * MiB, rootfsSize: 64 * MiB, mounts: [], restart: deploymentMessages.RestartPolicy.NEVER, ...extra }) }
}

describe('container driver on runc', { skip }, () => {
  let dir: string
  let rootfs: DirectoryRootfs
  let driver: ContainerDriver
  let provisioner: Provisioner
  let volumes: VolumeDriver
  let n = 0

  before(async () => {
    dir = await tempDir('runtime')
    rootfs = new DirectoryRootfs(await makeBusyboxRootfs(join(dir, 'busybox'), { owner: hostIdOf(0) }))
    volumes = new VolumeDriver(join(dir, 'volumes'))
    // the containers' mapped root reaches its root filesystem under mounts/
    await chmod(dir, 0o711)
    driver = new ContainerDriver({ kind: containerKind, root: join(dir, 'containers'), mountRoot: join(dir, 'mounts'), rootfs, volumePath: (c, name) => volumes.path(c, name), pidsLimit: 32 })
    provisioner = new Provisioner(new MemoryDatastore(), new DriverRegistry().register(volumes).register(driver))
  })
  after(async () => {
    await driver?.close()
    // after the containers that mount them: the volumes' images are loop-mounted
    await volumes?.close()
    await rm(dir, { recursive: true, force: true })
  })

  /** Deploy workloads under a fresh contract id and wait until they leave init. */
  async function deploy (workloads: Deployment['workloads']): Promise<{ contractId: string, record: DeploymentRecord }> {
    const contractId = (++n).toString(16).padStart(64, 'a')
    await provisioner.accept({ contractId, twin: TWIN, name: 'app', version: 1, workloads, signedAt: Date.now() }, new Uint8Array())
    await provisioner.settled(contractId)
    return { contractId, record: provisioner.get(contractId) as DeploymentRecord }
  }

  /** Wait until workload `name` is in `state`; its message then. */
  async function until (contractId: string, name: string, state: string, timeoutMs = 20_000): Promise<string> {
    const workload = (): { state: string, message: string } | undefined => provisioner.get(contractId)?.workloads.find(w => w.name === name)
    await waitFor(`${name} to reach ${state}`, () => workload()?.state === state, timeoutMs, 50)
    return workload()?.message ?? ''
  }

  async function output (contractId: string, name: string): Promise<string> {
    const chunks = []
    for await (const chunk of driver.logs(contractId, name)) chunks.push(chunk.data)
    return Buffer.concat(chunks).toString()
  }

  it('runs it isolated: logs its output, sees only its own processes and only lo, exec works', async () => {
    const { contractId, record } = await deploy([container('web', ['sh', '-c', 'echo "$GREETING from $FROM_IMAGE"; echo oops >&2; exec sleep 1000'])])
    assert.equal(record.workloads[0].state, 'ok', record.workloads[0].message)
    await outputWith(contractId, 'web', 'oops')
    assert.match(await output(contractId, 'web'), /hello from yes\n/)
    const ps = await driver.exec(contractId, 'web', ['ps', '-o', 'pid,args'])
    assert.equal(ps.code, 0)
    const processes = ps.stdout.trim().split('\n').slice(1)
    assert.ok(processes.length <= 2, `only sleep and ps: ${ps.stdout}`)
    assert.match(processes[0], /^\s*1 sleep 1000/)
    const links = await driver.exec(contractId, 'web', ['ls', '/sys/class/net'])
    assert.deepEqual(links.stdout.trim().split(/\s+/), ['lo'])
    const failing = await driver.exec(contractId, 'web', ['sh', '-c', 'exit 7'])
    assert.equal(failing.code, 7)
    await provisioner.remove(contractId)
    await provisioner.settled(contractId)
    await provisioner.settled(contractId)
    assert.equal(rootfs.held, 0)
    await assert.rejects(access(join(dir, 'containers', `p2pcloud-${contractId.slice(0, 24)}-web`)), 'nothing left on disk')
    await assert.rejects(access(`/sys/fs/cgroup/memory/p2pcloud/p2pcloud-${contractId.slice(0, 24)}-web`), 'no cgroup left')
  })

  it('an exit is an error with the exit code and the last output line', async () => {
    const { contractId } = await deploy([container('job', ['sh', '-c', 'sleep 0.3; echo giving up; exit 3'])])
    const message = await until(contractId, 'job', 'error')
    assert.match(message, /exited with code 3; last output: giving up/)
    // removing an exited container leaves neither its mount nor its directory
    await provisioner.remove(contractId)
    await provisioner.settled(contractId)
    const where = join(dir, 'containers', `p2pcloud-${contractId.slice(0, 24)}-job`)
    assert.equal((await readFile('/proc/self/mounts', 'utf8')).includes(where), false, `${where} is still mounted`)
    await assert.rejects(stat(where), { code: 'ENOENT' })
  })

  it('an output flood is read only as fast as the log is written: the daemon\'s memory and the log on disk stay bounded, logs keep the newest', async () => {
    const floodBytes = 1024 * MiB
    const rssBefore = process.memoryUsage().rss
    let rssPeak = rssBefore
    const sampler = setInterval(() => { rssPeak = Math.max(rssPeak, process.memoryUsage().rss) }, 10)
    let contractId: string
    try {
      contractId = (await deploy([container('flood', ['sh', '-c', `head -c ${floodBytes} /dev/zero; echo flood over`])])).contractId
      assert.match(await until(contractId, 'flood', 'error', 120_000), /exited with code 0/)
    } finally {
      clearInterval(sampler)
    }
    const growthMiB = (rssPeak - rssBefore) / MiB
    assert.ok(growthMiB < 192, `the daemon grew by ${growthMiB.toFixed(0)} MiB while the container wrote ${floodBytes / MiB} MiB`)
    const logsDir = join(dir, 'containers', `p2pcloud-${contractId.slice(0, 24)}-flood`, 'logs')
    let onDisk = 0
    for (const file of await readdir(logsDir)) onDisk += (await stat(join(logsDir, file))).size
    assert.ok(onDisk <= 2 * MiB, `${onDisk} bytes of log on disk`)
    const newest = []
    for await (const chunk of driver.logs(contractId, 'flood', { tailBytes: 16 })) newest.push(chunk.data)
    assert.equal(Buffer.concat(newest).toString(), '\0\0\0\0\0flood over\n')
  })

  /** Wait until the workload's output contains `text`; the output then. */
  async function outputWith (contractId: string, name: string, text: string): Promise<string> {
    await waitFor(`${JSON.stringify(text)} in ${name}'s output`, async () => (await output(contractId, name)).includes(text), 20_000, 50)
    return output(contractId, name)
  }

  async function loopDevicesOf (image: string): Promise<string> {
    return (await promisify(execFile)('losetup', ['-j', image])).stdout
  }

  it('the root layer is the rootfs size: writing past it fails with ENOSPC and takes no more of the host\'s disk; removal frees the loop device', async () => {
    const { contractId } = await deploy([container('filler', ['sh', '-c', 'dd if=/dev/zero of=/big bs=1M count=64; echo "dd exit $?"; exec sleep 1000'], { rootfsSize: 16 * MiB })])
    const text = await outputWith(contractId, 'filler', 'dd exit')
    assert.match(text, /No space left on device/)
    assert.match(text, /dd exit 1/)
    const image = join(dir, 'containers', `p2pcloud-${contractId.slice(0, 24)}-filler`, 'layer.img')
    assert.ok((await stat(image)).blocks * 512 <= 16 * MiB, 'the host gives the layer no more than its size')
    await provisioner.remove(contractId)
    await provisioner.settled(contractId)
    assert.equal(await loopDevicesOf(image), '')
    await assert.rejects(stat(image), { code: 'ENOENT' })
  })

  it('a mounted volume refuses writes past its size', async () => {
    const { contractId } = await deploy([
      { name: 'data', type: 'volume', version: 1, data: deploymentMessages.VolumeData.encode({ size: 4 * MiB }) },
      container('writer', ['sh', '-c', 'dd if=/dev/zero of=/data/big bs=1M count=8; echo "dd exit $?"; exec sleep 1000'], { mounts: [{ volume: 'data', path: '/data', readOnly: false }] })
    ])
    const text = await outputWith(contractId, 'writer', 'dd exit')
    assert.match(text, /No space left on device/)
    assert.match(text, /dd exit 1/)
    await provisioner.remove(contractId)
    await provisioner.settled(contractId)
  })

  it('memory above MRU ends in error naming the OOM kill', async () => {
    const { contractId } = await deploy([container('hog', ['sh', '-c', 'sleep 0.2; x=$(head -c 100000000 /dev/zero | tr "\\0" a); echo survived'], { mru: 32 * MiB })])
    const message = await until(contractId, 'hog', 'error')
    assert.match(message, /killed: out of memory \(limit 32 MiB\)/)
  })

  it('the pid limit bounds a process storm: forking past it fails', async () => {
    const { contractId } = await deploy([container('storm', ['sh', '-c', 'i=0; while [ $i -lt 64 ]; do sleep 100 & i=$((i+1)); done; wait'])])
    const message = await until(contractId, 'storm', 'error')
    assert.match(message, /can't fork: Resource temporarily unavailable/)
  })

  it('on-failure restarts a crashing container and reports it ok again', async () => {
    const { contractId } = await deploy([container('flaky', ['sh', '-c', 'echo run; sleep 0.2; exit 1'], { restart: deploymentMessages.RestartPolicy.ON_FAILURE })])
    assert.match(await until(contractId, 'flaky', 'error'), /restarting in 1 s/)
    await until(contractId, 'flaky', 'ok')
    await provisioner.remove(contractId)
    await provisioner.settled(contractId)
    await provisioner.settled(contractId)
  })

  it('stop keeps the writable layer; applying again (a farmer restart) brings it back', async () => {
    const { contractId } = await deploy([container('keeper', ['sh', '-c', 'echo kept >> /state; cat /state; exec sleep 1000'])])
    await driver.stop(contractId, 'keeper')
    await provisioner.resume(contractId)
    const { workloads } = provisioner.get(contractId) as DeploymentRecord
    await driver.apply(contractId, (provisioner.get(contractId) as DeploymentRecord).deployment.workloads[0])
    assert.equal(workloads[0].state, 'ok')
    await outputWith(contractId, 'keeper', 'kept\nkept\n')
    assert.match(await output(contractId, 'keeper'), /kept\nkept\n/)
  })

  it('runs in a user namespace: its root is host uid 100000, a volume is its own, a host root file in it is not', async () => {
    const data = { name: 'data', type: 'volume', version: 1, data: deploymentMessages.VolumeData.encode({ size: MiB }) }
    const { contractId, record } = await deploy([data, container('inside', ['sh', '-c', 'cat /proc/self/uid_map; exec sleep 1000'], { mounts: [{ volume: 'data', path: '/data', readOnly: false }] })])
    assert.equal(record.workloads[1].state, 'ok', record.workloads[1].message)
    await outputWith(contractId, 'inside', '\n')
    assert.match(await output(contractId, 'inside'), /^\s*0\s+100000\s+65536\n$/)
    // seen from the host: the container's pid 1 runs as uid 100000, not root
    const state = JSON.parse(execFileSync('runc', ['--root', join(dir, 'containers', 'runc'), 'state', `p2pcloud-${contractId.slice(0, 24)}-inside`], { encoding: 'utf8' }))
    assert.match(await readFile(`/proc/${state.pid as number}/status`, 'utf8'), /\nUid:\t100000\t100000\t100000\t100000\n/)
    const secret = join(volumes.path(contractId, 'data'), 'secret')
    await writeFile(secret, 'host only\n', { mode: 0o600 })
    const read = await driver.exec(contractId, 'inside', ['cat', '/data/secret'])
    assert.notEqual(read.code, 0)
    assert.match(read.stderr, /Permission denied/)
    const write = await driver.exec(contractId, 'inside', ['sh', '-c', 'echo mine > /data/mine'])
    assert.equal(write.code, 0, write.stderr)
    assert.equal((await stat(join(volumes.path(contractId, 'data'), 'mine'))).uid, 100000)
  })

  it('its root filesystem is reachable by its mapped root only: another host user cannot even stat it', async () => {
    const { contractId, record } = await deploy([container('private', ['sleep', '1000'])])
    assert.equal(record.workloads[0].state, 'ok', record.workloads[0].message)
    const id = `p2pcloud-${contractId.slice(0, 24)}-private`
    const { rootfs: mounted } = JSON.parse(execFileSync('runc', ['--root', join(dir, 'containers', 'runc'), 'state', id], { encoding: 'utf8' }))
    await stat(join(mounted, 'bin/sh'))
    const asNobody = (path: string): ReturnType<typeof spawnSync> => spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', 'stat', path], { encoding: 'utf8' })
    const denied = asNobody(join(mounted, 'bin/sh'))
    assert.notEqual(denied.status, 0, `host user nobody reached ${mounted}/bin/sh: ${denied.stdout as string}`)
    assert.match(denied.stderr as string, /Permission denied/)
    assert.equal(asNobody(join(dir, 'mounts')).status, 0, 'the mount root itself stays searchable')
    const layer = (await readFile('/proc/self/mounts', 'utf8')).split('\n').find(line => line.split(' ')[1] === join(dir, 'containers', id, 'layer'))
    assert.match(layer ?? '', /[ ,]nosuid[ ,].*nodev|[ ,]nodev[ ,].*nosuid/, `the writable layer's host mount: ${layer ?? 'not mounted'}`)
    // the container itself still runs from it
    assert.equal((await driver.exec(contractId, 'private', ['sh', '-c', 'echo ok'])).stdout, 'ok\n')
    await provisioner.remove(contractId)
    await provisioner.settled(contractId)
    await assert.rejects(stat(join(dir, 'mounts', id)), { code: 'ENOENT' }, 'its mount directory is gone')
  })

  it('a volume that is not mounted (a bare directory a stopped farmer left) is refused: nothing starts, the directory is not given to the container', async () => {
    const contractId = 'f'.repeat(64)
    const bare = volumes.path(contractId, 'data')
    await mkdir(bare, { recursive: true })
    const held = rootfs.held
    await assert.rejects(driver.apply(contractId, container('bare', ['sleep', '1000'], { mounts: [{ volume: 'data', path: '/data', readOnly: false }] })),
      { code: 'UNAVAILABLE', message: 'container "bare": volume "data" (mounted at /data) is not mounted; its own state says why' })
    assert.equal((await stat(bare)).uid, 0, 'still the host root\'s')
    assert.equal(rootfs.held, held, 'no root filesystem was taken')
    await assert.rejects(driver.exec(contractId, 'bare', ['true']), /is not running/)
  })

  it('applying again while its root filesystem is busy is an error naming the mount; no second overlay is stacked on it', async () => {
    const held = rootfs.held
    const { contractId, record } = await deploy([container('pinned', ['sleep', '1000'])])
    assert.equal(record.workloads[0].state, 'ok', record.workloads[0].message)
    const id = `p2pcloud-${contractId.slice(0, 24)}-pinned`
    const merged = join(dir, 'mounts', id, 'rootfs')
    const overlays = async (): Promise<number> => (await readFile('/proc/self/mounts', 'utf8')).split('\n').filter(line => line.split(' ')[1] === merged).length
    assert.equal(await overlays(), 1)
    // a host process working in it keeps it busy
    const holder = spawn('sleep', ['1000'], { cwd: merged, stdio: 'ignore' })
    try {
      await assert.rejects(driver.apply(contractId, record.deployment.workloads[0]), { message: new RegExp(`^could not unmount ${merged}: .*busy`) })
      assert.equal(await overlays(), 1, 'one overlay, not two')
    } finally {
      holder.kill()
      await new Promise(resolve => holder.once('exit', resolve))
    }
    await driver.apply(contractId, record.deployment.workloads[0])
    assert.equal(await overlays(), 1)
    assert.equal((await driver.exec(contractId, 'pinned', ['sh', '-c', 'echo ok'])).stdout, 'ok\n')
    await provisioner.remove(contractId)
    await provisioner.settled(contractId)
    assert.equal(await overlays(), 0)
    assert.equal(rootfs.held, held, 'every tree given back')
  })

  it('a seccomp filter is on and denies new user namespaces with EPERM', async () => {
    const { contractId, record } = await deploy([container('filtered', ['sleep', '1000'])])
    assert.equal(record.workloads[0].state, 'ok', record.workloads[0].message)
    const status = await driver.exec(contractId, 'filtered', ['grep', 'Seccomp:', '/proc/self/status'])
    assert.match(status.stdout, /Seccomp:\s+2/)
    const unshare = await driver.exec(contractId, 'filtered', ['unshare', '-U', 'true'])
    assert.notEqual(unshare.code, 0)
    assert.match(unshare.stderr, /Operation not permitted/)
    // what is not listed still works
    assert.equal((await driver.exec(contractId, 'filtered', ['sh', '-c', 'echo ok'])).stdout, 'ok\n')
  })

  it("the flist's user runs the process: by uid, by name from its /etc/passwd; an unknown one is an error", async () => {
    try {
      rootfs.user = '1000:1000'
      const numeric = await deploy([container('numeric', ['sh', '-c', 'echo "$(id -u):$(id -g)"; grep CapEff /proc/self/status; exec sleep 1000'])])
      assert.equal(numeric.record.workloads[0].state, 'ok', numeric.record.workloads[0].message)
      await outputWith(numeric.contractId, 'numeric', 'CapEff')
      assert.match(await output(numeric.contractId, 'numeric'), /^1000:1000\nCapEff:\s+0+\n$/)
      rootfs.user = 'nobody'
      const named = await deploy([container('named', ['sh', '-c', 'echo "$(id -u):$(id -g)"; exec sleep 1000'])])
      assert.equal(named.record.workloads[0].state, 'ok', named.record.workloads[0].message)
      await outputWith(named.contractId, 'named', '\n')
      assert.equal(await output(named.contractId, 'named'), '65534:65534\n')
      rootfs.user = 'bob'
      const unknown = await deploy([container('unknown', ['sleep', '1000'])])
      assert.equal(unknown.record.workloads[0].state, 'error')
      assert.match(unknown.record.workloads[0].message, /the flist's user "bob": no user "bob" in its \/etc\/passwd/)
    } finally {
      rootfs.user = ''
    }
  })

  it('a hostile mount that reaches the driver anyway (a deployment stored before the farmer checked mounts) is an error; nothing starts', async () => {
    const held = rootfs.held
    const { contractId, record } = await deploy([container('escape', ['sleep', '1000'], { mounts: [{ volume: '../../../../..', path: '/host', readOnly: false }] })])
    assert.equal(record.workloads[0].state, 'error')
    assert.match(record.workloads[0].message, /the mount at \/host names volume "\.\.\/\.\.\/\.\.\/\.\.\/\.\.", which is not a workload name/)
    assert.equal(rootfs.held, held, 'no root filesystem was taken')
    await assert.rejects(driver.exec(contractId, 'escape', ['true']), /is not running/)
  })
})
