import assert from 'node:assert/strict'
import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { tempDir } from '@p2pcloud/test-utils'
import { z } from 'zod'
import { applyOverrides, coreConfigFields, defaultConfig, initHome, readConfig, startHomePeer } from '../src/index.js'

async function tempHome (): Promise<string> {
  return tempDir('config')
}

describe('config.json', () => {
  it('init writes every default out, and reading it back gives the defaults', async () => {
    const home = await tempHome()
    const { paths } = await initHome(home)
    const written = JSON.parse(await readFile(paths.config, 'utf8'))
    assert.deepEqual(written, defaultConfig())
    assert.deepEqual(await readConfig(paths.config), defaultConfig())
    for (const section of ['listen', 'bootstrap', 'api', 'mdns', 'relay', 'autonat', 'dht', 'connections']) {
      assert.ok(section in written, `config.json lacks "${section}"`)
    }
  })

  it('corrupt JSON fails with a message naming the file, and the file is left as it was', async () => {
    const home = await tempHome()
    const { paths } = await initHome(home)
    await writeFile(paths.config, '{"listen": [')
    await assert.rejects(readConfig(paths.config), (err: Error) => {
      assert.equal(err.name, 'ConfigError')
      assert.match(err.message, new RegExp(`${paths.config}: not valid JSON`))
      return true
    })
    await assert.rejects(startHomePeer(home), { name: 'ConfigError' })
    assert.equal(await readFile(paths.config, 'utf8'), '{"listen": [')
  })

  it('a bad value is reported with the field path and the offending text', async () => {
    const home = await tempHome()
    const { paths } = await initHome(home)
    const config = JSON.parse(await readFile(paths.config, 'utf8'))
    config.listen[1] = '/ip4/not-an-ip/tcp/1'
    config.connections.maxConnections = -3
    await writeFile(paths.config, JSON.stringify(config))
    await assert.rejects(readConfig(paths.config), (err: Error) => {
      assert.equal(err.name, 'ConfigError')
      assert.match(err.message, /listen\.1: invalid multiaddr "\/ip4\/not-an-ip\/tcp\/1"/)
      assert.match(err.message, /connections\.maxConnections/)
      return true
    })
  })

  it('unknown keys are refused rather than silently ignored (a typo must not pass)', async () => {
    const home = await tempHome()
    const { paths } = await initHome(home)
    await writeFile(paths.config, JSON.stringify({ ...defaultConfig(), bootstarp: [] }))
    await assert.rejects(readConfig(paths.config), /bootstarp/)
  })

  it('a bootstrap entry must name its peer', async () => {
    const home = await tempHome()
    const { paths } = await initHome(home)
    await writeFile(paths.config, JSON.stringify({ ...defaultConfig(), bootstrap: ['/ip4/127.0.0.1/tcp/4050'] }))
    await assert.rejects(readConfig(paths.config), /bootstrap\.0: .*no \/p2p\/<peer id> part/)
  })

  it('missing sections take their defaults, so a hand-written minimal file works', async () => {
    const home = await tempHome()
    await writeFile(join(home, 'config.json'), JSON.stringify({ listen: ['/ip4/127.0.0.1/tcp/0'] }))
    const config = await readConfig(join(home, 'config.json'))
    assert.deepEqual(config.listen, ['/ip4/127.0.0.1/tcp/0'])
    assert.deepEqual(config.connections, defaultConfig().connections)
  })

  it('a section the core peer does not know (a domain\'s, such as farmer) is refused unless the schema given adds it', async () => {
    const home = await tempHome()
    await writeFile(join(home, 'config.json'), JSON.stringify({ farmer: { enabled: false } }))
    await assert.rejects(readConfig(join(home, 'config.json')), /farmer/)
    const withFarmer = z.object({ ...coreConfigFields, farmer: z.object({ enabled: z.boolean() }).strict() }).strict()
    assert.deepEqual((await readConfig(join(home, 'config.json'), withFarmer)).farmer, { enabled: false })
    await writeFile(join(home, 'config.json'), JSON.stringify({ farmer: { enabled: 1 } }))
    await assert.rejects(readConfig(join(home, 'config.json'), withFarmer), /farmer\.enabled: /)
  })

  it('command-line overrides replace listen, add to bootstrap and flip switches', () => {
    const base = { ...defaultConfig(), bootstrap: ['/ip4/127.0.0.1/tcp/1/p2p/12D3KooWEWcppHDauGiFYxZxRWJhp7i5jPqpyfQhCaeFxPdEtyG1'] }
    const extra = '/ip4/127.0.0.1/tcp/2/p2p/12D3KooWRV45EWTbALaogWZG8zKrmGZYCx2YXif3ALsFKM422ECL'
    const config = applyOverrides(base, { listen: ['/ip4/127.0.0.1/tcp/0'], bootstrap: [extra], mdns: false, relayServer: true, api: { port: 5050 } }, 'test')
    assert.deepEqual(config.listen, ['/ip4/127.0.0.1/tcp/0'])
    assert.equal(config.bootstrap.length, 2)
    assert.equal(config.mdns.enabled, false)
    assert.equal(config.relay.server, true)
    assert.deepEqual(config.api, { host: '127.0.0.1', port: 5050 })
  })

  it('a missing home says to run init', async () => {
    const home = join(await tempHome(), 'nowhere')
    await assert.rejects(startHomePeer(home), (err: Error) => {
      assert.equal(err.name, 'HomeNotInitialisedError')
      assert.match(err.message, /p2pcloud init/)
      return true
    })
  })
})
