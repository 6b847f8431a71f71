import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'

const run = promisify(execFile)
const root = fileURLToPath(new URL('../../../../', import.meta.url))
const protocols = join(root, 'protocols')
const generated = join(root, 'packages', 'wire', 'src', 'gen')
const protoFiles = (await readdir(protocols)).filter(name => name.endsWith('.proto')).sort()

async function protocMissing (): Promise<string | false> {
  try {
    await run('protoc', ['--version'])
    return false
  } catch {
    return 'protoc is not installed (apt-get install protobuf-compiler)'
  }
}
const noProtoc = await protocMissing()

describe('protocols/*.proto', () => {
  it('each declares its own package, p2pcloud.<protocol>.v<major>', async () => {
    for (const name of protoFiles) {
      const text = await readFile(join(protocols, name), 'utf8')
      const wanted = `package p2pcloud.${name.slice(0, -'.proto'.length).replaceAll('-', '_')}.v`
      assert.ok(text.split('\n').some(line => line.startsWith(wanted) && /^v\d+;$/.test(line.slice(wanted.length - 1))), `${name} does not declare "${wanted}<major>;"`)
    }
  })

  // Other implementations compile every file into one descriptor pool (protoc, Go's registry): a
  // message or enum name used by two files must not clash there.
  it('compile together with protoc into one namespace', { skip: noProtoc }, async () => {
    await run('protoc', ['-I', protocols, '--descriptor_set_out=/dev/null', ...protoFiles.map(name => join(protocols, name))])
  })

  // The wire bytes come from these codecs: a .proto edit that is meant to change no bytes (a
  // package, a comment) must leave them as committed.
  it('generate exactly the committed codecs with npm run protos', async (t) => {
    const out = await mkdtemp(join(tmpdir(), 'p2pcloud-protons-'))
    t.after(async () => { await rm(out, { recursive: true, force: true }) })
    await run(process.execPath, [join(root, 'scripts', 'protos.mjs'), out])
    for (const name of protoFiles) {
      const ts = name.replace(/\.proto$/, '.ts')
      assert.equal(await readFile(join(out, ts), 'utf8'), await readFile(join(generated, ts), 'utf8'),
        `npm run protos for ${name} differs from packages/wire/src/gen/${ts}; run npm run protos`)
    }
  })
})
