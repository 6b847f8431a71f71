#!/usr/bin/env node
// Entry point kept as plain JavaScript outside dist/ so that npm can link the
// command before the first build, and so that an old Node gets a clear message.
const major = Number(process.versions.node.split('.')[0])
if (major < 22) {
  console.error(`error: p2pcloud needs Node.js 22 or newer (this is ${process.version}). From the repository, run it as "npx p2pcloud" (npm puts the bundled Node 22 first on PATH), or install Node 22.`)
  process.exit(1)
}
try {
  await import('../dist/src/bin.js')
} catch (err) {
  if (err?.code === 'ERR_MODULE_NOT_FOUND' && String(err.message).includes('dist/src/bin.js')) {
    console.error('error: p2pcloud is not built yet; run "npm run build" in the repository first')
    process.exit(1)
  }
  throw err
}
