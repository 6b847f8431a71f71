import assert from 'node:assert/strict'
import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { tempDir, waitFor } from '@p2pcloud/test-utils'
import { runCli, spawnDaemon } from './helpers/index.js'

describe('p2pcloud CLI', () => {
  it('init creates a home chosen by --home or P2PCLOUD_HOME, and --json prints the peer id', async () => {
    const home = await tempDir('cli-init')
    const result = await runCli(['init', '--json'], { P2PCLOUD_HOME: home })
    assert.equal(result.code, 0, result.stderr)
    const out = JSON.parse(result.stdout)
    assert.match(out.peerId, /^12D3KooW/)
    assert.equal(out.home, home)
    const again = await runCli(['init', '--home', home])
    assert.notEqual(again.code, 0)
    assert.match(again.stderr, /^error: .*already initialised/)
  })

  it('every command has --help', async () => {
    for (const command of ['init', 'start', 'stop', 'config', 'id', 'status', 'peers', 'connect']) {
      const result = await runCli([command, '--help'])
      assert.equal(result.code, 0, `${command} --help: ${result.stderr}`)
      assert.match(result.stdout, new RegExp(`Usage: p2pcloud ${command}`))
      assert.match(result.stdout, /--home <dir>/, `${command} --help shows the global options`)
    }
    const start = await runCli(['start', '--help'])
    for (const flag of ['--listen', '--bootstrap', '--api', '--no-mdns', '--relay-server']) assert.match(start.stdout, new RegExp(flag))
  })

  it('unknown flags, bad multiaddrs and bad API addresses fail with one clear line', async () => {
    const home = await tempDir('cli-bad')
    const cases: Array<[string[], RegExp]> = [
      [['start', '--home', home, '--frobnicate'], /unknown option '--frobnicate'/],
      [['start', '--home', home, '--listen', '/ip4/300.1.1.1/tcp/1'], /invalid multiaddr/],
      [['start', '--home', home, '--bootstrap', '/ip4/127.0.0.1/tcp/1'], /^error: option '--bootstrap <multiaddr>' argument '\/ip4\/127\.0\.0\.1\/tcp\/1' is invalid\. .*no \/p2p\/<peer id> part.*\n\(run with --help for usage\)\n$/],
      [['find', '--home', home, '--mru', '4X'], /^error: option '--mru <value>' argument '4X' is invalid\. mru: "4X" is not a size/],
      [['find', '--home', home, '--sort', 'cheap'], /sort must be "price" or "free", not "cheap"\n\(run with --help for usage\)\n$/],
      [['start', '--home', home, '--api', '0.0.0.0:80'], /API host "0\.0\.0\.0" is not allowed/],
      [['connect', '--home', home, 'not-a-multiaddr'], /invalid multiaddr "not-a-multiaddr"/],
      [['id', '--home', home], /no daemon is running for this home/],
      [['start', '--home', join(home, 'missing')], /run "p2pcloud init" first/]
    ]
    for (const [args, expected] of cases) {
      const result = await runCli(args)
      assert.notEqual(result.code, 0, args.join(' '))
      assert.match(result.stderr, expected, args.join(' '))
      assert.equal(result.stdout, '', args.join(' '))
    }
  })

  it('init writes config.json as it always has, core and domain sections in the same order with the same defaults', async () => {
    for (const [args, fixture] of [[[], 'init-config.json'], [['--farmer', '--farm', 'f1', '--country', 'be', '--capabilities', 'none'], 'init-farmer-config.json']] as const) {
      const home = await tempDir('cli-init-format')
      assert.equal((await runCli(['init', '--home', home, ...args])).code, 0)
      assert.equal(await readFile(join(home, 'config.json'), 'utf8'), await readFile(new URL(`../fixtures/${fixture}`, import.meta.url), 'utf8'), fixture)
    }
  })

  it('a bad value in a domain\'s section (directory, and farmer fields of capacity, contracts and flist) is named by its path', async () => {
    const home = await tempDir('cli-domain-config')
    assert.equal((await runCli(['init', '--home', home])).code, 0)
    const configPath = join(home, 'config.json')
    const config = JSON.parse(await readFile(configPath, 'utf8'))
    config.directory.maxFarmers = 0
    config.farmer = { ...config.farmer, enabled: true, farm: 'gent', country: 'BE', capabilities: ['gpu'], leaseGraceSeconds: -1, flistCacheBytes: '4Q' }
    await writeFile(configPath, JSON.stringify(config))
    const result = await runCli(['start', '--home', home, '--no-mdns'])
    assert.notEqual(result.code, 0)
    for (const field of ['directory.maxFarmers', 'farmer.capabilities.0', 'farmer.leaseGraceSeconds', 'farmer.flistCacheBytes']) {
      assert.match(result.stderr, new RegExp(`${configPath}: .*${field.replaceAll('.', '\\.')}: `), field)
    }
    config.farmer = { ...config.farmer, capabilities: [], leaseGraceSeconds: 0, flistCacheBytes: '1G', country: 'BEL' }
    config.directory.maxFarmers = 1
    await writeFile(configPath, JSON.stringify(config))
    assert.match((await runCli(['start', '--home', home, '--no-mdns'])).stderr, /farmer\.country: "BEL" is not a two-letter ISO 3166 country code/)
  })

  it('a corrupt config.json stops start with the file named, and is not overwritten', async () => {
    const home = await tempDir('cli-corrupt')
    assert.equal((await runCli(['init', '--home', home])).code, 0)
    const configPath = join(home, 'config.json')
    await writeFile(configPath, '{ "listen": 42 }')
    const result = await runCli(['start', '--home', home, '--no-mdns'])
    assert.notEqual(result.code, 0)
    assert.match(result.stderr, new RegExp(`${configPath}: listen: `))
    assert.equal(await readFile(configPath, 'utf8'), '{ "listen": 42 }')
  })

  it('two daemons with separate homes find each other through --bootstrap; a second daemon on a home fails cleanly', async () => {
    const homeA = await tempDir('cli-a')
    const homeB = await tempDir('cli-b')
    for (const home of [homeA, homeB]) assert.equal((await runCli(['init', '--home', home])).code, 0)
    const a = await spawnDaemon(homeA)
    const b = await spawnDaemon(homeB, { args: ['--bootstrap', a.ready.addresses[0]] })
    try {
      const id = JSON.parse((await runCli(['id', '--json', '--home', homeA])).stdout)
      assert.deepEqual(Object.keys(id).sort(), ['addresses', 'peerId'])
      assert.equal(id.peerId, a.ready.peerId)

      await waitFor('A to list B among its peers', async () => {
        const peers = JSON.parse((await runCli(['peers', '--json', '--home', homeA])).stdout)
        return peers.some((p: any) => p.peerId === b.ready.peerId)
      })
      const peers = JSON.parse((await runCli(['peers', '--json', '--home', homeB])).stdout)
      assert.equal(peers.length, 1)
      assert.equal(peers[0].peerId, a.ready.peerId)
      assert.ok(Array.isArray(peers[0].addresses) && peers[0].addresses.length > 0)

      const status = await runCli(['status', '--home', homeB])
      assert.match(status.stdout, /peers: +1/)

      const second = await runCli(['start', '--home', homeA, '--listen', '/ip4/127.0.0.1/tcp/0', '--no-mdns'])
      assert.notEqual(second.code, 0)
      assert.match(second.stderr, /^error: another p2pcloud daemon \(pid \d+\) is already running on /)
    } finally {
      assert.equal(await b.stop(), 0, 'a SIGTERM stops the daemon cleanly')
      assert.equal(await a.stop(), 0)
    }
    // a clean stop removes api.json and the lock, so the home can start again
    const restarted = await spawnDaemon(homeA)
    assert.equal(restarted.ready.peerId, a.ready.peerId, 'the identity survives a restart')
    assert.equal(await restarted.stop(), 0)
  })

  it('connect dials a running peer through the API', async () => {
    const homeA = await tempDir('cli-c')
    const homeB = await tempDir('cli-d')
    for (const home of [homeA, homeB]) assert.equal((await runCli(['init', '--home', home])).code, 0)
    const a = await spawnDaemon(homeA)
    const b = await spawnDaemon(homeB)
    try {
      const result = await runCli(['connect', '--json', '--home', homeB, a.ready.addresses[0]])
      assert.equal(result.code, 0, result.stderr)
      assert.equal(JSON.parse(result.stdout).peerId, a.ready.peerId)
    } finally {
      await b.stop()
      await a.stop()
    }
  })

  it('the API answers 400 naming the segment to a malformed percent-encoding in a path', async () => {
    const home = await tempDir('cli-e')
    assert.equal((await runCli(['init', '--home', home])).code, 0)
    const daemon = await spawnDaemon(home)
    try {
      const { token } = JSON.parse(await readFile(join(home, 'api.json'), 'utf8'))
      for (const segment of ['%E0%A4%A', '%', '%zz', '%C0%80', 'ok%FF']) {
        for (const path of [`/v1/deployments/${segment}`, `/v1/flists/${segment}/ls`, `/v1/store/objects/${segment}/info`]) {
          const res = await fetch(new URL(path, daemon.ready.api), { headers: { authorization: `Bearer ${token as string}` } })
          const body = await res.json() as { error: { name: string, message: string } }
          assert.equal(res.status, 400, path)
          assert.equal(body.error.name, 'BadRequest', path)
          assert.ok(body.error.message.includes(JSON.stringify(segment)), `${path}: ${body.error.message}`)
        }
      }
    } finally {
      await daemon.stop()
    }
  })

  it('the API answers each error with the status of its class: twin, storage pool, flist and contract errors', async () => {
    const home = await tempDir('cli-f')
    assert.equal((await runCli(['init', '--home', home])).code, 0)
    const daemon = await spawnDaemon(home)
    try {
      const { token } = JSON.parse(await readFile(join(home, 'api.json'), 'utf8'))
      const answer = async (method: string, path: string, body?: unknown): Promise<[number, string]> => {
        const res = await fetch(new URL(path, daemon.ready.api), { method, headers: { authorization: `Bearer ${token as string}`, 'content-type': 'application/json' }, body: body == null ? undefined : JSON.stringify(body) })
        return [res.status, (await res.json() as { error: { name: string } }).error.name]
      }
      const cases: Array<[string, string, unknown, number, string]> = [
        ['POST', '/v1/deployments', { spec: 'name: Bad' }, 400, 'SpecError'],
        ['GET', '/v1/deployments/nope', undefined, 404, 'DeploymentNotFound'],
        ['POST', '/v1/deployments/nope/renew', { lease: '2x' }, 400, 'InvalidDurationError'],
        ['POST', `/v1/contracts/${'0'.repeat(64)}/cancel`, {}, 404, 'ContractNotFound'],
        ['DELETE', '/v1/store/pools/nope', undefined, 404, 'PoolNotFound'],
        ['GET', '/v1/store/pools/nope', undefined, 404, 'PoolNotFound'],
        ['POST', '/v1/store/pools', { data: 4, parity: 2, size: '1X' }, 400, 'InvalidSizeError'],
        ['POST', '/v1/store/pools', { data: 4, parity: 2, lease: '2x' }, 400, 'InvalidDurationError'],
        ['DELETE', '/v1/flists/bafibeifngrgq7ld2txyquqcxndlx5godv3l2maov34c5cho6u42g2msdmm', undefined, 404, 'NotPinnedError']
      ]
      for (const [method, path, body, status, name] of cases) {
        assert.deepEqual(await answer(method, path, body), [status, name], `${method} ${path} ${JSON.stringify(body)}`)
      }
      assert.equal((await runCli(['store', 'pool', 'ls', '--home', home])).stdout, 'no pool; create one with p2pcloud store init --data 4 --parity 2\n')
      const show = await runCli(['store', 'pool', 'show', 'nope', '--home', home])
      assert.equal(show.code, 1)
      assert.match(show.stderr, /^error: no storage pool named "nope"/)
    } finally {
      await daemon.stop()
    }
  })
})
