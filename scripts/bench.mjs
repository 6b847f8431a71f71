// Runs the benchmarks (all, or those named on the command line) and writes
// bench/results/<name>.json for each. Run through `npm run bench`, which builds
// first and puts the Node 22 of the `node` devDependency on the PATH.
import { fileURLToPath } from 'node:url'
import { benchmarks, formatSummary, toResult, writeResult } from '../packages/sim/dist/src/bench/index.js'

const resultsDir = fileURLToPath(new URL('../bench/results/', import.meta.url))

const names = process.argv.slice(2)
const unknown = names.filter(name => !benchmarks.some(benchmark => benchmark.name === name))
if (unknown.length > 0) {
  console.error(`unknown benchmark ${unknown.join(', ')}; known: ${benchmarks.map(benchmark => benchmark.name).join(', ')}`)
  process.exit(2)
}
const selected = names.length === 0 ? benchmarks : benchmarks.filter(benchmark => names.includes(benchmark.name))

const results = []
const failed = []
for (const benchmark of selected) {
  console.log(`running ${benchmark.name}...`)
  const started = performance.now()
  try {
    const result = toResult(benchmark.name, await benchmark.run())
    const path = await writeResult(resultsDir, result)
    console.log(`  ${((performance.now() - started) / 1000).toFixed(1)} s, wrote ${path}`)
    results.push(result)
  } catch (err) {
    // one benchmark that fails does not keep the others from running; its old result stays
    console.error(`  ${benchmark.name} failed: ${err.stack ?? err}`)
    failed.push(benchmark.name)
  }
}
console.log()
console.log(formatSummary(results))
if (failed.length > 0) {
  console.error(`\n${failed.length} benchmark(s) failed: ${failed.join(', ')}`)
  process.exitCode = 1
}
