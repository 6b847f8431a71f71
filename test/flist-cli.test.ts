import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { access, mkdir, readFile, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { promisify } from 'node:util'
import { tempDir, waitFor } from '@p2pcloud/test-utils'
import { makeEveryKindTree, treeOf } from './helpers/flist.js'
import { runCli, spawnDaemon, type CliDaemon, type CliResult } from './helpers/index.js'

/** The command failed with one clear `error:` line (after any progress lines) on stderr matching `expected`, and printed no result. */
function assertFails (result: CliResult, expected: RegExp, what: string): void {
  assert.notEqual(result.code, 0, what)
  assert.match(result.stderr.trimEnd().split('\n').at(-1) ?? '', /^error: /, what)
  assert.match(result.stderr, expected, what)
  assert.equal(result.stdout, '', what)
}

const escaped = (text: string): string => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')

/** Runs `p2pcloud flist …` and parses its --json result, failing with its stderr when it fails. */
async function flistJson (home: string, ...args: string[]): Promise<any> {
  const result = await runCli(['flist', ...args, '--json', '--home', home])
  assert.equal(result.code, 0, `flist ${args.join(' ')}: ${result.stderr}`)
  return JSON.parse(result.stdout)
}

describe('p2pcloud flist against two daemons', () => {
  let work: string
  let homeA: string
  let homeB: string
  const daemons: CliDaemon[] = []
  let src: string
  let cid: string

  before(async () => {
    work = await tempDir('flist-cli')
    homeA = join(work, 'a')
    homeB = join(work, 'b')
    for (const home of [homeA, homeB]) assert.equal((await runCli(['init', '--home', home])).code, 0)
    const a = await spawnDaemon(homeA)
    daemons.push(a, await spawnDaemon(homeB, { args: ['--bootstrap', a.ready.addresses[0]] }))
    src = join(work, 'src')
    await mkdir(src)
    await makeEveryKindTree(src)
    await waitFor('B to be connected to A', async () => {
      const peers = JSON.parse((await runCli(['peers', '--json', '--home', homeB])).stdout)
      return peers.some((p: any) => p.peerId === a.ready.peerId)
    })
  })

  after(async () => {
    for (const daemon of daemons) assert.equal(await daemon.stop(), 0, 'a daemon stops cleanly')
    await rm(work, { recursive: true, force: true })
  })

  it('build needs no daemon and names the flist; publish on A pins it; ls without a CID lists the pins', async () => {
    const file = join(work, 'tree.flist')
    const built = await flistJson(work, 'build', src, '-o', file)
    assert.match(built.cid, /^bafib/)
    assert.equal(built.output, file)
    assert.equal(built.files, 3, 'big.bin, empty, tool (tool-link is a hard link)')
    cid = built.cid

    const published = await flistJson(homeA, 'publish', file)
    assert.equal(published.cid, cid)
    assert.equal(published.provided, true)
    assert.deepEqual((await flistJson(homeA, 'ls')).map((p: any) => p.cid), [cid])
    assert.deepEqual(await flistJson(homeB, 'ls'), [], 'B published nothing')
    const none = await runCli(['flist', 'ls', '--home', homeB])
    assert.equal(none.stdout, 'no flist published on this peer\n')
  })

  it('on B: ls of a directory and of a file, cat, and get write what A published', async () => {
    const root = await flistJson(homeB, 'ls', cid)
    assert.deepEqual(root.entries.map((e: any) => [e.path, e.type]), [['bin', 'dir'], ['data', 'dir'], ['hostname', 'symlink'], ['tmp', 'dir']])
    assert.equal(root.entries.find((e: any) => e.path === 'tmp').mode, '1777')
    assert.equal(root.entries.find((e: any) => e.path === 'hostname').target, '/etc/hostname')

    const data = await flistJson(homeB, 'ls', cid, 'data')
    assert.deepEqual(data.entries.map((e: any) => e.path), ['data/big.bin', 'data/empty', 'data/empty-dir', 'data/tool'])
    const [tool] = (await flistJson(homeB, 'ls', cid, '/bin/tool')).entries
    assert.deepEqual([tool.path, tool.type, tool.mode, tool.uid, tool.gid, tool.size], ['bin/tool', 'file', '4755', 1000, 1001, 20])

    const human = await runCli(['flist', 'ls', cid, 'bin', '--home', homeB])
    assert.equal(human.code, 0, human.stderr)
    assert.match(human.stdout, /^-rwxr-xr-x +1000 +1001 .* bin\/tool\n/m)
    assert.match(human.stdout, /^h.* bin\/tool-link => bin\/tool\n/m)

    for (const path of ['bin/tool', 'bin/tool-link']) {
      const cat = await runCli(['flist', 'cat', cid, path, '--home', homeB])
      assert.equal(cat.code, 0, cat.stderr)
      assert.equal(cat.stdout, await readFile(join(src, 'bin/tool'), 'utf8'), path)
    }

    const out = join(work, 'out')
    const got = await flistJson(homeB, 'get', cid, out)
    const tree = await treeOf(src)
    assert.deepEqual([got.cid, got.dir, got.entries], [cid, out, Object.keys(tree).length])
    assert.deepEqual(await treeOf(out), tree)

    // without --json the progress goes to stderr and the result to stdout
    const again = await runCli(['flist', 'get', cid, join(work, 'out-human'), '--home', homeB])
    assert.equal(again.code, 0, again.stderr)
    assert.match(again.stdout, new RegExp(`^${cid}: \\d+ entries, .* written to ${join(work, 'out-human')}\n$`))
    assert.match(again.stderr, /writing: /)
  })

  it('bad CIDs, missing paths and files that are not images fail with a clear error', async () => {
    assertFails(await runCli(['flist', 'ls', 'not-a-cid', '--home', homeB]), /not a CID: "not-a-cid"/, 'ls of a bad CID')
    assertFails(await runCli(['flist', 'get', 'bafynope', join(work, 'never'), '--home', homeB]), /not a CID/, 'get of a bad CID')
    assertFails(await runCli(['flist', 'ls', cid, 'no/such/dir', '--home', homeB]), /no\/such\/dir: no such file or directory in the flist/, 'ls of a missing path')
    assertFails(await runCli(['flist', 'cat', cid, 'data/missing', '--home', homeB]), /data\/missing: no such file in the flist/, 'cat of a missing path')
    assertFails(await runCli(['flist', 'cat', cid, 'data', '--home', homeB]), /data: is a directory/, 'cat of a directory')
    assertFails(await runCli(['flist', 'get', cid, join(work, 'out'), '--home', homeB]), /is not empty/, 'get into a non-empty directory')

  })

  it('build --oci of a tarball that is not an image fails clearly and writes nothing', async () => {
    // a real tar (of the test tree's bin/) without index.json or manifest.json
    const plain = join(work, 'plain.tar')
    await promisify(execFile)('tar', ['-cf', plain, '-C', src, 'bin'])
    const output = join(work, 'plain.flist')
    assertFails(await runCli(['flist', 'build', '--oci', plain, '-o', output]), /the image has no index\.json/, 'build --oci of a plain tar')
    await assert.rejects(access(output), { code: 'ENOENT' })
  })

  // not the parsers' own words (tar-stream's, @ipld/car's "Unexpected end of data"): the file and what it should be
  it('build --oci and publish of a text file name the file and what it should be', async () => {
    const text = join(work, 'text.txt')
    await writeFile(text, 'just some text, neither a tarball nor a flist\n')
    assertFails(await runCli(['flist', 'build', '--oci', text, '-o', join(work, 'text.flist')]), new RegExp(`${escaped(text)} is not an image tarball`), 'build --oci of a text file')
    assertFails(await runCli(['flist', 'publish', text, '--home', homeA]), new RegExp(`${escaped(text)} is not a flist file`), 'publish of a text file')
  })

  it('unpin forgets the pin; unpinning it again is an error', async () => {
    assert.deepEqual(await flistJson(homeA, 'unpin', cid), { unpinned: cid })
    assert.deepEqual(await flistJson(homeA, 'ls'), [])
    assertFails(await runCli(['flist', 'unpin', cid, '--home', homeA]), /is not pinned on this peer/, 'a second unpin')
  })
})
