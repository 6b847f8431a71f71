// Starts a many-peer p2pcloud simulation in this process on loopback TCP,
// waits for the mesh and for every directory to hold every farmer, prints a
// report and exits. Run through `npm run sim -- --peers 50 --farmers 10`, which
// builds first and puts the Node 22 of the `node` devDependency on the PATH.
import { parseArgs } from 'node:util'

const HELP = `usage: npm run sim -- [options]

Starts N real p2pcloud peers in one process, listening on 127.0.0.1 only (no
mDNS, nothing leaves this machine). Peer 0 starts alone; every later peer
bootstraps from --degree random peers started before it. --farmers of them are
farmers with countries and capacities drawn from --seed; all run what a daemon
runs (farmers advertise and book contracts, no workloads). Prints progress,
then a report, and exits.

options:
  --peers N              peers in the mesh, farmers included (default 50, 1..1000)
  --farmers M            how many of them are farmers (default 10, 0..N)
  --degree K             bootstrap peers of each new peer (default 3, 1..50)
  --seed S               seed of topology and farmer profiles (default 1)
  --concurrency C        peers started at once (default 8, 1..100)
  --timeout SECONDS      longest wait for the mesh, then for the directories (default 120)
  --advert-ttl SECONDS   farmers' advert lifetime; they re-advertise every third of it (default 600)
  --ip-colocation-penalty
                         keep gossipsub's penalty for >10 peers on one IP (all peers here
                         are 127.0.0.1, so expect gossip to break); default: 127.0.0.1 is exempt
  --json                 print the report as JSON (progress still goes to stderr)
  -h, --help             show this help`

class UsageError extends Error {}

/** A whole number in [min, max] from a flag's text, or a UsageError naming the flag. */
function wholeNumber (flag, text, min, max) {
  if (text === undefined) return undefined
  if (!/^\d+$/.test(text)) throw new UsageError(`--${flag} must be a whole number, not "${text}"`)
  const value = Number(text)
  if (value < min || value > max) throw new UsageError(`--${flag} must be between ${min} and ${max}, not ${value}`)
  return value
}

function parseOptions (argv) {
  let parsed
  try {
    parsed = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        peers: { type: 'string' },
        farmers: { type: 'string' },
        degree: { type: 'string' },
        seed: { type: 'string' },
        concurrency: { type: 'string' },
        timeout: { type: 'string' },
        'advert-ttl': { type: 'string' },
        'ip-colocation-penalty': { type: 'boolean' },
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' }
      }
    })
  } catch (err) {
    // parseArgs says e.g. "Unknown option '--peer'" or "Option '--peers <value>' argument missing"
    throw new UsageError(err.message.replace(/\. To specify a positional argument.*$/s, ''))
  }
  const { values } = parsed
  if (values.help === true) return { help: true }
  const peers = wholeNumber('peers', values.peers, 1, 1000) ?? 50
  const farmers = wholeNumber('farmers', values.farmers, 0, 1000) ?? Math.min(10, peers)
  if (farmers > peers) throw new UsageError(`--farmers (${farmers}) cannot be more than --peers (${peers}): farmers are peers too`)
  return {
    peers,
    farmers,
    degree: wholeNumber('degree', values.degree, 1, 50) ?? 3,
    seed: wholeNumber('seed', values.seed, 0, 2 ** 32 - 1) ?? 1,
    concurrency: wholeNumber('concurrency', values.concurrency, 1, 100) ?? 8,
    timeoutMs: (wholeNumber('timeout', values.timeout, 1, 3600) ?? 120) * 1000,
    advertTtlSeconds: wholeNumber('advert-ttl', values['advert-ttl'], 2, 3600),
    ipColocationPenalty: values['ip-colocation-penalty'] === true,
    json: values.json === true
  }
}

function seconds (ms) {
  return `${(ms / 1000).toFixed(2)} s`
}

function mebibytes (bytes) {
  return `${(bytes / 2 ** 20).toFixed(0)} MiB`
}

async function main () {
  let options
  try {
    options = parseOptions(process.argv.slice(2))
  } catch (err) {
    if (!(err instanceof UsageError)) throw err
    console.error(`sim: ${err.message}\nrun "npm run sim -- --help" for the options`)
    return 2
  }
  if (options.help) {
    console.log(HELP)
    return 0
  }
  if (Number(process.versions.node.split('.')[0]) < 22) {
    console.error(`sim: libp2p v3 needs Node.js 22 or newer (this is ${process.version}); run "npm run sim", which uses the bundled Node 22`)
    return 1
  }
  const { startSimulation, SimulationTimeoutError } = await import('../packages/sim/dist/src/index.js')
  const progress = (line) => { (options.json ? console.error : console.log)(line) }
  const rssBefore = process.memoryUsage().rss

  progress(`starting ${options.peers} peers (${options.farmers} farmers, degree ${options.degree}, seed ${options.seed}) on 127.0.0.1...`)
  let simulation
  let interrupted = false
  const onSignal = () => {
    if (interrupted) process.exit(130)
    interrupted = true
    progress('interrupted: stopping the peers (press Ctrl-C again to exit at once)')
    void (simulation?.stop() ?? Promise.resolve()).finally(() => process.exit(130))
  }
  process.on('SIGINT', onSignal)
  process.on('SIGTERM', onSignal)

  try {
    simulation = await startSimulation({
      peers: options.peers,
      farmers: options.farmers,
      degree: options.degree,
      seed: options.seed,
      startConcurrency: options.concurrency,
      formTimeoutMs: options.timeoutMs,
      advertTtlSeconds: options.advertTtlSeconds,
      ipColocationPenalty: options.ipColocationPenalty,
      onProgress: (event) => {
        if (event.phase === 'starting') progress(`  started ${event.started}/${event.total} peers (${seconds(event.elapsedMs)})`)
        if (event.phase === 'forming') progress(`  ${event.ready}/${event.total} peers in the capacity topic's gossip mesh (${seconds(event.elapsedMs)})`)
      }
    })
  } catch (err) {
    console.error(`sim: ${err.message}`)
    return 1
  }

  // an incomplete directory is a finding, not a failure of the run: it is reported, and the exit status stays 0
  let directoriesMs
  let problem
  if (options.farmers > 0) {
    progress(`waiting for every directory to hold all ${options.farmers} farmers...`)
    let lastPrinted = 0
    try {
      directoriesMs = await simulation.waitForDirectories(options.timeoutMs, (state) => {
        if (state.missingAdverts > 0 && state.elapsedMs - lastPrinted < 2000) return
        lastPrinted = state.elapsedMs
        progress(`  ${state.completePeers}/${state.peers} directories complete, ${state.missingAdverts} adverts missing (${seconds(state.elapsedMs)})`)
      })
    } catch (err) {
      if (!(err instanceof SimulationTimeoutError)) throw err
      const ttl = options.advertTtlSeconds ?? 600
      problem = `${err.message}. Gossip does not replay an advert to a peer that joined the topic (or its mesh) after it was published; ` +
        `such a peer learns the farmer from its next heartbeat advert (every advert-ttl/3 = ${Math.round(ttl / 3)} s) or from find()'s DHT lookup`
    }
  } else {
    directoriesMs = simulation.formedAfterMs
  }

  const connections = simulation.connectionStats()
  const rss = process.memoryUsage().rss
  const countries = {}
  for (const farmer of simulation.farmers) countries[farmer.farmer.country] = (countries[farmer.farmer.country] ?? 0) + 1
  const report = {
    peers: simulation.peers.length,
    farmers: simulation.farmers.length,
    farmersByCountry: countries,
    degree: options.degree,
    seed: options.seed,
    connectionsPerPeer: { min: connections.min, avg: Math.round(connections.avg * 10) / 10, max: connections.max },
    startedMs: Math.round(simulation.startedAfterMs),
    meshFormedMs: Math.round(simulation.formedAfterMs),
    directoriesCompleteMs: directoriesMs != null ? Math.round(directoriesMs) : null,
    rssBytes: rss,
    rssPerPeerBytes: Math.round((rss - rssBefore) / simulation.peers.length),
    ...(problem != null ? { problem } : {})
  }
  progress('stopping the peers...')
  await simulation.stop()

  if (options.json) {
    console.log(JSON.stringify(report, null, 2))
  } else {
    console.log()
    console.log(`peers                 ${report.peers} (${report.farmers} farmer${report.farmers === 1 ? '' : 's'}: ${Object.entries(countries).map(([c, n]) => `${c} ${n}`).join(', ') || 'none'})`)
    console.log(`connections per peer  min ${connections.min}, avg ${report.connectionsPerPeer.avg}, max ${connections.max}`)
    console.log(`all peers started     ${seconds(simulation.startedAfterMs)}`)
    console.log(`mesh formed           ${seconds(simulation.formedAfterMs)}  (every peer has a gossip mesh peer on the capacity topic)`)
    console.log(`directories complete  ${directoriesMs != null ? seconds(directoriesMs) : 'NOT within the timeout'}  (every peer holds all ${report.farmers} farmers' adverts)`)
    console.log(`RSS                   ${mebibytes(rss)} (${mebibytes(report.rssPerPeerBytes)} per peer above the process at start)`)
    if (problem != null) console.log(`\nnot complete: ${problem}`)
  }
  return 0
}

// exit explicitly: stopped libp2p nodes may leave timers that would keep the process alive
main().then(code => process.exit(code), err => {
  console.error(err)
  process.exit(1)
})
