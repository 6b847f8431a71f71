// Runs every compiled test file of every package and of test/ in one
// `node --test` run, so that the whole suite ends in one summary.
// Usage: node scripts/test.mjs [substring ...]  (only files whose path contains one)
import { spawn } from 'node:child_process'
import { readdirSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'

if (Number(process.versions.node.split('.')[0]) < 22) {
  console.error(`the tests need Node.js 22 or newer (this is ${process.version}); run them with "npm test", which uses the bundled Node 22`)
  process.exit(1)
}

const root = fileURLToPath(new URL('..', import.meta.url))

function testFiles (dir) {
  let entries
  try {
    entries = readdirSync(dir)
  } catch {
    return []
  }
  return entries.flatMap(name => {
    const path = join(dir, name)
    if (statSync(path).isDirectory()) return testFiles(path)
    return name.endsWith('.test.js') ? [path] : []
  })
}

const packagesDir = join(root, 'packages')
const roots = [
  ...readdirSync(packagesDir).map(name => join(packagesDir, name, 'dist', 'test')),
  join(root, 'test', 'dist')
]
const filters = process.argv.slice(2)
const files = roots.flatMap(testFiles)
  .filter(file => filters.length === 0 || filters.some(filter => file.includes(filter)))
  .sort()

if (files.length === 0) {
  console.error('no test files found; did "npm run build" run?')
  process.exit(1)
}
console.log(`running ${files.length} test files:\n${files.map(file => `  ${relative(root, file)}`).join('\n')}`)

const child = spawn(process.execPath, [
  '--test',
  '--test-reporter=spec',
  '--test-concurrency=2',
  '--test-timeout=300000', // a file's tests in all: the networks world takes ~160 s on a busy 2-core machine
  ...files
], { stdio: 'inherit', cwd: root })
child.on('exit', (code, signal) => {
  process.exit(code ?? (signal != null ? 1 : 0))
})
