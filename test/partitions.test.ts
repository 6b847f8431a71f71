import assert from 'node:assert/strict'
import { execFileSync, spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { readFile, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { canCreateNetns, createTestInternet, netnsExec, tempDir, waitFor, type TestInternet, type TestSite } from '@p2pcloud/test-utils'
import { farmerHome, runCli, spawnDaemon, type CliDaemon } from './helpers/index.js'

const netnsOk = await canCreateNetns()
/**
 * Sites per region, each region one twin and the rest farmers: P2PCLOUD_PARTITION_SITES (default
 * 6: 12 daemons, about 220 s on a loaded 2-core machine, inside the runner's 300 s per file).
 */
const PER_REGION = Number(process.env.P2PCLOUD_PARTITION_SITES ?? 6)
const REGIONS = [{ name: 'a', country: 'BE', rate: '40mbit' }, { name: 'b', country: 'DE', rate: '20mbit' }] as const
/** Packets each site drops on arrival, at random. */
const LOSS = '0.005'

interface Peer { site: TestSite, region: string, home: string, daemon?: CliDaemon }

/** GET `path` of the peer's API from inside its namespace (curl: no Node start per call, as the CLI would take). */
async function api (peer: Peer, path: string): Promise<any> {
  const { url, token } = JSON.parse(await readFile(join(peer.home, 'api.json'), 'utf8'))
  const body = await netnsExec(peer.site.netns, 'curl', '-sf', '--max-time', '20', '-H', `Authorization: Bearer ${token}`, `${url}${path}`)
  return JSON.parse(body)
}

/** What the test does, with the seconds since it started: where a slow run spends its time. */
function progress (what: string): void {
  console.log(`partitions ${(performance.now() / 1000).toFixed(1)} s: ${what}`)
}

/** `p2pcloud ARGS --json --home HOME` inside the peer's namespace: its parsed output, or its error. */
async function cli (peer: Peer, ...args: string[]): Promise<any> {
  const result = await runCli([...args, '--json', '--home', peer.home], {}, peer.site.netns)
  if (result.code !== 0) throw new Error(`p2pcloud ${args.join(' ')} on ${peer.site.name}: ${result.stderr.trim()}`)
  return JSON.parse(result.stdout)
}

/**
 * The site's link as a slow one: a token-bucket rate limit (its queue is the latency under load)
 * and random loss on arrival. This kernel has no sch_netem, so no fixed delay: tbf and
 * iptables' statistic match are what it offers.
 */
async function degrade (site: TestSite, rate: string): Promise<void> {
  await netnsExec(site.netns, 'tc', 'qdisc', 'add', 'dev', 'eth0', 'root', 'tbf', 'rate', rate, 'burst', '32kbit', 'latency', '200ms')
  await netnsExec(site.netns, 'iptables', '-A', 'INPUT', '-m', 'statistic', '--mode', 'random', '--probability', LOSS, '-j', 'DROP')
}

/** Drop every packet this site sends to `others` (each side does the same: both ways), or take the rules away again. */
async function cut (site: TestSite, others: TestSite[], on: boolean): Promise<void> {
  if (!on) {
    await netnsExec(site.netns, 'iptables', '-F', 'OUTPUT')
    return
  }
  for (const other of others) await netnsExec(site.netns, 'iptables', '-A', 'OUTPUT', '-d', other.address, '-j', 'DROP')
}

/** A deployment's watch through the twin's API, as the web UI opens it: its NDJSON lines as they come, and how it ended. */
function watch (twin: Peer, name: string, token: string, url: string): { lines: any[], ended: Promise<number | null> } {
  const child = spawn('ip', ['netns', 'exec', twin.site.netns, 'curl', '-sN', '-H', `Authorization: Bearer ${token}`, `${url}/v1/ui/deployments/${name}/watch`], { stdio: ['ignore', 'pipe', 'ignore'] })
  const lines: any[] = []
  let buffered = ''
  child.stdout.on('data', chunk => {
    buffered += chunk
    const parts = buffered.split('\n')
    buffered = parts.pop() ?? ''
    for (const part of parts) if (part !== '') lines.push(JSON.parse(part))
  })
  return { lines, ended: new Promise(resolve => child.on('exit', resolve)) }
}

const zdbSpec = (name: string, where: string, size = '16M'): string => `name: ${name}\nlease: 1h\nwhere: {${where}}\nworkloads:\n  - {name: ns, type: zdb, size: ${size}}\n`

describe('partitions', { skip: netnsOk ? false : 'needs root, iproute2, iptables and tc to build sites in network namespaces' }, () => {
  it(`${PER_REGION * 2} daemons on two regions of rate-limited, lossy sites: split in two, heal; adverts converge, nothing is double-booked, watches end and resume, storage reads survive`, async () => {
    const dir = await tempDir('partitions')
    const internet: TestInternet = await createTestInternet(REGIONS.flatMap(r => Array.from({ length: PER_REGION }, (_, i) => ({ name: `${r.name}${i}` }))))
    const peers: Peer[] = []
    // should the runner's timeout end this process, it takes its daemons and namespaces with it
    const leftovers = (): void => {
      for (const p of peers) p.daemon?.child.kill('SIGKILL')
      const namespaces = [...internet.sites.map(site => site.netns), internet.sites[0].netns.replace(/-s\d+$/, '-net')]
      for (const netns of namespaces) {
        try { execFileSync('ip', ['netns', 'del', netns]) } catch { /* already gone */ }
      }
    }
    process.once('exit', leftovers)
    try {
      for (const region of REGIONS) {
        for (let i = 0; i < PER_REGION; i++) {
          const site = internet.site(`${region.name}${i}`)
          await degrade(site, region.rate)
          // the sites have no default route: mDNS needs one for multicast
          await netnsExec(site.netns, 'ip', 'route', 'add', '224.0.0.0/4', 'dev', 'eth0')
          const home = i === 0 ? join(dir, site.name) : await farmerHome(`part-${site.name}`, { cru: 4, mru: '4G', sru: '1G', hru: '96M' }, { farm: `farm-${site.name}`, country: region.country, capabilities: ['zdb'] })
          if (i === 0) assert.equal((await runCli(['init', '--home', home])).code, 0)
          peers.push({ site, region: region.name, home })
        }
      }
      // all at once, no bootstrap list: they find each other by mDNS on the sites' shared link
      await Promise.all(peers.map(async peer => { peer.daemon = await spawnDaemon(peer.home, { netns: peer.site.netns }) }))
      const twins = peers.filter(p => p.site.name.endsWith('0'))
      const farmers = peers.filter(p => !p.site.name.endsWith('0'))
      const [twinA, twinB] = twins

      const ownSeq = async (): Promise<Map<string, number>> => new Map(await Promise.all(farmers.map(async f => {
        const advert = await api(f, '/v1/capacity')
        return [advert.peerId, advert.seq] as [string, number]
      })))
      const converged = async (): Promise<boolean> => {
        const own = await ownSeq()
        for (const twin of twins) {
          const found: any[] = await api(twin, '/v1/find?local=true&limit=100')
          const seen = new Map(found.map(e => [e.peerId, e.seq]))
          for (const [peerId, seq] of own) if (seen.get(peerId) !== seq) return false
        }
        return true
      }
      progress('all daemons started')
      await waitFor('both twins to hold every farmer\'s latest advert', converged, 60_000, 1000)
      progress('adverts converged')

      // twin A's storage pool on its own side, an object in it; a deployment on the other side, watched
      await cli(twinA, 'store', 'init', '--data', '2', '--parity', '1', '--size', '16M', '--lease', '1d', '--country', 'BE')
      const content = randomBytes(2 ** 20)
      const file = join(dir, 'object.bin')
      await writeFile(file, content)
      const stored = await cli(twinA, 'store', 'put', file)
      const objectId: string = stored.objectId
      const specFile = async (name: string, text: string): Promise<string> => { const path = join(dir, `${name}.yaml`); await writeFile(path, text); return path }
      await cli(twinA, 'deploy', await specFile('cross', zdbSpec('cross', 'country: DE')))
      const twinApi = JSON.parse(await readFile(join(twinA.home, 'api.json'), 'utf8'))
      const before = watch(twinA, 'cross', twinApi.token, twinApi.url)
      await waitFor('the watch\'s first line', async () => before.lines.length > 0)
      progress('pool, object, deployment across the regions and its watch are up')

      // split: every site of A loses every site of B
      const sitesOf = (region: string): TestSite[] => peers.filter(p => p.region === region).map(p => p.site)
      for (const peer of peers) await cut(peer.site, sitesOf(peer.region === 'a' ? 'b' : 'a'), true)
      const splitAt = Date.now()
      progress('split')
      const code = await before.ended
      console.log(`the watch across the split ended (curl exit ${code}) ${((Date.now() - splitAt) / 1000).toFixed(1)} s after it, its last line ${JSON.stringify(before.lines.at(-1)).slice(0, 200)}`)
      assert.ok(before.lines.at(-1)?.error != null, 'the watch ends with an error line, not silently')
      // each side keeps working on its own
      const got = join(dir, 'got.bin')
      await cli(twinA, 'store', 'get', objectId, '-o', got)
      assert.equal(Buffer.compare(await readFile(got), content), 0, 'the object reads back during the split')
      await cli(twinA, 'deploy', await specFile('a-during', zdbSpec('a-during', 'country: BE')))
      await cli(twinB, 'deploy', await specFile('b-during', zdbSpec('b-during', 'country: DE')))
      const across = await runCli(['deploy', await specFile('a-across', zdbSpec('a-across', 'farm: farm-b1')), '--home', twinA.home], {}, twinA.site.netns)
      assert.notEqual(across.code, 0, 'no farmer on the other side can be reached')
      console.log(`a deploy across the split: ${across.stderr.trim().slice(0, 300)}`)

      progress('each side worked on its own')
      // heal
      for (const peer of peers) await cut(peer.site, [], false)
      const healedAt = Date.now()
      await waitFor('both twins to hold every farmer\'s latest advert again', converged, 60_000, 1000)
      console.log(`adverts converged ${((Date.now() - healedAt) / 1000).toFixed(1)} s after the heal`)
      const after = watch(twinA, 'cross', twinApi.token, twinApi.url)
      await waitFor('the watch to resume with the deployment ok', async () => after.lines.some(l => l.workloads?.every((w: any) => w.state === 'ok') === true), 60_000, 500)
      await cli(twinA, 'store', 'get', objectId, '-o', got)
      assert.equal(Buffer.compare(await readFile(got), content), 0, 'the object reads back after the heal')

      // both twins race for the last room of one farmer: one gets it
      const contested = farmers.find(f => f.region === 'b') as Peer
      const farm = `farm-${contested.site.name}`
      const free = (await api(contested, '/v1/capacity')).free.hru as number
      const size = `${Math.floor(free / 2 ** 20 / 2) + 1}M`
      const race = await Promise.all(twins.map(async (twin, i) => runCli(['deploy', await specFile(`race${i}`, zdbSpec(`race${i}`, `farm: ${farm}`, size)), '--home', twin.home], {}, twin.site.netns)))
      assert.equal(race.filter(r => r.code === 0).length, 1, `exactly one of two deploys of ${size} fits in ${free} bytes: ${race.map(r => r.stderr.trim()).join(' | ')}`)
      // no farmer holds more than it has, and what it holds is what its contracts book
      for (const farmer of farmers) {
        const advert = await api(farmer, '/v1/capacity')
        const contracts: any[] = await api(farmer, '/v1/farmer/contracts')
        const booked = contracts.filter(c => c.state === 'active').reduce((sum, c) => sum + Number(c.resources.hru), 0)
        assert.ok(advert.reserved.hru <= advert.total.hru, `${farmer.site.name} reserved ${advert.reserved.hru} of ${advert.total.hru}`)
        assert.equal(advert.reserved.hru, booked, `${farmer.site.name}'s reserved HRU is what its active contracts book`)
      }
      after.ended.catch(() => {})
    } finally {
      await Promise.all(peers.map(async p => { await p.daemon?.stop() }))
      await internet.destroy()
      process.off('exit', leftovers)
      await rm(dir, { recursive: true, force: true })
    }
  })
})
