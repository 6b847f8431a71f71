// Regenerates the protons codecs of @p2pcloud/wire from protocols/*.proto.
// Usage: npm run protos, or node scripts/protos.mjs [OUT_DIR] (default packages/wire/src/gen).
// Each .proto declares `package p2pcloud.<protocol>.v1;` so that other implementations can compile
// them all into one namespace, but protons 9 cannot compile a package declaration (it takes the
// package for a message). A package changes no byte on the wire and protons emits top-level names
// only, so each file is compiled from a copy without its package line.
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { generate } from 'protons'

const root = fileURLToPath(new URL('..', import.meta.url))
const protocols = join(root, 'protocols')
const output = process.argv[2] ?? join(root, 'packages', 'wire', 'src', 'gen')
const PACKAGE_LINE = /^package p2pcloud\.[a-z_]+\.v[0-9]+;\n/m

const work = await mkdtemp(join(tmpdir(), 'p2pcloud-protos-'))
try {
  for (const name of (await readdir(protocols)).filter(file => file.endsWith('.proto')).sort()) {
    const text = await readFile(join(protocols, name), 'utf8')
    if (!PACKAGE_LINE.test(text)) throw new Error(`protocols/${name} has no "package p2pcloud.<protocol>.v<major>;" line`)
    await writeFile(join(work, name), text.replace(PACKAGE_LINE, ''))
    await generate(join(work, name), { output })
  }
} finally {
  await rm(work, { recursive: true, force: true })
}
