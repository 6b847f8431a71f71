import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { readdir, readFile } from 'node:fs/promises'
import { runcUnavailable } from '@p2pcloud/runtime'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, it } from 'node:test'
import { tempDir, waitFor } from '@p2pcloud/test-utils'
import { runCli } from './helpers/index.js'

const DEMO = fileURLToPath(new URL('../../scripts/demo.mjs', import.meta.url))

const noContainers = await runcUnavailable()

describe('npm start (the demo mesh)', () => {
  it('brings up 3Bots and farmers the CLI can drive, the last 3Bot finds exactly the matching farmers, runs busybox httpd from its own flist, stores a file in a 4+2 pool that survives two farmers stopping, and Ctrl-C stops all cleanly', async t => {
    const demoDir = await tempDir('demo')
    const demo = spawn(process.execPath, [DEMO], { env: { ...process.env, P2PCLOUD_DEMO_DIR: demoDir }, stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    demo.stderr.on('data', chunk => { stderr += chunk })
    const exited = new Promise<number | null>(resolve => demo.on('exit', resolve))
    // a failed assertion must not leave ten daemons running
    t.after(async () => { if (demo.exitCode == null && demo.signalCode == null) { demo.kill('SIGINT'); await exited } })
    await new Promise<void>((resolve, reject) => {
      demo.stdout.on('data', chunk => {
        stdout += chunk
        if (stdout.includes('demo mesh ready')) resolve()
      })
      void exited.then(code => { reject(new Error(`demo exited with ${code}: ${stderr}`)) })
    })
    assert.match(stdout, /10 peers, each connected to the 9 others/)
    assert.match(stdout, /npx p2pcloud --home .*my-3bot find --country BE --cru 2/)

    const peers = JSON.parse((await runCli(['peers', '--json', '--home', join(demoDir, 'my-3bot')])).stdout)
    assert.equal(peers.length, 9)
    // the sample deployment: a 2 GiB volume on the cheapest BE farmer, ok
    assert.match(stdout, /my-3bot deployed .*volume\.yaml: "demo-data" on farmer-be-/)
    assert.match(stdout, /data \(volume\): ok/)
    const shown = JSON.parse((await runCli(['show', 'demo-data', '--json', '--home', join(demoDir, 'my-3bot')])).stdout)
    assert.equal(shown.status.workloads[0].state, 'ok')

    // the Done-when of the capacity market: BE farmers with 2+ free cores are Gent (8) and Antwerp (4), not Liege (1),
    // with their true free capacity: the sample volume's 2 GiB are booked on the farmer it landed on
    let found: any[] = []
    await waitFor('find to show the booked volume', async () => {
      found = JSON.parse((await runCli(['find', '--country', 'BE', '--cru', '2', '--json', '--home', join(demoDir, 'my-3bot')])).stdout)
      const host = found.find((f: any) => f.peerId === shown.farmer)
      return host == null || host.free.sru < host.total.sru
    })
    assert.deepEqual(found.map((f: any) => f.farm).sort(), ['antwerp-rack', 'gent-dc'])
    const gent = found.find((f: any) => f.farm === 'gent-dc')
    const booked = shown.farmer === gent.peerId ? 2 : 0
    // its HDD may hold one of the storage pool's namespaces
    assert.deepEqual({ ...gent.free, hru: 0 }, { cru: 8, mru: 32 * 2 ** 30, sru: (1000 - booked) * 2 ** 30, hru: 0, ipv4u: 0 })

    // the storage sample: a 4+2 pool on six distinct farmers, a file stored and read back identical
    assert.match(stdout, /my-3bot stores objects in a 4\+2 pool on (farmer-[a-z-]+(, )?){6}\n/)
    assert.match(stdout, /stored .*sample\.bin as [0-9a-f]{32} \(6291456 bytes, encrypted, 2 segment\(s\)\) in .* s; read back identical/)
    const listed = JSON.parse((await runCli(['store', 'ls', '--json', '--home', join(demoDir, 'my-3bot')])).stdout)
    assert.equal(listed.objects.length, 1)
    const health = JSON.parse((await runCli(['store', 'status', listed.objects[0].objectId, '--json', '--home', join(demoDir, 'my-3bot')])).stdout)
    assert.equal(health[0].healthy, true)

    if (noContainers === undefined) {
      // the container sample: busybox httpd from the 3Bot's flist, answering inside its namespace
      assert.match(stdout, /my-3bot runs the container sample "web" .* on farmer-(de-berlin|us-austin), contract active; its root filesystem is flist bafib/)
      assert.match(stdout, /httpd \(container\): ok/)
      assert.match(stdout, /hello from a p2pcloud container/)
      const bot = join(demoDir, 'my-3bot')
      const web = JSON.parse((await runCli(['show', 'web', '--json', '--home', bot])).stdout)
      assert.equal(web.status.workloads[0].state, 'ok')
      const logs = (await runCli(['logs', 'web', '--home', bot])).stdout
      assert.match(logs, /hello from a p2pcloud container/)
      // rm takes the container down with its cgroup (the farmer removes a deployment after it answers the delete)
      const id = `p2pcloud-${web.contractId.slice(0, 24)}-httpd`
      // cgroup v1 (a pids hierarchy) or v2 (one unified hierarchy)
      const cgroups = [`/sys/fs/cgroup/pids/p2pcloud/${id}`, `/sys/fs/cgroup/p2pcloud/${id}`]
      const exists = async (dir: string): Promise<boolean> => readdir(dir).then(() => true, () => false)
      assert.ok((await Promise.all(cgroups.map(exists))).some(Boolean), `one of ${cgroups.join(', ')} exists while it runs`)
      await runCli(['rm', 'web', '--home', bot])
      await waitFor(`${cgroups.join(' and ')} gone after rm`, async () => !(await Promise.all(cgroups.map(exists))).some(Boolean))
      if (stdout.includes('private network demo-net')) {
        // the gateway sample: a name on the Amsterdam gateway in front of the network sample's "api"
        assert.match(stdout, /my-3bot's web names \(examples\/gateway\.yaml\) on the gateway farmer-nl-amsterdam/)
        assert.match(stdout, /www: http:\/\/www\.gw\.localhost:\d+\/ {2}backend (answers|not checked yet)\n/)
        assert.match(stdout, /curl --resolve www\.gw\.localhost:\d+:127\.0\.0\.1 http:\/\/www\.gw\.localhost:\d+\/ {3}# .*hello from a p2pcloud container/)
      }
    } else {
      assert.match(stdout, /no container sample: /)
    }

    // two of the pool's farmers stop: the object still reads back identical, and repair moves their
    // shards to the two farmers outside the pool, back to full redundancy
    const myBot = join(demoDir, 'my-3bot')
    const objectId = listed.objects[0].objectId
    const pool = JSON.parse((await runCli(['store', 'pools', '--json', '--home', myBot])).stdout)[0]
    // six countries among the eight farmers: one shard in each
    assert.equal(new Set(pool.members.map((m: any) => m.country)).size, 6, pool.members.map((m: any) => m.country).join(' '))
    const names = new Map<string, string>()
    for (const entry of await readdir(demoDir, { withFileTypes: true })) {
      if (entry.isDirectory() && entry.name.startsWith('farmer-')) names.set(JSON.parse((await runCli(['id', '--json', '--home', join(demoDir, entry.name)])).stdout).peerId, entry.name)
    }
    const stopped = pool.members.slice(0, 2).map((m: any) => names.get(m.farmer) as string)
    for (const name of stopped) process.kill(Number((await readFile(join(demoDir, name, 'daemon.lock'), 'utf8')).trim().split(/\s+/)[0]), 'SIGTERM')
    await waitFor('the two farmers to stop', async () => stdout.includes(`${stopped[0]} stopped`) && stdout.includes(`${stopped[1]} stopped`))
    const degraded = JSON.parse((await runCli(['store', 'pool', 'show', '--json', '--home', myBot])).stdout)
    assert.equal(degraded.health, 'degraded')
    assert.deepEqual(degraded.usage.map((u: any) => u.health), ['unreachable', 'unreachable', 'ok', 'ok', 'ok', 'ok'])
    const back = join(demoDir, 'back.bin')
    await runCli(['store', 'get', objectId, '-o', back, '--home', myBot])
    assert.equal(Buffer.compare(await readFile(back), await readFile(join(demoDir, 'sample.bin'))), 0, 'identical with two pool farmers stopped')
    const repaired = JSON.parse((await runCli(['store', 'repair', objectId, '--json', '--home', myBot])).stdout)[0]
    assert.equal(repaired.complete, true, JSON.stringify(repaired))
    assert.equal(repaired.reserved.length, 2)
    assert.equal(JSON.parse((await runCli(['store', 'status', objectId, '--json', '--home', myBot])).stdout)[0].healthy, true)
    assert.equal(JSON.parse((await runCli(['store', 'pool', 'show', '--json', '--home', myBot])).stdout).health, 'healthy')

    demo.kill('SIGINT')
    assert.equal(await exited, 0, stderr)
    // the peer homes (beside them: the container sample's rootfs, flist and spec)
    for (const entry of await readdir(demoDir, { withFileTypes: true })) {
      if (!entry.isDirectory() || entry.name === 'web-rootfs') continue
      const name = entry.name
      const files = await readdir(join(demoDir, name))
      assert.ok(!files.includes('daemon.lock') && !files.includes('api.json'), `${name} stopped cleanly: ${files.join(', ')}`)
    }
  })
})
