import assert from 'node:assert/strict'
import { execFile, spawn } from 'node:child_process'
import { access, chmod, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { promisify } from 'node:util'
import { machineCapabilities } from '@p2pcloud/daemon'
import { tempDir } from '@p2pcloud/test-utils'
import { CLI, farmerHome, runCli, spawnDaemon } from './helpers/index.js'

const run = promisify(execFile)

async function exists (path: string): Promise<boolean> {
  return access(path).then(() => true, () => false)
}

describe('a home\'s life from the CLI: init, config, start, stop', () => {
  it('init --farmer offers what this machine can run, --capabilities what it is told, and says why not the others', async () => {
    const home = await tempDir('cli-home-init')
    const result = await runCli(['init', '--json', '--home', home, '--farmer', '--farm', 'gent', '--country', 'BE'])
    assert.equal(result.code, 0, result.stderr)
    const machine = await machineCapabilities()
    assert.ok(machine.includes('zdb'), 'zdb needs nothing of the machine')
    const out = JSON.parse(result.stdout)
    assert.deepEqual(out.offer.offers, machine)
    assert.deepEqual(JSON.parse(await readFile(join(home, 'config.json'), 'utf8')).farmer.capabilities, machine)

    const told = await tempDir('cli-home-told')
    const chosen = await runCli(['init', '--home', told, '--farmer', '--farm', 'gent', '--country', 'BE', '--capabilities', 'zdb'])
    assert.equal(chosen.code, 0, chosen.stderr)
    assert.match(chosen.stdout, /^ {2}offers: +zdb$/m)
    assert.match(chosen.stdout, /^ {2}not volume: not in farmer\.capabilities \(p2pcloud config set farmer\.capabilities zdb,volume\)$/m)

    for (const [args, expected] of [
      [['--farmer', '--farm', 'gent', '--country', 'BE', '--capabilities', 'zdb,gpu'], /farmer\.capabilities\.1: Invalid option: expected one of "volume"\|/],
      [['--capabilities', 'zdb'], /--farm, --country, --city and --capabilities describe a farmer; add --farmer/]
    ] as const) {
      const bad = await runCli(['init', '--home', await tempDir('cli-home-bad'), ...args])
      assert.notEqual(bad.code, 0)
      assert.match(bad.stderr, expected)
    }
  })

  it('as a user other than root, init --farmer offers zdb only and names what volumes, containers and networks need', async (t) => {
    if (process.getuid?.() !== 0) return t.skip('needs root to run the CLI as another user')
    const dir = await tempDir('cli-home-nobody')
    await chmod(dir, 0o777)
    const { stdout } = await run('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, CLI, 'init', '--home', join(dir, 'h'), '--farmer', '--farm', 'gent', '--country', 'BE'])
    assert.match(stdout, /^ {2}offers: +zdb$/m)
    assert.match(stdout, /^ {2}not volume: loop-mounting a filesystem image needs root .*; run the farmer as root$/m)
    assert.match(stdout, /^ {2}not container: .*needs root/m)
    assert.match(stdout, /^ {2}not network: networks need root/m)
  })

  it('config get and set read and change config.json by dotted keys, checked against the schema, naming what is wrong', async () => {
    const home = await farmerHome('cli-home-config', { cru: 2, mru: '2G', sru: '1G', hru: 0 })
    const path = join(home, 'config.json')
    const ok = async (...args: string[]): Promise<string> => {
      const result = await runCli(['config', ...args, '--home', home])
      assert.equal(result.code, 0, `${args.join(' ')}: ${result.stderr}`)
      return result.stdout
    }
    assert.equal(await ok('get', 'farmer.capabilities'), '[]\n')
    assert.match(await ok('set', 'farmer.capabilities', 'volume,zdb'), /^farmer\.capabilities = \["volume","zdb"\]\n {2}offers: +volume, zdb\n/)
    await ok('set', 'farmer.capacity.mru', '16G')
    await ok('set', 'farmer.price.cuHour', '0.25')
    await ok('set', 'farmer.farm', '123')
    await ok('set', 'farmer.network.egress', 'false')
    const written = JSON.parse(await readFile(path, 'utf8'))
    assert.deepEqual(written.farmer.capabilities, ['volume', 'zdb'])
    assert.equal(written.farmer.capacity.mru, '16G')
    assert.equal(written.farmer.price.cuHour, 0.25)
    assert.equal(written.farmer.farm, '123', 'a key holding text keeps text that reads as a number')
    assert.deepEqual(written.farmer.network, { egress: false })
    assert.equal(JSON.parse(await ok('get', 'farmer.price', '--json')).cuHour, 0.25)

    const before = await readFile(path, 'utf8')
    for (const [args, expected] of [
      [['set', 'farmer.capabilities', 'volume,gpu'], /farmer\.capabilities\.1: Invalid option/],
      [['set', 'farmer.country', 'BEL'], /farmer\.country: "BEL" is not a two-letter ISO 3166 country code/],
      [['set', 'farmer.capacity.mru', '4Q'], /farmer\.capacity\.mru: /],
      [['set', 'farmer.colour', 'red'], /config\.json has no key farmer\.colour; the keys under farmer are enabled, farm, /],
      [['get', 'farmer.farm.x'], /config\.json has no key farmer\.farm\.x: farmer\.farm is not a section/],
      [['get', 'farmer..farm'], /"farmer\.\.farm" is not a config key/]
    ] as const) {
      const result = await runCli(['config', ...args, '--home', home])
      assert.notEqual(result.code, 0, args.join(' '))
      assert.match(result.stderr, expected, args.join(' '))
    }
    assert.equal(await readFile(path, 'utf8'), before, 'a refused change writes nothing')
  })

  it('start measures the disk holding a farmer\'s home and says what it found and why; a restart reuses the measurement', async () => {
    const home = await farmerHome('cli-home-disk', { cru: 2, mru: '2G' })
    // the source of the unit the disk counts as
    const diskSource = async (): Promise<string> => {
      const daemon = await spawnDaemon(home)
      try {
        const capacity = (daemon.ready as any).farmer.capacity
        const disk = JSON.parse(await readFile(join(home, 'disk-class.json'), 'utf8'))
        assert.equal(disk.how, 'measured')
        assert.equal(capacity.total[disk.kind === 'ssd' ? 'hru' : 'sru'], 0, `a ${disk.kind as string} offers nothing of the other kind`)
        assert.ok(capacity.total[disk.kind === 'ssd' ? 'sru' : 'hru'] > 0)
        return capacity.sources[disk.kind === 'ssd' ? 'sru' : 'hru']
      } finally {
        await daemon.stop()
      }
    }
    assert.match(await diskSource(), /^free space of .* \((SSD|HDD): median random 4 KiB read [\d.]+ ms over \d+ O_DIRECT reads of .*\)$/)
    assert.match(await diskSource(), /, measured 20\d\d-.*\)$/, 'kept from the first start')
  })

  it('start says what a farmer offers and why not the rest; stop ends the daemon cleanly and waits for it; with none running it says so', async () => {
    const home = await farmerHome('cli-home-stop', { cru: 2, mru: '2G', sru: '1G', hru: 0 }, { capabilities: ['zdb'] })
    const daemon = await spawnDaemon(home)
    const exited = new Promise<number | null>(resolve => daemon.child.once('exit', resolve))
    try {
      const offer = (daemon.ready as any).farmer
      assert.deepEqual(offer.offers, ['zdb'])
      assert.deepEqual(offer.notOffered.map((n: any) => n.capability).sort(), ['container', 'gateway', 'network', 'volume'])
      const stop = await runCli(['stop', '--home', home])
      assert.equal(stop.code, 0, stop.stderr)
      assert.match(stop.stdout, new RegExp(`^stopped the daemon \\(pid ${daemon.child.pid as number}\\) on ${home}\\n$`))
      assert.equal(daemon.child.exitCode ?? await exited, 0, 'a clean stop')
      assert.equal(await exists(join(home, 'api.json')), false)
      assert.equal(await exists(join(home, 'daemon.lock')), false)
    } finally {
      await daemon.stop()
    }
    const none = await runCli(['stop', '--home', home])
    assert.notEqual(none.code, 0)
    assert.match(none.stderr, /^error: no daemon is running on .* \(.*daemon\.lock does not exist\)\n$/)

    // a lock a crash left, naming a pid now another program's: that program gets no signal
    const other = spawn('sleep', ['30'])
    try {
      await writeFile(join(home, 'daemon.lock'), `${other.pid as number}\n`)
      const stale = await runCli(['stop', '--home', home])
      assert.notEqual(stale.code, 0)
      assert.match(stale.stderr, new RegExp(`names pid ${other.pid as number}, which is no p2pcloud daemon`))
      assert.equal(other.exitCode, null)
      assert.equal(other.signalCode, null)
    } finally {
      other.kill()
    }
  })
})
