import assert from 'node:assert/strict'
import { access, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import type { ContractView } from '@p2pcloud/contracts'
import type { TwinDeploymentView } from '@p2pcloud/twin'
import { tempDir, waitFor } from '@p2pcloud/test-utils'
import { farmerHome, runCli, spawnDaemon, volumeSpecYaml, type CliDaemon } from './helpers/index.js'

const MINUTE = 60_000

/** The lease end a `show --json` reports, in ms. */
async function leaseEnd (home: string, name: string): Promise<number> {
  const shown = await runCli(['show', name, '--json', '--home', home])
  assert.equal(shown.code, 0, shown.stderr)
  return Date.parse((JSON.parse(shown.stdout) as TwinDeploymentView).contract?.leaseEnd ?? '')
}

describe('deployments from the CLI, in words people read: renew, placement and update refusals, a farmer gone', () => {
  let fHome: string
  let tHome: string
  let farmer: CliDaemon
  let twin: CliDaemon
  let file: string

  const cli = async (...args: string[]): Promise<{ code: number | null, stdout: string, stderr: string }> => runCli([...args, '--home', tHome])

  before(async () => {
    fHome = await farmerHome('words-farmer', { cru: 2, mru: '2G', sru: '4G', hru: 0 })
    tHome = await tempDir('words-twin')
    assert.equal((await runCli(['init', '--home', tHome])).code, 0)
    farmer = await spawnDaemon(fHome)
    twin = await spawnDaemon(tHome, { args: ['--bootstrap', farmer.ready.addresses[0]] })
    file = join(tHome, 'app.yaml')
    await writeFile(file, volumeSpecYaml('app'))
    await waitFor('a deploy on the farmer', async () => (await cli('deploy', file)).code === 0, 30_000, 500)
  })

  after(async () => {
    await twin?.stop()
    await farmer?.stop()
  })

  it('--json gives every time as ISO 8601, in ls, show, receipts and contracts alike', async () => {
    const timeKey = /(At|AtMs|Start|End|After|Handshake)$|^(at|since)$/
    const timesIn = (value: unknown, path = ''): Array<[string, unknown]> => {
      if (value == null || typeof value !== 'object') return []
      return Object.entries(value).flatMap(([key, v]) => timeKey.test(key) && typeof v !== 'object' ? [[`${path}.${key}`, v] as [string, unknown]] : timesIn(v, `${path}.${key}`))
    }
    for (const args of [['ls'], ['show', 'app'], ['receipts', 'app'], ['contracts']]) {
      const out = await cli(...args, '--json')
      assert.equal(out.code, 0, out.stderr)
      const times = timesIn(JSON.parse(out.stdout))
      assert.ok(args[0] === 'receipts' || times.length > 0, `${args[0]} --json has times`)
      for (const [key, value] of times) assert.match(String(value), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/, `${args.join(' ')} --json ${key}`)
    }
  })

  it('renew never shortens a lease unless told to: refused naming both ends and the least lease that does not, then --shorten', async () => {
    const end = await leaseEnd(tHome, 'app')
    const refused = await cli('renew', 'app', '--lease', '10m')
    assert.notEqual(refused.code, 0)
    assert.match(refused.stderr, /^error: renewing "app" for 10m would end its lease at \d{4}-\d\d-\d\dT[\d:.]+Z, 4\dm( \d+s)? before it ends now \(\d{4}-.*Z\); add --shorten to shorten it, or renew for at least (59|60)m\n$/)
    assert.equal(await leaseEnd(tHome, 'app'), end, 'the refused renewal changed nothing')

    const started = Date.now()
    const shortened = await cli('renew', 'app', '--lease', '10m', '--shorten', '--json')
    assert.equal(shortened.code, 0, shortened.stderr)
    const shortEnd = Date.parse(JSON.parse(shortened.stdout).contract.leaseEnd)
    assert.ok(shortEnd >= started + 10 * MINUTE && shortEnd <= Date.now() + 10 * MINUTE, 'ten minutes from the renewal')

    const longer = await cli('renew', 'app', '--lease', '2h')
    assert.equal(longer.code, 0, `lengthening needs no flag: ${longer.stderr}`)
    assert.ok(await leaseEnd(tHome, 'app') > started + 110 * MINUTE)
  })

  it('a deploy no farmer can take says what ran short in binary sizes and why each known farmer was refused; an update cannot grow the contract', async () => {
    const big = join(tHome, 'big.yaml')
    await writeFile(big, volumeSpecYaml('big').replace('size: 1G', 'size: 8G'))
    const tooBig = await cli('deploy', big)
    assert.notEqual(tooBig.code, 0)
    assert.match(tooBig.stderr, new RegExp(`^deploying .*\\nerror: no farmer in BE has 8 GiB SSD free; closest of the 1 farmer\\(s\\) this peer knows: ${farmer.ready.peerId} \\(farm gent, BE\\): 8 GiB SSD needed, 3 GiB free\\n$`))

    const elsewhere = join(tHome, 'us.yaml')
    await writeFile(elsewhere, volumeSpecYaml('us').replace('country: BE', 'country: US'))
    const us = await cli('deploy', elsewhere)
    assert.match(us.stderr, new RegExp(`no farmer in US has 1 GiB SSD free; closest .*: ${farmer.ready.peerId} \\(farm gent, BE\\): in BE, not US\\n$`))

    const grown = join(tHome, 'app-v2.yaml')
    await writeFile(grown, volumeSpecYaml('app').replace('size: 1G', 'size: 2G'))
    const update = await cli('update', grown)
    assert.notEqual(update.code, 0)
    assert.match(update.stderr, /^(updating .*\n)?error: the new version of "app" needs more than its contract holds \(2 GiB SSD needed, 1 GiB booked\), and a contract cannot grow: make the spec fit, or remove the deployment and deploy it again \(p2pcloud rm app, then p2pcloud deploy FILE\)\n$/)
  })

  it('a farmer killed: show gives what the 3Bot knows and since when the farmer is silent; rm refuses, rm --force forgets it here, and its contract is cancelled once the farmer is back', async () => {
    const contractId = (JSON.parse((await cli('show', 'app', '--json')).stdout) as TwinDeploymentView).contractId
    const exited = new Promise(resolve => farmer.child.once('exit', resolve))
    farmer.child.kill('SIGKILL')
    await exited

    const shown = await cli('show', 'app')
    assert.equal(shown.code, 0, shown.stderr)
    assert.match(shown.stdout, new RegExp(`^app  on farmer ${farmer.ready.peerId}\\n  farmer unreachable since (\\S+) \\(its last advert here was issued \\S+\\): .+\\n  below is what this 3Bot knows; "p2pcloud rm --force app" forgets it here .*\\n  contract ${contractId.slice(0, 16)}…\\n  data +volume +unknown\\n$`))
    const view = JSON.parse((await cli('show', 'app', '--json')).stdout) as TwinDeploymentView
    assert.equal(view.status, undefined)
    const since = view.unreachable?.since as string
    assert.match(since, /^\d{4}-\d\d-\d\dT[\d:.]+Z$/)
    assert.ok(shown.stdout.includes(`unreachable since ${since} `), 'the silence is counted from the first call it did not answer')

    const contracts = await cli('contracts', '--json')
    assert.equal(contracts.code, 0, contracts.stderr)
    assert.deepEqual(JSON.parse(contracts.stdout), [], 'the farmer that answered nothing lists nothing')
    assert.equal(contracts.stderr, `warning: contract ${contractId.slice(0, 16)}… of deployment app is not listed: farmer ${farmer.ready.peerId} did not answer, or no longer holds it (p2pcloud show app)\n`)

    const refused = await cli('rm', 'app')
    assert.notEqual(refused.code, 0)
    assert.match(refused.stderr, new RegExp(`did not answer \\(.*; silent since ${since}\\); p2pcloud rm --force app forgets`))
    const forced = await cli('rm', 'app', '--force')
    assert.equal(forced.code, 0, forced.stderr)
    assert.match(forced.stdout, /^forgot app: /)

    // back from the same home: the twin cancels the contract it kept pending, and the farmer frees the volume
    farmer = await spawnDaemon(fHome, { args: ['--bootstrap', twin.ready.addresses[0]] })
    await waitFor('the contract cancelled at the farmer', async () => {
      const ledger = JSON.parse((await runCli(['farmer', 'contracts', '--json', '--home', fHome])).stdout) as ContractView[]
      return ledger.find(c => c.id === contractId)?.state === 'cancelled'
    }, 60_000, 1000)
    await waitFor('the volume deleted', async () => access(join(fHome, 'volumes', contractId, 'data')).then(() => false, () => true), 30_000)
  })
})
