import { startSimulation, drawFarmerProfile, seededRandom } from '/work/main/packages/sim/dist/src/index.js'
const sim = await startSimulation({ peers: 30, farmers: 0, seed: 7, advertTtlSeconds: 3600 })
await sim.waitForQuiet(3000, 180000)
console.error('=== adding farmers', new Date().toISOString())
const r = seededRandom(3)
for (let i = 0; i < 4; i++) await sim.addPeer({ farmer: { ...drawFarmerProfile(i, r), country: 'BE' } })
await new Promise(r => setTimeout(r, 8000))
await sim.stop(); process.exit(0)
