// `npm start`: a small p2pcloud mesh on loopback, on this machine only.
// A 3Bot that everyone bootstraps from, farmers in several countries with
// different capacities, and a second 3Bot that joins last. Each daemon has its
// own home under .demo/ (kept between runs, so peers keep their identities).
// Prints who is who and what to try; Ctrl-C stops all.
// P2PCLOUD_DEMO_DIR chooses another directory.
import { spawn } from 'node:child_process'
import { request } from 'node:http'
import { createServer } from 'node:net'
import { randomBytes } from 'node:crypto'
import { existsSync } from 'node:fs'
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises'
import { join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

if (Number(process.versions.node.split('.')[0]) < 22) {
  console.error(`the demo needs Node.js 22 or newer (this is ${process.version}); start it with "npm start", which uses the bundled Node 22`)
  process.exit(1)
}

const root = fileURLToPath(new URL('..', import.meta.url))
const { makeBusyboxRootfs, runcUnavailable } = await import('../packages/runtime/dist/src/index.js')
const { loopMountUnavailable } = await import('../packages/farmer/dist/src/index.js')
const { networkKind } = await import('../packages/network/dist/src/index.js')
const cli = join(root, 'packages', 'cli', 'bin', 'p2pcloud.js')
const demoDir = resolve(process.env.P2PCLOUD_DEMO_DIR ?? join(root, '.demo'))
const GiB = 2 ** 30
// one machine plays many farmers: each states its capacity in config.json instead of measuring
const farmers = [
  { name: 'farmer-be-gent', farm: 'gent-dc', country: 'BE', city: 'Gent', capacity: { cru: 8, mru: 32 * GiB, sru: 1000 * GiB } },
  { name: 'farmer-be-liege', farm: 'liege-home', country: 'BE', city: 'Liege', capacity: { cru: 1, mru: 4 * GiB, sru: 250 * GiB } },
  { name: 'farmer-be-antwerp', farm: 'antwerp-rack', country: 'BE', city: 'Antwerp', capacity: { cru: 4, mru: 16 * GiB, sru: 500 * GiB, hru: 4000 * GiB } },
  { name: 'farmer-de-berlin', farm: 'berlin-1', country: 'DE', city: 'Berlin', capacity: { cru: 16, mru: 64 * GiB, sru: 2000 * GiB }, containers: true },
  { name: 'farmer-us-austin', farm: 'austin-lab', country: 'US', city: 'Austin', capacity: { cru: 2, mru: 8 * GiB, sru: 100 * GiB }, containers: true },
  { name: 'farmer-nl-amsterdam', farm: 'amsterdam-ix', country: 'NL', city: 'Amsterdam', capacity: { cru: 4, mru: 16 * GiB, sru: 500 * GiB, hru: 2000 * GiB }, gateway: true },
  { name: 'farmer-fr-paris', farm: 'paris-dc', country: 'FR', city: 'Paris', capacity: { cru: 4, mru: 8 * GiB, sru: 200 * GiB, hru: 1000 * GiB } },
  { name: 'farmer-pl-krakow', farm: 'krakow-1', country: 'PL', city: 'Krakow', capacity: { cru: 2, mru: 8 * GiB, sru: 200 * GiB, hru: 1000 * GiB } }
]
// every farmer offers zdb namespaces on its disks: the demo's 4+2 storage pool takes six of them,
// and two are left to take over shards when pool farmers stop (p2pcloud store repair)
const ZDB_HRU = 100 * GiB
// containers need root, runc and (for the demo's root filesystem) Debian's busybox-static
const noContainers = await runcUnavailable()
// a volume's size is enforced on a loop-mounted image, which needs root
const noVolumes = loopMountUnavailable()
// private networks need root and WireGuard (the kernel's, or wireguard-go and wg); the demo's run containers
const noNetworks = noContainers ?? await networkKind.missing()
const hubName = 'peer-1'
const lateName = 'my-3bot'
const count = farmers.length + 2
const children = []
let stopping = false
/** Set once the demo is up: from then on a daemon that stops cleanly does not end it. */
let meshReady = false

function runCli (args) {
  return new Promise((resolveRun, reject) => {
    const child = spawn(process.execPath, [cli, ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', chunk => { stdout += chunk })
    child.stderr.on('data', chunk => { stderr += chunk })
    child.on('exit', code => code === 0 ? resolveRun(stdout) : reject(new Error(`p2pcloud ${args.join(' ')} failed: ${stderr.trim()}`)))
  })
}

/** Start one daemon and resolve with its ready line ({peerId, addresses, api, home}). */
function startDaemon (name, bootstrap) {
  const home = join(demoDir, name)
  const args = ['start', '--json', '--home', home, '--listen', '/ip4/127.0.0.1/tcp/0', '--api', '127.0.0.1:0', '--no-mdns',
    ...(bootstrap != null ? ['--bootstrap', bootstrap] : [])]
  // own process group: Ctrl-C reaches only this script, which then stops each daemon exactly once
  const child = spawn(process.execPath, [cli, ...args], { stdio: ['ignore', 'pipe', 'pipe'], detached: true })
  children.push(child)
  let stderr = ''
  child.stderr.on('data', chunk => { stderr += chunk })
  return new Promise((resolveStart, reject) => {
    let stdout = ''
    child.stdout.on('data', chunk => {
      stdout += chunk
      const line = stdout.split('\n').find(l => l.startsWith('{'))
      if (line != null) resolveStart({ name, ...JSON.parse(line) })
    })
    child.on('exit', code => {
      if (stopping) return
      // a daemon stopped on purpose (kill -TERM, to see the mesh cope): the others carry on
      if (code === 0 && meshReady) {
        console.log(`${name} stopped; the rest of the demo mesh keeps running`)
        return
      }
      const message = `${name} exited with code ${code}: ${stderr.trim()}`
      reject(new Error(message))
      console.error(`error: ${message}`)
      void stopAll(1)
    })
  })
}

async function stopAll (exitCode) {
  if (stopping) return
  stopping = true
  const exits = children
    .filter(child => child.exitCode == null && child.signalCode == null)
    .map(child => new Promise(resolveExit => { child.on('exit', resolveExit); child.kill('SIGTERM') }))
  await Promise.all(exits)
  process.exit(exitCode)
}

/** Create a farmer's home once; write its stated capacity and what it offers into config.json at every start. */
async function initFarmer (farmer) {
  const home = join(demoDir, farmer.name)
  if (!existsSync(join(home, 'identity.key'))) await runCli(['init', '--home', home, '--farmer', '--farm', farmer.farm, '--country', farmer.country, '--city', farmer.city])
  const configPath = join(home, 'config.json')
  const config = JSON.parse(await readFile(configPath, 'utf8'))
  config.farmer.capacity = { ...config.farmer.capacity, hru: ZDB_HRU, ...farmer.capacity }
  config.farmer.capabilities = [
    ...(noVolumes === undefined ? ['volume'] : []),
    'zdb',
    ...(farmer.containers === true && noContainers === undefined ? ['container'] : []),
    ...(farmer.containers === true && noNetworks === undefined ? ['network'] : []),
    ...(farmer.gateway === true ? ['gateway'] : [])
  ]
  if (farmer.gateway === true) {
    // names under gw.localhost, on ports free now on 127.0.0.1 (there is no public name a CA could check: tls none)
    config.farmer.gatewayDomain = 'gw.localhost'
    config.farmer.gateway = { http: { host: '127.0.0.1', port: await freePort() }, https: { host: '127.0.0.1', port: await freePort() } }
  }
  await writeFile(configPath, JSON.stringify(config, null, 2) + '\n')
}

/** GET / from 127.0.0.1:port with Host `host`: the body. */
function getPage (port, host) {
  return new Promise((resolveGet, reject) => {
    const req = request({ host: '127.0.0.1', port, path: '/', headers: { host }, timeout: 5000 }, res => {
      let body = ''
      res.setEncoding('utf8')
      res.on('data', chunk => { body += chunk })
      res.on('end', () => resolveGet(body))
    })
    req.on('timeout', () => req.destroy(new Error('no answer in 5 s')))
    req.on('error', reject)
    req.end()
  })
}

async function freePort () {
  const server = createServer()
  await new Promise(resolveListen => server.listen(0, '127.0.0.1', resolveListen))
  const { port } = server.address()
  await new Promise(resolveClose => server.close(resolveClose))
  return port
}

/**
 * The gateway sample: examples/gateway.yaml (tls: none) on the gateway farmer, its names in front of
 * the network sample's "api" container; resolves with the name's URL, the page fetched through the
 * gateway and what show says of its backend.
 */
async function gatewaySample (bot, gatewayFarmer) {
  const home = ['--home', bot.home]
  if (!JSON.parse(await runCli(['ls', '--json', ...home])).some(d => d.name === 'site')) {
    await runCli(['deploy', await exampleSpec('gateway.yaml', '', gatewayFarmer.peerId, text => text.replace(/tls: terminate.*$/m, 'tls: none')), '--json', ...home])
  }
  const { http } = JSON.parse(await readFile(join(gatewayFarmer.home, 'config.json'), 'utf8')).farmer.gateway
  const deadline = Date.now() + 30_000
  let page = ''
  while (!page.includes('hello from a p2pcloud container')) {
    if (Date.now() > deadline) throw new Error(`the gateway did not serve the api's page within 30 s: ${page}`)
    await new Promise(resolveWait => setTimeout(resolveWait, 500))
    page = await getPage(http.port, 'www.gw.localhost').catch(err => err.message)
  }
  const shown = JSON.parse(await runCli(['show', 'site', '--json', ...home]))
  return { port: http.port, page, gateways: shown.gateways ?? [] }
}

/** The volume sample (examples/volume.yaml), deployed unless the 3Bot holds it already from an earlier run. */
async function deployVolumeSample (bot, sample) {
  const already = JSON.parse(await runCli(['ls', '--json', '--home', bot.home])).some(d => d.name === 'demo-data')
  if (!already) await runCli(['deploy', sample, '--json', '--home', bot.home])
  return JSON.parse(await runCli(['show', 'demo-data', '--json', '--home', bot.home]))
}

/**
 * The container sample: a busybox root filesystem with a web page, built into a flist and
 * published by the 3Bot, then examples/container.yaml with that flist deployed; resolves
 * with the deployment and the first lines of its logs (httpd answering inside its namespace).
 */
async function deployWebContainer (bot) {
  const specFile = join(demoDir, 'web.yaml')
  // kept from an earlier run: its farmer ran it again at its start
  const already = JSON.parse(await runCli(['ls', '--json', '--home', bot.home])).some(d => d.name === 'web')
  if (!already) {
    const rootfs = join(demoDir, 'web-rootfs')
    const flistFile = join(demoDir, 'web.flist')
    await rm(rootfs, { recursive: true, force: true })
    await makeBusyboxRootfs(rootfs, { files: { 'www/index.html': '<h1>hello from a p2pcloud container</h1>\n' } })
    const built = JSON.parse(await runCli(['flist', 'build', rootfs, '-o', flistFile, '--json']))
    await runCli(['flist', 'publish', flistFile, '--json', '--home', bot.home])
    await writeFile(specFile, (await readFile(join(root, 'examples', 'container.yaml'), 'utf8')).replace(/^(\s*flist:).*$/m, `$1 ${built.cid}`))
    await runCli(['deploy', specFile, '--json', '--home', bot.home])
  }
  const deadline = Date.now() + 30_000
  let logs = []
  while (!logs.some(line => line.includes('hello from a p2pcloud container'))) {
    if (Date.now() > deadline) throw new Error(`the web container's logs did not show its page within 30 s: ${logs.join(' | ')}`)
    await new Promise(resolveWait => setTimeout(resolveWait, 250))
    logs = (await runCli(['logs', 'web', '--json', '--home', bot.home])).split('\n').filter(l => l !== '')
      .map(l => Buffer.from(JSON.parse(l).data, 'base64').toString().trimEnd())
  }
  const deployed = JSON.parse(await runCli(['show', 'web', '--json', '--home', bot.home]))
  return { flist: deployed.spec.workloads[0].flist, specFile, deployed, logs }
}

/** An example spec with the demo's flist and network, placed on `farmer`; `replace` fills in the rest. */
async function exampleSpec (example, flist, farmer, replace = text => text) {
  const text = (await readFile(join(root, 'examples', example), 'utf8'))
    .replace(/^(\s*flist:).*$/m, `$1 ${flist}`)
    .replace(/^(\s*network:).*$/m, '$1 demo-net')
    .replace(/^lease:/m, `where:\n  farmer: ${farmer}\nlease:`)
  const file = join(demoDir, example)
  await writeFile(file, replace(text))
  return file
}

/**
 * The network sample: the 3Bot's private network demo-net, examples/network-api.yaml (httpd) on
 * one farmer and examples/network-client.yaml on another, which fetches the server's page over
 * WireGuard by its overlay address; resolves with that address, the client's output and the
 * network as `network show` gives it.
 */
async function networkSample (bot, flist, [serverFarmer, clientFarmer]) {
  const home = ['--home', bot.home]
  if (!JSON.parse(await runCli(['network', 'ls', '--json', ...home])).some(n => n.name === 'demo-net')) await runCli(['network', 'create', 'demo-net', '--json', ...home])
  const deployed = JSON.parse(await runCli(['ls', '--json', ...home])).map(d => d.name)
  if (!deployed.includes('api')) await runCli(['deploy', await exampleSpec('network-api.yaml', flist, serverFarmer.peerId), '--json', ...home])
  const api = JSON.parse(await runCli(['show', 'api', '--json', ...home]))
  const ip = api.spec.workloads.find(w => w.name === 'httpd').ip
  if (!deployed.includes('client')) {
    await runCli(['deploy', await exampleSpec('network-client.yaml', flist, clientFarmer.peerId, text => text.replace(/API: [0-9.]+/, `API: ${ip}`)), '--json', ...home])
  }
  const deadline = Date.now() + 60_000
  let output = ''
  while (!output.includes('hello from a p2pcloud container')) {
    if (Date.now() > deadline) throw new Error(`the client container did not fetch the api's page over demo-net within 60 s: ${output}`)
    await new Promise(resolveWait => setTimeout(resolveWait, 500))
    output = (await runCli(['logs', 'client', '--json', ...home])).split('\n').filter(l => l !== '')
      .map(l => Buffer.from(JSON.parse(l).data, 'base64').toString()).join('')
  }
  // each farmer reports its paths every few seconds: wait for both to have shaken hands
  let network = JSON.parse(await runCli(['network', 'show', 'demo-net', '--json', ...home]))
  for (const pathsDeadline = Date.now() + 20_000; Date.now() < pathsDeadline;) {
    if (network.members.every(m => (m.paths ?? []).every(p => p.path !== 'connecting'))) break
    await new Promise(resolveWait => setTimeout(resolveWait, 1000))
    network = JSON.parse(await runCli(['network', 'show', 'demo-net', '--json', ...home]))
  }
  return { ip, output, network }
}

/**
 * The storage sample: a 4+2 pool of zdb namespaces on six farmers (made once), then a file
 * stored in it and read back; resolves with the pool, the object and whether the bytes match.
 */
async function storeSample (bot) {
  const pools = JSON.parse(await runCli(['store', 'pools', '--json', '--home', bot.home]))
  const pool = pools.find(p => p.name === 'default') ?? JSON.parse(await runCli(['store', 'init', '--data', '4', '--parity', '2', '--size', '256M', '--lease', '7d', '--json', '--home', bot.home]))
  const file = join(demoDir, 'sample.bin')
  await writeFile(file, randomBytes(6 * 2 ** 20))
  const stored = JSON.parse(await runCli(['store', 'put', file, '--json', '--home', bot.home]))
  const back = join(demoDir, 'sample.back')
  const read = JSON.parse(await runCli(['store', 'get', stored.objectId, '-o', back, '--json', '--home', bot.home]))
  const same = Buffer.compare(await readFile(file), await readFile(back)) === 0
  return { pool, stored, read, same }
}

/**
 * Until the hub's directory lists every farmer. A farmer still missing after 10 s (its
 * bootstrap dial refused on a busy machine) is told to connect to the hub again.
 */
async function waitForFarmers (hub, farmerPeers) {
  const started = Date.now()
  let nudged = false
  while (true) {
    const known = new Set(JSON.parse(await runCli(['find', '--local', '--json', '--home', hub.home])).map(f => f.peerId))
    const missing = farmerPeers.filter(f => !known.has(f.peerId))
    if (missing.length === 0) return
    if (Date.now() - started > 60_000) throw new Error(`the adverts of ${missing.map(f => f.name).join(', ')} did not reach ${hub.home} within 60 s`)
    if (!nudged && Date.now() - started > 10_000) {
      nudged = true
      await Promise.all(missing.map(async f => runCli(['connect', hub.addresses[0], '--home', f.home]).catch(() => {})))
    }
    await new Promise(resolveWait => setTimeout(resolveWait, 250))
  }
}

async function connectedPeerCount (home) {
  return JSON.parse(await runCli(['peers', '--json', '--home', home])).length
}

process.on('SIGINT', () => { console.log('\nstopping the demo mesh…'); void stopAll(0) })
process.on('SIGTERM', () => { void stopAll(0) })

try {
  await mkdir(demoDir, { recursive: true })
  for (const name of [hubName, lateName]) {
    if (!existsSync(join(demoDir, name, 'identity.key'))) await runCli(['init', '--home', join(demoDir, name)])
  }
  for (const farmer of farmers) await initFarmer(farmer)
  console.log(`starting ${count} peers on 127.0.0.1 (homes under ${demoDir})…`)
  const first = await startDaemon(hubName)
  // a peer takes at most 5 new connections per second from one host (connections.inboundConnectionsPerHostPerSecond),
  // and here every farmer is the same host: launches are spread out
  const starting = []
  for (const farmer of farmers) {
    starting.push(startDaemon(farmer.name, first.addresses[0]))
    await new Promise(resolveWait => setTimeout(resolveWait, 300))
  }
  const farmerPeers = await Promise.all(starting)
  // the last 3Bot joins once the farmers have advertised: it finds them through gossip or the DHT
  await waitForFarmers(first, farmerPeers)
  const late = await startDaemon(lateName, first.addresses[0])
  const peers = [first, ...farmerPeers, late]

  // the mesh has formed when every peer is connected to all the others
  const deadline = Date.now() + 60_000
  while (true) {
    const counts = await Promise.all(peers.map(peer => connectedPeerCount(peer.home)))
    if (counts.every(n => n === count - 1)) break
    if (Date.now() > deadline) throw new Error(`the mesh did not form within 60 s (connections per peer: ${counts.join(', ')})`)
    await new Promise(resolveWait => setTimeout(resolveWait, 250))
  }

  // the 3Bot that joined last deploys a sample volume and shows its state
  const sample = join(root, 'examples', 'volume.yaml')
  const deployed = noVolumes === undefined ? await deployVolumeSample(late, sample) : undefined
  const web = noContainers === undefined ? await deployWebContainer(late) : undefined
  const networkFarmers = farmerPeers.filter(p => farmers.find(f => f.name === p.name)?.containers === true)
  const net = web !== undefined && noNetworks === undefined ? await networkSample(late, web.flist, networkFarmers) : undefined
  const gatewayFarmer = farmerPeers.find(p => farmers.find(f => f.name === p.name)?.gateway === true)
  const gateway = net !== undefined ? await gatewaySample(late, gatewayFarmer) : undefined
  const storage = await storeSample(late)
  if (!storage.same) throw new Error(`the stored sample ${storage.stored.objectId} did not read back identical`)

  const show = home => relative(process.cwd(), home) || '.'
  console.log(`\np2pcloud demo mesh is up: ${count} peers, each connected to the ${count - 1} others\n`)
  for (const peer of peers) {
    const token = JSON.parse(await readFile(join(peer.home, 'api.json'), 'utf8')).token
    const farmer = farmers.find(f => f.name === peer.name)
    const role = farmer != null ? `farmer ${farmer.farm}, ${farmer.city} ${farmer.country}: ${farmer.capacity.cru} core${farmer.capacity.cru === 1 ? "" : "s"}, ${farmer.capacity.mru / GiB} GiB RAM` : '3Bot'
    console.log(`${peer.name.padEnd(18)} ${peer.peerId}  (${role})`)
    console.log(`${''.padEnd(18)} listens on ${peer.addresses.join(' ')}`)
    console.log(`${''.padEnd(18)} API ${peer.api} (token ${token.slice(0, 6)}… in ${show(join(peer.home, 'api.json'))})`)
  }
  const bot = show(late.home)
  if (deployed !== undefined) {
    console.log(`\n${lateName} deployed ${show(sample)}: "${deployed.name}" on ${farmerPeers.find(p => p.peerId === deployed.farmer)?.name ?? deployed.farmer}, contract ${deployed.contract.state}`)
    for (const w of deployed.status.workloads) console.log(`  ${w.name} (${w.type}): ${w.state}${w.message !== '' ? ` - ${w.message}` : ''}`)
  } else {
    console.log(`\nno volume sample: ${noVolumes}; a farmer enforces a volume's size on a loop-mounted image, so it offers volumes only as root`)
  }
  if (web !== undefined) {
    console.log(`${lateName} runs the container sample "web" (${show(web.specFile)}) on ${farmerPeers.find(p => p.peerId === web.deployed.farmer)?.name ?? web.deployed.farmer}, contract ${web.deployed.contract.state}; its root filesystem is flist ${web.flist}, a busybox tree ${lateName} built and published`)
    for (const w of web.deployed.status.workloads) console.log(`  ${w.name} (${w.type}): ${w.state}${w.message !== '' ? ` - ${w.message}` : ''}`)
    console.log('  the end of its logs (httpd answering inside the container):')
    for (const line of web.logs.join('\n').split('\n').slice(-4)) console.log(`    ${line}`)
  } else {
    console.log(`no container sample: ${noContainers}; containers need root with runc and busybox-static (apt-get install runc busybox-static)`)
  }
  const farmerName = id => farmerPeers.find(p => p.peerId === id)?.name ?? id
  if (net !== undefined) {
    console.log(`${lateName}'s private network demo-net (${net.network.range}): "api" (examples/network-api.yaml) on ${networkFarmers[0].name} at ${net.ip}, "client" (examples/network-client.yaml) on ${networkFarmers[1].name}; the client fetched the api's page over WireGuard:`)
    console.log(`    ${net.output.split('\n').find(line => line.includes('hello')) ?? ''}`)
    for (const member of net.network.members.filter(m => m.paths !== undefined)) {
      console.log(`  ${farmerName(member.peerId)} (${member.cidr}): ${member.paths.map(p => `${farmerName(p.peerId)} ${p.path}`).join(', ')}`)
    }
  } else if (web !== undefined) {
    console.log(`no network sample: ${noNetworks}; private networks need root and WireGuard (apt-get install wireguard-go wireguard-tools)`)
  }
  if (gateway !== undefined) {
    console.log(`${lateName}'s web names (examples/gateway.yaml) on the gateway ${gatewayFarmer.name}, in front of "api" on ${networkFarmers[0].name} through the mesh:`)
    for (const g of gateway.gateways) console.log(`  ${g.name}: ${g.url}  backend ${g.backend}`)
    console.log(`  curl --resolve www.gw.localhost:${gateway.port}:127.0.0.1 http://www.gw.localhost:${gateway.port}/   # ${gateway.page.trim()}`)
  }
  console.log(`${lateName} stores objects in a ${storage.pool.dataShards}+${storage.pool.parityShards} pool on ${storage.pool.members.map(m => farmerName(m.farmer)).join(', ')}`)
  console.log(`  stored ${show(join(demoDir, 'sample.bin'))} as ${storage.stored.objectId} (${storage.stored.size} bytes, encrypted, ${storage.stored.segments} segment(s)) in ${storage.stored.seconds.toFixed(2)} s; read back identical in ${storage.read.seconds.toFixed(2)} s`)
  const gent = show(farmerPeers[0].home)
  console.log(`
try, in another terminal from ${root}:
  npx p2pcloud --home ${bot} find --country BE --cru 2          # BE farmers with 2+ free cores
  npx p2pcloud --home ${bot} find --country BE --cru 2 --json
  npx p2pcloud --home ${bot} find --mru 16G --sort free
  npx p2pcloud --home ${bot} show demo-data                      # the sample deployment, live
  npx p2pcloud --home ${bot} deploy examples/volume.yaml        # (after: rm demo-data)
${web !== undefined ? `  npx p2pcloud --home ${bot} logs web --follow                  # the container's output (Ctrl-C ends)
  npx p2pcloud --home ${bot} flist ls ${web.flist} /www
  npx p2pcloud --home ${bot} exec web -- ls /www                 # a command in the container (-t for a terminal; its exit code passes through)
  npx p2pcloud --home ${bot} rm web                              # stops it, removes it and its cgroup
` : ''}${net !== undefined ? `  npx p2pcloud --home ${bot} network show demo-net              # members, their /24s, each pair's path (direct or relayed)
  npx p2pcloud --home ${bot} logs client                         # the page fetched over the private network
  npx p2pcloud --home ${bot} network join demo-net               # this machine joins too (a WireGuard device and a route to ${net.network.range} here)
  wget -qO- http://${net.ip}:8080/                              # then the api's page from this shell; network leave demo-net undoes it
` : ''}${gateway !== undefined ? `  npx p2pcloud --home ${bot} find --capability gateway          # gateways and their domains
  npx p2pcloud --home ${bot} show site                           # each name's URL, and whether its backend answers
` : ''}  npx p2pcloud --home ${bot} store ls                            # the objects in the 4+2 pool
  npx p2pcloud --home ${bot} store status ${storage.stored.objectId}
  npx p2pcloud --home ${bot} store get ${storage.stored.objectId} -o /tmp/sample.bin
  npx p2pcloud --home ${bot} store pool show                      # the pool's use and health, namespace by namespace
  npx p2pcloud --home ${bot} deploy examples/zdb.yaml             # a key/value namespace of your own, then:
  npx p2pcloud --home ${bot} zdb set kv/kv greeting hello ; npx p2pcloud --home ${bot} zdb get kv/kv greeting
  npx p2pcloud --home ${bot} contracts                            # this 3Bot's contracts, as its farmers hold them
${deployed !== undefined ? `  npx p2pcloud --home ${bot} contracts cancel ${deployed.contractId}   # ends demo-data's contract; its volume goes with it
` : ''}  npx p2pcloud --home ${gent} farmer contracts
  npx p2pcloud --home ${gent} capacity                          # a farmer's own advert
  npx p2pcloud --home ${bot} ui                                 # the web UI: prints (and opens) a one-time login link
  npx p2pcloud --home ${bot} status
  curl -s -H "authorization: Bearer $(node -p "JSON.parse(require('fs').readFileSync('${bot}/api.json')).token")" "$(node -p "JSON.parse(require('fs').readFileSync('${bot}/api.json')).url")/metrics" | grep '^p2pcloud_'   # Prometheus metrics
  npx p2pcloud --home ${gent} stop                              # a farmer leaves cleanly: its signed leaving advert takes it out of every find
  npx p2pcloud --home ${bot} peers
  export P2PCLOUD_HOME=${bot}   # then plain "npx p2pcloud find"

or start a peer of your own and join this mesh:
  npx p2pcloud init --home /tmp/my-peer
  npx p2pcloud start --home /tmp/my-peer --no-mdns --listen /ip4/127.0.0.1/tcp/0 --bootstrap ${first.addresses[0]}

demo mesh ready; press Ctrl-C to stop it`)
  meshReady = true
} catch (err) {
  console.error(`error: ${err.message}`)
  await stopAll(1)
}
