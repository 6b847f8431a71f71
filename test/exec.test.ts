import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { readFile, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import type { Libp2p, Stream } from '@libp2p/interface'
import { peerIdFromString } from '@libp2p/peer-id'
import { ApiClient } from '@p2pcloud/api'
import { multiaddr } from '@multiformats/multiaddr'
import { noise } from '@chainsafe/libp2p-noise'
import { tcp } from '@libp2p/tcp'
import { yamux } from '@libp2p/yamux'
import { createLibp2p } from 'libp2p'
import { readIdentityFile } from '@p2pcloud/node'
import { ExecClient, makeBusyboxRootfs, runcUnavailable } from '@p2pcloud/runtime'
import { barePeer } from '@p2pcloud/sim'
import { tempDir, waitFor } from '@p2pcloud/test-utils'
import { EXEC_LIMITS, EXEC_PROTOCOL, contractIdToBytes, execMessages, frameOf, readFrames, streamDuplex, varintBytes, writeBytes } from '@p2pcloud/wire'
import { CLI, farmerHome, runCli, spawnDaemon, type CliDaemon, type CliResult } from './helpers/index.js'

const skip = await runcUnavailable()

function ok (result: CliResult, what: string): string {
  assert.equal(result.code, 0, `${what}: ${result.stderr}`)
  return result.stdout
}

/** `input | p2pcloud ARGS`, as a shell pipes it. */
async function piped (input: string | Buffer, args: string[]): Promise<CliResult & { stdoutBytes: Buffer }> {
  const child = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, P2PCLOUD_HOME: undefined }, stdio: ['pipe', 'pipe', 'pipe'] })
  const out: Buffer[] = []
  let stderr = ''
  child.stdout.on('data', (chunk: Buffer) => out.push(chunk))
  child.stderr.on('data', chunk => { stderr += chunk })
  child.stdin.end(input)
  const code = await new Promise<number | null>(resolve => child.on('exit', resolve))
  const stdoutBytes = Buffer.concat(out)
  return { code, stdout: stdoutBytes.toString(), stdoutBytes, stderr }
}

/** A message as a frame's bytes. */
const framed = (message: Uint8Array): Uint8Array => frameOf(message).subarray()

/** What a farmer answers a hand-made session (`bytes` written as they are): its frames until it closes, or how the stream ended. */
async function session (peer: Libp2p, farmer: string, address: string, bytes: Uint8Array[]): Promise<{ outputs: execMessages.ExecOutput[], ended: string }> {
  await peer.dial(multiaddr(address))
  const stream: Stream = await peer.dialProtocol(peerIdFromString(farmer), EXEC_PROTOCOL)
  const duplex = streamDuplex(stream)
  duplex.on('error', () => {})
  const outputs: execMessages.ExecOutput[] = []
  try {
    for (const chunk of bytes) await writeBytes(duplex, chunk)
    for await (const frame of readFrames(duplex, EXEC_LIMITS.maxOutputBytes)) outputs.push(execMessages.ExecOutput.decode(frame))
    return { outputs, ended: 'closed' }
  } catch (err: any) {
    return { outputs, ended: `reset: ${err.message as string}` }
  } finally {
    stream.abort(new Error('done'))
  }
}

describe('p2pcloud exec and zdb against a farmer daemon with a busybox container and a namespace', { skip, timeout: 300_000 }, () => {
  let work: string
  let farmerHomeDir: string
  let twinHome: string
  const daemons: CliDaemon[] = []
  let farmer: CliDaemon
  let contractId: string
  const cli = async (...args: string[]): Promise<CliResult> => runCli(['--home', twinHome, ...args])

  before(async () => {
    work = await tempDir('exec')
    farmerHomeDir = await farmerHome('exec-farmer', { cru: 4, mru: '4G', sru: '10G', hru: '1G' }, { capabilities: ['container', 'zdb'] })
    twinHome = join(work, 'twin')
    ok(await runCli(['init', '--home', twinHome]), 'init')
    farmer = await spawnDaemon(farmerHomeDir)
    daemons.push(farmer, await spawnDaemon(twinHome, { args: ['--bootstrap', farmer.ready.addresses[0]] }))
    await makeBusyboxRootfs(join(work, 'rootfs'))
    const built = JSON.parse(ok(await runCli(['flist', 'build', join(work, 'rootfs'), '-o', join(work, 'app.flist'), '--json']), 'flist build'))
    ok(await cli('flist', 'publish', join(work, 'app.flist'), '--json'), 'flist publish')
    await waitFor('the twin to know the farmer', async () => JSON.parse(ok(await cli('find', '--capability', 'container', '--json'), 'find')).some((f: any) => f.peerId === farmer.ready.peerId), 60_000, 1000)
    const spec = join(work, 'app.yaml')
    await writeFile(spec, [
      'name: app', 'where:', `  farmer: ${farmer.ready.peerId}`, 'lease: 1h', 'workloads:',
      '  - name: web', '    type: container', `    flist: ${built.cid as string}`, '    entrypoint: [/bin/sh, -c]', '    args: ["exec sleep 100000"]',
      '    cpu: 1', '    memory: 64M', '    rootfs: 64M',
      '  - name: kv', '    type: zdb', '    size: 16M', ''
    ].join('\n'))
    contractId = JSON.parse(ok(await cli('deploy', spec, '--json'), 'deploy')).contractId
  })

  after(async () => {
    await cli('rm', 'app')
    // the farmer takes the container down after it answered: its layer is unmounted then
    const mounted = async (): Promise<boolean> => (await readFile('/proc/self/mountinfo', 'utf8')).includes(farmerHomeDir)
    await waitFor('the farmer to unmount the container\'s layer', async () => !await mounted(), 30_000, 250).catch(() => {})
    for (const daemon of daemons) await daemon.stop()
    await rm(work, { recursive: true, force: true })
    await rm(farmerHomeDir, { recursive: true, force: true })
  })

  it('runs a command and passes its output, exit code and piped stdin through', async () => {
    const hi = await cli('exec', 'app', '--', 'echo', 'hi')
    assert.deepEqual([hi.code, hi.stdout, hi.stderr], [0, 'hi\n', ''])
    const failing = await cli('exec', 'app', '--', 'sh', '-c', 'echo oops >&2; exit 3')
    assert.deepEqual([failing.code, failing.stdout, failing.stderr], [3, '', 'oops\n'])
    const cat = await piped('x\n', ['exec', 'app', '--home', twinHome, '--', 'cat'])
    assert.deepEqual([cat.code, cat.stdout], [0, 'x\n'])
    // more than one frame each way, in order, nothing lost
    const big = Buffer.alloc(1024 * 1024 + 17)
    for (let i = 0; i < big.byteLength; i++) big[i] = (i * 7) % 251
    const began = Date.now()
    const echoed = await piped(big, ['exec', 'app', '--home', twinHome, '--', 'cat'])
    console.log(`1 MiB through cat in the container and back: ${Date.now() - began} ms, the CLI's start included`)
    assert.equal(echoed.code, 0, echoed.stderr)
    assert.equal(Buffer.compare(echoed.stdoutBytes, big), 0, `${echoed.stdoutBytes.byteLength} bytes came back of ${big.byteLength}`)
    // the container's own namespaces and limits: its pid 1 is the container's process, its memory limit 64 MiB
    const inside = await cli('exec', 'app', '--', 'sh', '-c', 'cat /proc/1/cmdline | tr "\\0" " "; echo; cat /sys/fs/cgroup/memory/memory.limit_in_bytes')
    assert.equal(ok(inside, 'exec inside'), `sleep 100000 \n${64 * 2 ** 20}\n`)
  })

  it('a tty: the command is on a terminal of the asked size, resized when asked', async () => {
    const result = await cli('exec', 'app', '--tty', '--', 'sh', '-c', 'tty; stty size')
    assert.equal(result.code, 0, result.stderr)
    // the terminal's CR LF; the relay's own terminal may add a CR to the first output, before runc made it raw
    assert.match(result.stdout, /^\/dev\/pts\/\d+\r+\n24 80\r+\n$/)
    // the CLI on a terminal of its own (util-linux script's): a shell by default, on a terminal by default
    const shell = await new Promise<CliResult>(resolve => {
      const child = spawn('script', ['--quiet', '--return', '--command', `${process.execPath} ${CLI} --home ${twinHome} exec app`, '/dev/null'], { stdio: ['pipe', 'pipe', 'pipe'] })
      let stdout = ''
      child.stdout.on('data', chunk => { stdout += chunk })
      child.stdin.write('echo $((6 * 7)); exit 5\r')
      child.on('exit', code => { resolve({ code, stdout, stderr: '' }) })
    })
    // (Node's raw mode keeps the terminal's own CR before LF: CR CR LF, shown as one line end)
    assert.match(shell.stdout, /\n42\r+\n/)
    assert.equal(shell.code, 5, shell.stdout)
    // a resize reaches the command's terminal: by hand, as the CLI sends it on SIGWINCH
    const twin = await barePeer(await readIdentityFile(join(twinHome, 'identity.key')))
    try {
      const start = execMessages.ExecStart.encode({ contractId: contractIdToBytes(contractId), workload: 'web', argv: ['sh', '-c', 'read x; sleep 1; stty size'], tty: true, size: { rows: 30, cols: 90 } })
      const typed = (fields: Partial<execMessages.ExecInput>): Uint8Array => framed(execMessages.ExecInput.encode({ stdin: new Uint8Array(0), stdinEnd: false, ...fields }))
      const resized = await session(twin, farmer.ready.peerId, farmer.ready.addresses[0], [framed(start), typed({ resize: { rows: 40, cols: 100 } }), typed({ stdin: Buffer.from('go\r') })])
      const text = resized.outputs.map(o => Buffer.from(o.data).toString()).join('')
      assert.match(text, /40 100/)
      assert.deepEqual(resized.outputs.filter(o => o.exited).map(o => o.exitCode), [0])
    } finally {
      await twin.stop()
    }
  })

  it('names what is wrong: no such deployment, no such container, no command, a plain request, a wrong token', async () => {
    const none = await cli('exec', 'nope', '--', 'true')
    assert.equal(none.code, 1)
    assert.match(none.stderr, /no deployment named "nope"/)
    const db = await cli('exec', 'app', '--workload', 'kv', '--', 'true')
    assert.match(db.stderr, /deployment "app" has no container named "kv"; its containers: web/)
    // the endpoint is a two-way stream: a plain request is told so, one without the token gets nothing
    const { url, token } = JSON.parse(await readFile(join(twinHome, 'api.json'), 'utf8'))
    const plain = await fetch(`${url as string}/v1/deployments/app/exec?arg=true`, { headers: { authorization: `Bearer ${token as string}` } })
    assert.deepEqual([plain.status, (await plain.json() as any).error.name], [426, 'UpgradeRequired'])
    await assert.rejects(new ApiClient({ url, token: 'wrong' }).upgrade('GET', '/v1/deployments/app/exec?arg=true'), { status: 401, name: 'Unauthorized' })
    await assert.rejects(new ApiClient({ url, token }).upgrade('GET', '/v1/deployments/app/exec'), { status: 400, message: /no command/ })
  })

  it('another identity is answered as for no deployment; a frame over the limit resets the stream; a fifth session in a container is refused', async () => {
    const start = (argv: string[]): Uint8Array => execMessages.ExecStart.encode({ contractId: contractIdToBytes(contractId), workload: 'web', argv, tty: false })
    const stranger = await barePeer()
    const twin = await barePeer(await readIdentityFile(join(twinHome, 'identity.key')))
    try {
      const refused = await session(stranger, farmer.ready.peerId, farmer.ready.addresses[0], [framed(start(['touch', '/stranger-was-here']))])
      assert.deepEqual(refused.outputs.map(o => [o.error?.code, o.error?.message]), [['NOT_FOUND', 'no such deployment']])
      assert.equal(refused.ended, 'closed')
      // an ExecStart declared 1 MiB long: refused from its length prefix, before any of it is read
      const huge = await session(stranger, farmer.ready.peerId, farmer.ready.addresses[0], [varintBytes(2 ** 20), new Uint8Array(1000)])
      assert.deepEqual([huge.outputs, huge.ended.startsWith('reset')], [[], true], huge.ended)
      // the twin's own session with an input frame over the limit: reset, and the command is killed
      const input = execMessages.ExecInput.encode({ stdin: new Uint8Array(EXEC_LIMITS.maxInputBytes), stdinEnd: false })
      const broken = await session(twin, farmer.ready.peerId, farmer.ready.addresses[0], [framed(start(['sh', '-c', 'cat > /dev/null; echo never'])), framed(input)])
      assert.deepEqual([broken.outputs, broken.ended.startsWith('reset')], [[], true], broken.ended)
      // 4 sessions at most in one container: a fifth is told to come back
      const running: Stream[] = []
      for (let i = 0; i < 4; i++) {
        const stream = await twin.dialProtocol(peerIdFromString(farmer.ready.peerId), EXEC_PROTOCOL)
        running.push(stream)
        const duplex = streamDuplex(stream)
        duplex.on('error', () => {})
        await writeBytes(duplex, framed(start(['sh', '-c', 'echo up; exec sleep 60'])))
        const first = await readFrames(duplex, EXEC_LIMITS.maxOutputBytes).next()
        assert.equal(Buffer.from(execMessages.ExecOutput.decode(first.value as Uint8Array).data).toString(), 'up\n')
      }
      const fifth = await session(twin, farmer.ready.peerId, farmer.ready.addresses[0], [framed(start(['true']))])
      assert.deepEqual(fifth.outputs.map(o => [o.error?.code, o.error?.message]), [['UNAVAILABLE', '4 commands run in container "web" already']])
      for (const stream of running) stream.abort(new Error('done'))
      await waitFor('the 4 sessions\' commands to be killed', async () => !ok(await cli('exec', 'app', '--', 'ps', '-o', 'args'), 'ps').includes('sleep 60'), 10_000, 250)
      // a twin that reads slowly still gets all a command wrote before it exited, then its code
      const slow = await twin.dialProtocol(peerIdFromString(farmer.ready.peerId), EXEC_PROTOCOL)
      const slowDuplex = streamDuplex(slow)
      await writeBytes(slowDuplex, framed(start(['sh', '-c', 'head -c 2000000 /dev/zero; exit 4'])))
      await new Promise(resolve => setTimeout(resolve, 2000))
      let bytes = 0
      const codes: number[] = []
      for await (const frame of readFrames(slowDuplex, EXEC_LIMITS.maxOutputBytes)) {
        const output = execMessages.ExecOutput.decode(frame)
        bytes += output.data.byteLength
        if (output.exited) codes.push(output.exitCode)
        assert.equal(output.error, undefined)
      }
      assert.deepEqual([bytes, codes], [2_000_000, [4]])
      await waitFor('the broken session\'s command to be killed', async () => !ok(await cli('exec', 'app', '--', 'ps', '-o', 'args'), 'ps').includes('cat > /dev/null'), 10_000, 250)
      const files = await cli('exec', 'app', '--', 'ls', '/')
      assert.doesNotMatch(ok(files, 'ls'), /stranger-was-here/)
    } finally {
      await Promise.all([stranger.stop(), twin.stop()])
    }
  })

  it('zdb set, get, del and scan on the deployment\'s namespace, a value from stdin', async () => {
    assert.equal(ok(await cli('zdb', 'set', 'app/kv', 'greeting', 'hello'), 'set'), 'stored 5 bytes under "greeting"\n')
    const value = Buffer.from([0, 1, 2, 255, 10])
    assert.equal((await piped(value, ['zdb', 'set', 'app/kv', 'bin/1', '-', '--home', twinHome])).code, 0)
    ok(await cli('zdb', 'set', 'app', 'bin/2', 'two'), 'set without the namespace named: the only one')
    assert.equal(ok(await cli('zdb', 'get', 'app/kv', 'greeting'), 'get'), 'hello')
    const got = await piped('', ['zdb', 'get', 'app/kv', 'bin/1', '--home', twinHome])
    assert.equal(Buffer.compare(got.stdoutBytes, value), 0)
    assert.equal(ok(await cli('zdb', 'scan', 'app/kv'), 'scan'), 'bin/1\t5\nbin/2\t3\ngreeting\t5\n')
    assert.equal(ok(await cli('zdb', 'scan', 'app/kv', '--prefix', 'bin/'), 'scan --prefix'), 'bin/1\t5\nbin/2\t3\n')
    assert.deepEqual(JSON.parse(ok(await cli('zdb', 'scan', 'app/kv', '--prefix', 'g', '--json'), 'scan --json')), { key: 'greeting', hex: Buffer.from('greeting').toString('hex'), size: 5 })
    assert.equal(ok(await cli('zdb', 'del', 'app/kv', 'bin/1'), 'del'), 'deleted "bin/1"\n')
    const missing = await cli('zdb', 'get', 'app/kv', 'bin/1')
    assert.equal(missing.code, 1)
    assert.match(missing.stderr, /no key "bin\/1" in the namespace/)
    assert.match((await cli('zdb', 'get', 'app/web', 'x')).stderr, /deployment "app" has no zdb namespace named "web"; its zdb namespaces: kv/)
    assert.match((await cli('zdb', 'get', 'app/kv/x', 'x')).stderr, /"app\/kv\/x" is not DEPLOYMENT\/NAMESPACE/)
  })
})

describe('a hostile farmer on the exec protocol', () => {
  it('an output frame over the limit ends the session with a NoAnswerError, unread; a stream that ends without an exit code too', async () => {
    // a farmer that listens, on loopback
    const farmer = await createLibp2p({ addresses: { listen: ['/ip4/127.0.0.1/tcp/0'] }, transports: [tcp()], connectionEncrypters: [noise()], streamMuxers: [yamux()] })
    const twin = await barePeer()
    try {
      let mode: 'huge' | 'silent' = 'huge'
      await farmer.handle(EXEC_PROTOCOL, (stream) => {
        const duplex = streamDuplex(stream)
        duplex.on('error', () => {})
        // a length prefix of 1 MiB and a little of it, or output and then an end without the exit
        const bytes = mode === 'huge'
          ? [varintBytes(2 ** 20), new Uint8Array(100)]
          : [framed(execMessages.ExecOutput.encode({ stream: execMessages.OutputStream.STDOUT, data: Buffer.from('hi\n'), exited: false, exitCode: 0 }))]
        void (async () => {
          for (const chunk of bytes) await writeBytes(duplex, chunk)
          if (mode === 'silent') duplex.end()
        })().catch(() => {})
      })
      await twin.dial(farmer.getMultiaddrs()[0])
      const client = new ExecClient(twin)
      const request = { contractId: 'ab'.repeat(32), workload: 'web', argv: ['true'] }
      const drain = async (): Promise<unknown[]> => {
        const events: unknown[] = []
        for await (const event of (await client.open(farmer.peerId, request)).events()) events.push(event)
        return events
      }
      await assert.rejects(drain(), { name: 'NoAnswerError', message: /an exec output frame of 1048576 bytes, over the limit of 34816/ })
      mode = 'silent'
      await assert.rejects(drain(), { name: 'NoAnswerError', message: /the stream ended before the command's exit code/ })
    } finally {
      await Promise.all([farmer.stop(), twin.stop()])
    }
  })
})
