// `npm start`: a small p2pcloud mesh on loopback, on this machine only.
// Three daemons, each with its own home under .demo/ (kept between runs, so
// the peers keep their identities), the second and third bootstrapping from the
// first. Prints who is who and how to point the CLI at each; Ctrl-C stops all.
// P2PCLOUD_DEMO_DIR chooses another directory; P2PCLOUD_DEMO_PEERS another count (≥ 3).
import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdir, readFile } from 'node:fs/promises'
import { join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

if (Number(process.versions.node.split('.')[0]) < 22) {
  console.error(`the demo needs Node.js 22 or newer (this is ${process.version}); start it with "npm start", which uses the bundled Node 22`)
  process.exit(1)
}

const root = fileURLToPath(new URL('..', import.meta.url))
const cli = join(root, 'packages', 'cli', 'bin', 'p2pcloud.js')
const demoDir = resolve(process.env.P2PCLOUD_DEMO_DIR ?? join(root, '.demo'))
const count = Math.max(3, Number(process.env.P2PCLOUD_DEMO_PEERS ?? 3))
const names = Array.from({ length: count }, (_, i) => `peer-${i + 1}`)
const children = []
let stopping = false

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

async function connectedPeerCount (home) {
  return JSON.parse(await runCli(['peers', '--json', '--home', home])).length
}

process.on('SIGINT', () => { console.log('\nstopping the demo mesh…'); void stopAll(0) })
process.on('SIGTERM', () => { void stopAll(0) })

try {
  await mkdir(demoDir, { recursive: true })
  for (const name of names) {
    if (!existsSync(join(demoDir, name, 'identity.key'))) await runCli(['init', '--home', join(demoDir, name)])
  }
  console.log(`starting ${count} peers on 127.0.0.1 (homes under ${demoDir})…`)
  const first = await startDaemon(names[0])
  const rest = await Promise.all(names.slice(1).map(name => startDaemon(name, first.addresses[0])))
  const peers = [first, ...rest]

  // the mesh has formed when every peer is connected to all the others
  const deadline = Date.now() + 30_000
  while (true) {
    const counts = await Promise.all(peers.map(peer => connectedPeerCount(peer.home)))
    if (counts.every(n => n === count - 1)) break
    if (Date.now() > deadline) throw new Error(`the mesh did not form within 30 s (connections per peer: ${counts.join(', ')})`)
    await new Promise(resolveWait => setTimeout(resolveWait, 250))
  }

  const show = home => relative(process.cwd(), home) || '.'
  console.log(`\np2pcloud demo mesh is up: ${count} peers, each connected to the ${count - 1} others\n`)
  for (const peer of peers) {
    const token = JSON.parse(await readFile(join(peer.home, 'api.json'), 'utf8')).token
    console.log(`${peer.name}  ${peer.peerId}`)
    console.log(`        listens on ${peer.addresses.join(' ')}`)
    console.log(`        API        ${peer.api} (token ${token.slice(0, 6)}… in ${show(join(peer.home, 'api.json'))})`)
  }
  const second = show(peers[1].home)
  console.log(`
try, in another terminal from ${root}:
  npx p2pcloud --home ${second} status
  npx p2pcloud --home ${second} peers
  npx p2pcloud --home ${second} id --json
  export P2PCLOUD_HOME=${second}   # then plain "npx p2pcloud peers"

or start a peer of your own and join this mesh:
  npx p2pcloud init --home /tmp/my-peer
  npx p2pcloud start --home /tmp/my-peer --no-mdns --listen /ip4/127.0.0.1/tcp/0 --bootstrap ${first.addresses[0]}

demo mesh ready; press Ctrl-C to stop it`)
} catch (err) {
  console.error(`error: ${err.message}`)
  await stopAll(1)
}
