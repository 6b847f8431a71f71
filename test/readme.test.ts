import assert from 'node:assert/strict'
import { execFile, spawn } from 'node:child_process'
import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { tempDir } from '@p2pcloud/test-utils'

const root = fileURLToPath(new URL('../../', import.meta.url))
const readme = await readFile(join(root, 'README.md'), 'utf8')
const BLOCK_TIMEOUT_MS = 150_000

/**
 * The README's shell blocks marked `<!-- README test: NAME -->` on the line before their fence,
 * by name: the README's text is this test's input, so an example that stops working fails here.
 */
function markedBlocks (text: string): Map<string, string> {
  const blocks = new Map<string, string>()
  for (const match of text.matchAll(/^<!-- README test: ([a-z0-9-]+) -->\n```sh\n([\s\S]*?)^```$/gm)) {
    blocks.set(match[1], match[2])
  }
  return blocks
}

/**
 * Run a block with bash as a user would paste it, from the repository (so `npx p2pcloud` is this
 * checkout's), with `mktemp -d` making its homes under a temp directory of the test's own. bash
 * runs in a process group of its own: whatever it leaves running (a daemon the block failed to
 * stop) is stopped with that group, and a block that hangs is stopped after BLOCK_TIMEOUT_MS.
 */
async function runBlock (block: string, t: { after: (fn: () => Promise<void>) => void }): Promise<{ code: number | null, stdout: string, stderr: string }> {
  const dir = await tempDir('readme', t)
  const child = spawn('bash', ['-e', '-c', block], {
    cwd: root,
    env: { ...process.env, TMPDIR: dir, P2PCLOUD_HOME: undefined },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true
  })
  const stopGroup = (): void => {
    try {
      process.kill(-(child.pid ?? 0), 'SIGTERM')
    } catch {
      // the group is gone already
    }
  }
  t.after(async () => { stopGroup() })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', chunk => { stdout += chunk })
  child.stderr.on('data', chunk => { stderr += chunk })
  const timer = setTimeout(stopGroup, BLOCK_TIMEOUT_MS)
  const code = await new Promise<number | null>(resolve => child.on('close', resolve))
  clearTimeout(timer)
  return { code, stdout, stderr }
}

async function systemdAnalyzeMissing (): Promise<string | false> {
  try {
    await promisify(execFile)('systemd-analyze', ['--version'])
    return false
  } catch {
    return 'systemd-analyze is not installed'
  }
}

const noSystemd = await systemdAnalyzeMissing()

describe('the README\'s examples, as written', () => {
  const blocks = markedBlocks(readme)

  it('marks its runnable examples', () => {
    assert.deepEqual([...blocks.keys()].sort(), ['farmer', 'two-peers'])
  })

  it('two peers: b bootstraps from a once a is up, and lists a among its peers', async t => {
    const { code, stdout, stderr } = await runBlock(blocks.get('two-peers') ?? '', t)
    assert.equal(code, 0, `the block failed:\n${stdout}\n${stderr}`)
    // `id` prints a's id on a line of its own; `peers` of b then lists it, with the direction
    const a = stdout.match(/^(12D3KooW[1-9A-HJ-NP-Za-km-z]+)$/m)?.[1]
    assert.ok(a != null, `no peer id printed by p2pcloud id:\n${stdout}`)
    assert.match(stdout, new RegExp(`^${a} \\(outbound\\)`, 'm'), 'b lists a among its peers')
    assert.match(stdout, /^stopped$/m, 'the daemons stopped cleanly')
  })

  it('farmer: a farmer made with init --farmer advertises its capacity', async t => {
    const { code, stdout, stderr } = await runBlock(blocks.get('farmer') ?? '', t)
    assert.equal(code, 0, `the block failed:\n${stdout}\n${stderr}`)
    assert.match(stdout, /^12D3KooW\S+ {2}farm my-farm, BE$/m)
    assert.match(stdout, /^ {2}free: {2}\d+ cores, /m)
    assert.match(stdout, /^stopped$/m)
  })

  it('the systemd unit it points to passes systemd-analyze verify', { skip: noSystemd }, async t => {
    assert.match(readme, /\[`examples\/p2pcloud\.service`\]\(examples\/p2pcloud\.service\)/)
    const unit = await readFile(join(root, 'examples', 'p2pcloud.service'), 'utf8')
    for (const section of ['[Unit]', '[Service]', '[Install]']) assert.ok(unit.includes(`\n${section}\n`), section)
    // this checkout stands in for /opt/p2pcloud, so that the executables it names exist
    const dir = await tempDir('readme-unit', t)
    const path = join(dir, 'p2pcloud.service')
    await writeFile(path, unit.replaceAll('/opt/p2pcloud/', root))
    const { stderr } = await promisify(execFile)('systemd-analyze', ['verify', path]).catch(err => err)
    assert.equal(stderr.trim(), '', 'systemd-analyze verify complains')
  })
})
