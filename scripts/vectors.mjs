// Writes the protocol test vectors, protocols/vectors/<protocol>/*.json (format of
// protocols/README.md §8.1), with the generators that sit next to the vector tests that check
// them, packages/<package>/test/<protocol>-vectors.ts. Deterministic: running it again writes the
// same bytes, so `git diff protocols/vectors` after it shows what a change does to the wire.
// Usage: npm run vectors (builds first), or node scripts/vectors.mjs [generator ...] after a build.
import { writeVectors } from '../packages/test-utils/dist/src/index.js'

// in this order: the deployment vectors read the contract vectors
const generators = {
  capacity: '../packages/capacity/dist/test/capacity-vectors.js',
  contract: '../packages/contracts/dist/test/contract-vectors.js',
  deployment: '../packages/farmer/dist/test/deployment-vectors.js',
  container: '../packages/runtime/dist/test/container-vectors.js',
  flist: '../packages/flist/dist/test/flist-vectors.js',
  zdb: '../packages/zdb/dist/test/zdb-vectors.js',
  'network-relay': '../packages/network/dist/test/network-relay-vectors.js',
  'network-data': '../packages/network/dist/test/network-data-vectors.js',
  'gateway-tunnel': '../packages/network/dist/test/gateway-tunnel-vectors.js'
}

const wanted = process.argv.slice(2)
const unknown = wanted.filter(name => !(name in generators))
if (unknown.length > 0) {
  console.error(`no generator ${unknown.join(', ')}; the generators are ${Object.keys(generators).join(', ')}`)
  process.exit(1)
}
for (const [name, module] of Object.entries(generators)) {
  if (wanted.length > 0 && !wanted.includes(name)) continue
  const { generateVectors } = await import(module)
  for (const [path, content] of Object.entries(await generateVectors())) {
    writeVectors(path, content)
    console.log(`wrote protocols/vectors/${path} (${content.vectors.length} vectors)`)
  }
}
