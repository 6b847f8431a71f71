import assert from 'node:assert/strict'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { readFile, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { gunzipSync } from 'node:zlib'
import { after, before, describe, it } from 'node:test'
import type { Response } from 'playwright-core'
import { makeBusyboxRootfs, runcUnavailable } from '@p2pcloud/runtime'
import { tempDir, waitFor } from '@p2pcloud/test-utils'
import { workloadKinds } from '@p2pcloud/workloads'
import { chromiumUnavailable, freeLoopbackPort, launchChromium, loginLink, raw, rawBytes, sessionCookie, shot } from './helpers/ui.js'
import { farmerHome, runCli, spawnDaemon, volumeSpecYaml, type CliDaemon } from './helpers/index.js'

const noBrowser = await chromiumUnavailable()
const noContainers = await runcUnavailable()
// the browser test puts its container on a private network: root, WireGuard and iproute2
const noNetworks = await workloadKinds.get('network')?.missing?.()
const farmerCapabilities = noContainers == null && noNetworks == null ? ['container', 'network', 'zdb'] : ['zdb']
// the functions given to page.waitForFunction run in the page, where there is a document
declare const document: any
/** What web's container serves on :8080, and the gateway in front of it then. */
const WEB_PAGE = 'page of web'

describe('the web UI', () => {
  let work: string
  let farmerBe: CliDaemon
  let farmerDe: CliDaemon
  let gateway: CliDaemon
  let gatewayPort: number
  let bot: CliDaemon

  before(async () => {
    work = await tempDir('ui')
    // two farms, so that a 1+1 storage pool has its two distinct farmers and a network two members;
    // the Belgian one signs a receipt every 5 s of a lease, so that the pages have one to show
    farmerBe = await spawnDaemon(await farmerHome('ui-farmer-be', { cru: 4, mru: '8G', sru: '20G', hru: '4G' }, { capabilities: farmerCapabilities, receiptPeriodSeconds: 5 }))
    const bootstrap = ['--bootstrap', farmerBe.ready.addresses[0]]
    // and a gateway for *.gw.localhost on loopback ports (plain HTTP: no CA reaches a loopback name)
    gatewayPort = await freeLoopbackPort()
    const gatewaySettings = {
      farm: 'paris', country: 'FR', capabilities: ['gateway'], gatewayDomain: 'gw.localhost',
      gateway: { http: { host: '127.0.0.1', port: gatewayPort }, https: { host: '127.0.0.1', port: await freeLoopbackPort() } }
    };
    [farmerDe, gateway] = await Promise.all([
      spawnDaemon(await farmerHome('ui-farmer-de', { cru: 8, mru: '16G', sru: '100G', hru: '4G' }, { farm: 'berlin', country: 'DE', capabilities: farmerCapabilities }), { args: bootstrap }),
      spawnDaemon(await farmerHome('ui-gateway', { cru: 1, mru: '1G', sru: '1G', hru: 0 }, gatewaySettings), { args: bootstrap })
    ])
    const botHome = join(work, 'bot')
    assert.equal((await runCli(['init', '--home', botHome])).code, 0)
    bot = await spawnDaemon(botHome, { args: bootstrap })
    await waitFor('the 3Bot to know the three farmers', async () => {
      const found = await runCli(['find', '--home', botHome, '--json'])
      return found.code === 0 && JSON.parse(found.stdout).length === 3
    }, 30_000, 250)
  })

  after(async () => {
    // the farmers keep networks and containers over a restart: only removing the deployments takes them off this host
    const listed = bot != null ? await runCli(['ls', '--home', bot.ready.home, '--json']) : undefined
    for (const { name } of listed?.code === 0 ? JSON.parse(listed.stdout) as Array<{ name: string }> : []) await runCli(['rm', '--force', name, '--home', bot.ready.home])
    await Promise.all([bot, gateway, farmerDe, farmerBe].filter(d => d != null).map(async d => d.stop()))
    await rm(work, { recursive: true, force: true })
  })

  it('serves its files at / with their types and caching, and nothing outside its dist directory', async () => {
    const page = await raw(bot.ready.api, '/')
    assert.equal(page.status, 200)
    assert.equal(page.headers['content-type'], 'text/html; charset=utf-8')
    assert.equal(page.headers['cache-control'], 'no-cache')
    assert.equal(page.headers['x-frame-options'], 'DENY')
    assert.equal(page.headers['content-security-policy'], "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'")
    const script = /src="(\/assets\/index-[\w-]+\.js)"/.exec(page.body)?.[1]
    assert.ok(script != null, page.body)
    const asset = await raw(bot.ready.api, script)
    assert.equal(asset.status, 200)
    assert.equal(asset.headers['content-type'], 'text/javascript; charset=utf-8')
    assert.equal(asset.headers['cache-control'], 'public, max-age=31536000, immutable')
    // gzipped for a client that takes it: the same bytes, fewer of them
    const gzipped = await rawBytes(bot.ready.api, script, { 'accept-encoding': 'gzip, br' })
    assert.equal(gzipped.headers['content-encoding'], 'gzip')
    assert.equal(gunzipSync(gzipped.body).toString(), asset.body)
    assert.ok(gzipped.body.length < asset.body.length / 2)

    // with a session, so that a way out would be served rather than refused for want of one
    const cookie = await sessionCookie(await loginLink(bot.ready.home))
    for (const path of ['/../package.json', '/../../../package.json', '/assets/../../package.json', '/%2e%2e/%2e%2e/package.json',
      '/assets/..%2f..%2f..%2fpackage.json', '/..%2F..%2F..%2F..%2Fetc%2Fpasswd', '/assets/%2e%2e%2f%2e%2e%2findex.html', '/%00index.html']) {
      const answer = await raw(bot.ready.api, path, { cookie })
      assert.ok(answer.status === 404 || answer.status === 400, `${path}: ${answer.status} ${answer.body}`)
      assert.doesNotMatch(answer.body, /"workspaces"|root:x:0|<html/, path)
    }
    assert.equal((await raw(bot.ready.api, '/ui/nothing.js')).status, 401, 'no file: the API answers, and wants a token')
  })

  it('a login link works once and gives a session the API accepts as the token; a foreign Host or Origin, a wrong token or no session get nothing', async () => {
    const api = bot.ready.api
    const link = await loginLink(bot.ready.home)
    const cookie = await sessionCookie(link)
    const used = await raw(api, new URL(link).pathname + new URL(link).search)
    assert.equal(used.status, 401)
    assert.match(used.body, /"name":"LoginLinkInvalid".*used already or has expired/)
    assert.equal((await raw(api, '/ui/login?code=made-up')).status, 401)
    const nobody = await runCli(['ui', '--home', join(work, 'no-daemon')])
    assert.equal(nobody.code, 1)
    assert.match(nobody.stderr, /^error: no daemon is running for this home/)

    const id = await raw(api, '/v1/id', { cookie })
    assert.equal(id.status, 200)
    assert.equal(JSON.parse(id.body).peerId, bot.ready.peerId)
    const watch = await raw(api, '/v1/ui/deployments/nope/watch', { cookie })
    assert.equal(watch.status, 404)
    assert.deepEqual(JSON.parse(watch.body).error, { name: 'DeploymentNotFound', message: 'no deployment named "nope"; see p2pcloud ls' })
    // the farmer page's routes answer on farmers only; the kinds say what the wizard may offer
    for (const path of ['/v1/ui/farmer/workloads', '/v1/ui/farmer/receipts']) {
      const answer = await raw(api, path, { cookie })
      assert.equal(answer.status, 404, path)
      assert.equal(JSON.parse(answer.body).error.name, 'NotAFarmer', path)
    }
    const kinds = JSON.parse((await raw(api, '/v1/ui/kinds', { cookie })).body)
    assert.deepEqual(kinds.kinds.map((k: { type: string }) => k.type), workloadKinds.types())
    assert.deepEqual(kinds.planned, workloadKinds.planned)
    // the other daemons on this machine do not take it: cookies are per port, sessions per daemon
    assert.equal((await raw(farmerBe.ready.api, '/v1/id', { cookie: cookie.replace(/-\d+=/, `-${new URL(farmerBe.ready.api).port}=`) })).status, 401)

    const refused: Array<[Record<string, string>, number, RegExp]> = [
      [{}, 401, /missing "Authorization: Bearer <token>"/],
      [{ cookie: cookie.slice(0, -2) + 'xx' }, 401, /missing "Authorization/],
      [{ authorization: 'Bearer wrong' }, 401, /wrong API token/],
      [{ authorization: 'Bearer wrong', cookie }, 401, /wrong API token/],
      [{ cookie, host: 'evil.example' }, 403, /Host "evil\.example" is not allowed/],
      [{ cookie, origin: 'http://evil.example' }, 403, /Origin "http:\/\/evil\.example" is not allowed/],
      [{ cookie, origin: 'http://127.0.0.1:1' }, 403, /Origin "http:\/\/127\.0\.0\.1:1" is not allowed/],
      [{ cookie, 'sec-fetch-site': 'same-site' }, 403, /a same-site request is not allowed/]
    ]
    for (const [headers, status, message] of refused) {
      const answer = await raw(api, '/v1/deployments', headers)
      assert.equal(answer.status, status, JSON.stringify(headers))
      assert.match(JSON.parse(answer.body).error.message, message)
    }
    // the page and the login are behind the Host and Origin checks too
    assert.equal((await raw(api, '/', { host: 'evil.example' })).status, 403)
    assert.equal((await raw(api, '/ui/login?code=x', { origin: 'http://evil.example' })).status, 403)
    assert.equal((await raw(api, '/v1/ui/login', { origin: 'http://evil.example', cookie }, 'POST')).status, 403)
  })

  it('in Chromium: logs in with the link, finds a farmer by country, creates a network, deploys a container on it through the wizard and follows it live, sees the network\'s members and paths, its contract, receipts and costs on both sides, renews and updates it, puts a gateway name in front of it and reads its page through the gateway, removes it and the network, stores and fetches a file, sees the pool\'s use, grows and removes it; a foreign page gets nothing', { skip: noBrowser ?? noContainers ?? noNetworks }, async (t) => {
    const api = bot.ready.api
    const rootfs = await makeBusyboxRootfs(join(work, 'rootfs'))
    const built = await runCli(['flist', 'build', rootfs, '-o', join(work, 'app.flist'), '--json'])
    assert.equal(built.code, 0, built.stderr)
    const flist = JSON.parse(built.stdout).cid
    assert.equal((await runCli(['flist', 'publish', join(work, 'app.flist'), '--home', bot.ready.home])).code, 0)

    const browser = await launchChromium(t)
    try {
      const page = await browser.newPage()
      // the UI's own failures: an uncaught error, or something the Content-Security-Policy blocked
      const failures: string[] = []
      page.on('pageerror', err => { failures.push(err.message) })
      page.on('console', message => { if (/Content.Security.Policy/i.test(message.text())) failures.push(message.text()) })
      // the first load: every file of the UI the browser fetched, its bytes as sent (gzipped) and as used
      const files: Array<Promise<[number, number]>> = []
      const collect = (response: Response): void => {
        if (response.url().includes('/v1/') || response.status() !== 200) return
        files.push(Promise.all([response.request().sizes().then(sizes => sizes.responseBodySize), response.body().then(body => body.length)]))
      }
      page.on('response', collect)
      await page.goto(await loginLink(bot.ready.home))
      const toFarmers = await (await page.waitForFunction(() => document.querySelectorAll('.farmer').length === 3 ? performance.now() : false, undefined, { polling: 'raf', timeout: 30_000 })).jsonValue()
      page.off('response', collect)
      const sizes = await Promise.all(files)
      const gzipped = sizes.reduce((sum, [sent]) => sum + sent, 0)
      const bytes = sizes.reduce((sum, [, used]) => sum + used, 0)
      console.log(`first load: ${sizes.length} files, ${(bytes / 1024).toFixed(1)} KiB, ${(gzipped / 1024).toFixed(1)} KiB sent gzipped; farmers listed ${Math.round(toFarmers as number)} ms after the link was opened`)
      assert.equal(new URL(page.url()).pathname, '/', 'the login redirected to the UI')
      assert.ok(gzipped < 50 * 1024, `first load of ${gzipped} bytes gzipped`)

      // the explorer finds the Belgian farmer by country
      await page.fill('input[name=country]', 'BE')
      await page.click('form.filters button[type=submit]')
      await page.waitForFunction(peer => {
        const cards = [...document.querySelectorAll('.farmer')]
        return cards.length === 1 && cards[0].getAttribute('data-peer') === peer
      }, farmerBe.ready.peerId)
      assert.match(await page.textContent('.farmer') ?? '', /gent\s*BE\s*connected/)
      await shot(page, 'explorer')

      await page.click('nav a[href="#/mesh"]')
      await page.waitForSelector('table tbody tr')
      await shot(page, 'mesh')

      // a private network made in the page, with a range of its own
      await page.click('nav a[href="#/networks"]')
      await page.fill('form[name=network] input[name=name]', 'ui-net')
      await page.fill('form[name=network] input[name=range]', '10.77.0.0/16')
      await page.click('form[name=network] button[type=submit]')
      await page.waitForURL(/#\/networks\/ui-net$/)
      await page.waitForSelector('text=No members yet')

      // the wizard: the daemon's spec errors with their line:column, the farmer it will try, then the deploy
      await page.click('nav a[href="#/deploy"]')
      await page.fill('input[name=flist]', flist)
      await page.selectOption('select[name=network]', 'ui-net')
      await page.fill('input[name=country]', 'BE')
      // a page on :8080 (busybox httpd goes to the background), for the gateway later
      await page.fill('input[name=command]', `mkdir -p /tmp/www; echo ${WEB_PAGE} > /tmp/www/index.html; httpd -p 8080 -h /tmp/www; echo hello from the web ui; while true; do echo tick; sleep 1; done`)
      await page.waitForSelector(`.choice[data-farmer="${farmerBe.ready.peerId}"]`)
      const yaml = await page.inputValue('textarea[name=spec]')
      assert.match(yaml, new RegExp(`flist: ${flist}`))
      assert.match(yaml, /\n {4}network: "ui-net"\n/)
      await page.fill('textarea[name=spec]', yaml.replace('cpu: 1', 'cpu: lots'))
      const specError = await (await page.waitForSelector('.error')).textContent()
      assert.match(specError ?? '', /^SpecError wizard\.yaml:\d+:\d+: /)
      assert.equal(await page.textContent('.gutter .bad'), `${yaml.split('\n').findIndex(line => line.includes('cpu:')) + 1}\n`)
      await shot(page, 'deploy-error')
      // no Dutch farmer: the page says so before the deploy, the daemon's words after it
      await page.fill('input[name=country]', 'NL')
      await page.waitForSelector('.choice.error')
      assert.match(await page.textContent('.choice.error') ?? '', /No farmer matching country NL, offering container and network has room for 1 core\(s\), 64 MiB memory, 64 MiB SSD/)
      await page.click('button[name=send]')
      assert.match(await (await page.waitForSelector('.error:not(.choice)')).textContent() ?? '', /^NoMatchingFarmer no farmer offering container and network, in NL has /)
      await page.fill('input[name=country]', 'BE')
      await page.waitForSelector(`.choice[data-farmer="${farmerBe.ready.peerId}"]`)
      await shot(page, 'deploy')
      await page.click('button[name=send]')

      // the deployment's page: its state as the farmer reports it, its logs followed live
      await page.waitForURL(/#\/deployments\/web$/, { timeout: 60_000 })
      await page.waitForSelector('[data-watch=live]', { timeout: 30_000 })
      await page.waitForSelector('[data-state=ok]', { timeout: 60_000 })
      // meanwhile a second member of the network: a container on the German farmer, deployed with the CLI
      const peerFile = join(work, 'peer.yaml')
      await writeFile(peerFile, ['name: peer', 'where:', `  farmer: ${farmerDe.ready.peerId}`, 'lease: 1h', 'workloads:', '  - name: app', '    type: container',
        `    flist: ${flist}`, '    network: ui-net', '    entrypoint: [/bin/sh, -c]', '    args: ["while true; do sleep 5; done"]', '    cpu: 1', '    memory: 64M', '    rootfs: 64M', ''].join('\n'))
      const peerDeployed = runCli(['deploy', peerFile, '--home', bot.ready.home, '--json'])
      await page.waitForFunction(() => document.querySelector('pre[data-workload=app]')?.textContent?.includes('hello from the web ui'), undefined, { timeout: 30_000 })
      const ticks = async (): Promise<number> => ((await page.textContent('pre[data-workload=app]')) ?? '').split('tick').length - 1
      const before = await ticks()
      await page.waitForFunction(n => (document.querySelector('pre[data-workload=app]')?.textContent ?? '').split('tick').length - 1 >= n + 2, before, { timeout: 20_000 })
      // what it cost so far: the farmer signs a receipt every 5 s of its lease here
      const cost = /^\d+ receipts?, (\d+\.\d{6}) TFT in all\.$/.exec(await (await page.waitForSelector('[data-receipts]', { timeout: 30_000 })).textContent() ?? '')
      assert.ok(cost != null && Number(cost[1]) > 0, `receipts costing something: ${String(cost?.[0])}`)
      await shot(page, 'deployment')
      await page.fill('input[name=lease]', '3h')
      await page.click('.actions button[type=submit]')
      await waitFor('the lease to be renewed', async () => {
        const shown = JSON.parse((await runCli(['show', 'web', '--home', bot.ready.home, '--json'])).stdout)
        return Date.parse(shown.contract.leaseEnd) > Date.now() + 2.5 * 3_600_000
      })

      // update: the spec as deployed, edited, sent; the container runs the new command
      await page.click('a[href="#/deployments/web/update"]')
      const deployed = await (await page.waitForSelector('textarea[name=spec]')).inputValue()
      assert.match(deployed, /^name: web\nwhere:\n {2}country: BE\nlease: 1h\n/)
      // as it was written: the network by its name, the address it got kept, no network workload of the twin's
      assert.match(deployed, /\n {4}network: ui-net\n/)
      assert.match(deployed, /\n {4}ip: 10\.77\.1\.2\n/)
      assert.doesNotMatch(deployed, /net-ui-net/)
      await page.fill('textarea[name=spec]', deployed.replace('hello from the web ui', 'hello from the update'))
      await page.click('button[name=send]')
      await page.waitForURL(/#\/deployments\/web$/, { timeout: 60_000 })
      await page.waitForFunction(() => document.querySelector('pre[data-workload=app]')?.textContent?.includes('hello from the update'), undefined, { timeout: 30_000 })
      // version 2, or 3 when the German member joined meanwhile (the twin pushed web's network workload its new peer)
      const { version } = JSON.parse((await runCli(['show', 'web', '--home', bot.ready.home, '--json'])).stdout)
      assert.ok(version === 2 || version === 3, `version ${version as number}`)
      await page.click('nav a[href="#/deployments"]')
      await page.waitForSelector('table.contracts tbody tr')
      assert.match(await page.textContent('table.contracts tbody') ?? '', /active.*1 core, 64 MiB RAM, 64 MiB SSD/s)
      await shot(page, 'deployments')

      // a gateway name in front of web's container, made in the wizard: the deployment page shows its URL and that
      // its backend answers, and the gateway's HTTP port serves web's page under that name
      await page.click('nav a[href="#/deploy"]')
      await page.selectOption('select[name=kind]', 'gateway')
      await page.fill('input[name=name]', 'www')
      await page.selectOption('select[name=backend]', 'web/app')
      await page.selectOption('select[name=tls]', 'none')
      await page.selectOption('select[name=farmer]', gateway.ready.peerId)
      assert.match(await (await page.waitForSelector('text=Reachable at')).textContent() ?? '', /www\.gw\.localhost/)
      assert.match(await page.inputValue('textarea[name=spec]'), new RegExp(`farmer: ${gateway.ready.peerId}\n(.*\n)* {4}type: gateway-name\n {4}backend: "web/app:8080"\n {4}tls: none\n$`))
      await page.waitForSelector('.choice')
      await shot(page, 'deploy-gateway')
      await page.click('button[name=send]')
      await page.waitForURL(/#\/deployments\/www$/, { timeout: 60_000 })
      const url = `http://www.gw.localhost:${gatewayPort}/`
      await page.waitForSelector(`tr[data-gateway=www] a[href="${url}"]`, { timeout: 30_000 })
      await page.waitForSelector('tr[data-gateway=www] [data-backend=answers]', { timeout: 60_000 })
      const through = await raw(`http://127.0.0.1:${gatewayPort}`, '/', { host: `www.gw.localhost:${gatewayPort}` })
      assert.equal(through.status, 200, through.body)
      assert.equal(through.body.trim(), WEB_PAGE)
      // and the link itself, in the browser (which takes every *.localhost name for this machine)
      const [opened] = await Promise.all([browser.waitForEvent('page'), page.click('tr[data-gateway=www] a')])
      await opened.waitForLoadState()
      assert.equal((await opened.textContent('body'))?.trim(), WEB_PAGE)
      await opened.close()
      await shot(page, 'deployment-gateway')
      assert.equal((await runCli(['rm', 'www', '--home', bot.ready.home])).code, 0)

      // the network: both farmers members with their /24s, and each one's path to the other once they shook hands
      // (on one machine's loopback they have no address to reach each other by: relayed over the mesh)
      const peerResult = await peerDeployed
      assert.equal(peerResult.code, 0, peerResult.stderr)
      await page.click('nav a[href="#/networks"]')
      await page.click('tr[data-network=ui-net] a')
      for (const [from, to] of [[farmerBe, farmerDe], [farmerDe, farmerBe]]) {
        await page.waitForFunction(([from, to]) => {
          const path = document.querySelector(`tr[data-member="${from}"] li[data-to="${to}"]`)
          return ['direct', 'relayed'].includes(path?.getAttribute('data-path')) && !path.textContent.includes('last handshake never')
        }, [from.ready.peerId, to.ready.peerId], { timeout: 60_000 })
      }
      assert.match(await page.textContent(`tr[data-member="${farmerBe.ready.peerId}"]`) ?? '', /10\.77\.1\.0\/24.*web/)
      assert.match(await page.textContent(`tr[data-member="${farmerDe.ready.peerId}"]`) ?? '', /10\.77\.2\.0\/24.*peer/)
      await shot(page, 'network')

      // the farmer's own UI, in a page of its own origin: capacity in use, the contract it holds
      const farmerPage = await browser.newPage()
      await farmerPage.goto(await loginLink(farmerBe.ready.home))
      await farmerPage.click('nav a[href="#/farmer"]')
      await farmerPage.waitForSelector('table.contracts tbody tr')
      assert.match(await farmerPage.textContent('table.contracts tbody') ?? '', /active/)
      assert.match(await farmerPage.textContent('.card') ?? '', /3 free of 4/, 'one of its four cores booked')
      // what it runs, and what it earned
      await farmerPage.waitForSelector('tr[data-workload="web/app"] .state-ok')
      await farmerPage.waitForSelector('table.receipts tbody tr')
      await shot(farmerPage, 'farmer')
      await farmerPage.close()
      await page.goto(`${api}/#/deployments/web`)

      page.once('dialog', dialog => { void dialog.accept() })
      await page.click('button.danger')
      await page.waitForURL(/#\/deployments$/, { timeout: 60_000 })
      await page.waitForSelector('a[href="#/deployments/peer"]')
      assert.equal(await page.$('a[href="#/deployments/web"]'), null)
      assert.deepEqual(JSON.parse((await runCli(['ls', '--home', bot.ready.home, '--json'])).stdout).map((d: { name: string }) => d.name), ['peer'])

      // the network: refused while a deployment uses it, in the daemon's words; removed once none does
      await page.goto(`${api}/#/networks/ui-net`)
      page.once('dialog', dialog => { void dialog.accept() })
      await page.click('button[name=remove]')
      assert.match(await (await page.waitForSelector('.actions .error')).textContent() ?? '', /^NetworkInUse .*peer/)
      assert.equal((await runCli(['rm', 'peer', '--home', bot.ready.home])).code, 0)
      page.once('dialog', dialog => { void dialog.accept() })
      await page.click('button[name=remove]')
      await page.waitForURL(/#\/networks$/)
      await page.waitForSelector('text=No network yet')

      // storage: a 1+1 pool reserved from the page, a file stored and fetched back with progress
      await page.click('nav a[href="#/storage"]')
      await page.fill('input[name=data]', '1')
      await page.fill('input[name=size]', '64M')
      await page.click('form.filters button[type=submit]')
      await page.waitForSelector('[data-pool=default]', { timeout: 120_000 })
      const file = Buffer.alloc(3 * 2 ** 20 + 5, 'p2pcloud ')
      await page.setInputFiles('input[name=upload]', { name: 'notes.txt', mimeType: 'text/plain', buffer: file })
      await page.waitForSelector('tr[data-object="notes.txt"]', { timeout: 60_000 })
      // its use as the farmers say it, asked again once the file is in; then every namespace grown to twice the size
      const pool = '[data-pool=default]'
      await page.waitForSelector(`${pool} [data-health=healthy]`)
      await page.waitForFunction(() => /^[1-9][\d.]* MiB of 64 MiB, [1-9]\d* entries$/.test(document.querySelector('[data-pool=default] li[data-member="pool-default-0"]')?.textContent.split(': ')[1] ?? ''), undefined, { timeout: 30_000 })
      assert.match(await page.textContent(`${pool} .bar-value`) ?? '', /^\d+ MiB free of 128 MiB$/)
      await shot(page, 'storage')
      assert.equal(await page.inputValue(`${pool} input[name=grow]`), '128 MiB')
      await page.click(`${pool} form[name=grow] button`)
      await page.waitForFunction(() => /256 MiB$/.test(document.querySelector('[data-pool=default] .bar-value')?.textContent ?? ''), undefined, { timeout: 120_000 })
      assert.match(await page.textContent(pool + ' header') ?? '', /128 MiB per namespace/)
      const [download] = await Promise.all([page.waitForEvent('download'), page.click('tr[data-object="notes.txt"] button[name=fetch]')])
      assert.equal(download.suggestedFilename(), 'notes.txt')
      assert.ok(Buffer.compare(await readFile(await download.path()), file) === 0, 'the same bytes came back')
      await page.click('tr[data-object="notes.txt"] button.secondary')
      await page.waitForSelector('tr[data-object="notes.txt"] .tag.ok')

      assert.deepEqual(failures, [])

      // a page of another origin on this machine (same site: the browser sends the cookie) reads
      // nothing and does nothing: a deploy it posts as a "simple" request, which needs no
      // preflight, is refused by its Origin before the body is read
      const csrf = JSON.stringify({ spec: volumeSpecYaml('csrf') })
      const foreign = createServer((_req, res) => {
        res.writeHead(200, { 'content-type': 'text/html' })
        res.end(`<img src="${api}/v1/id"><script>
          window.results = Promise.allSettled([
            fetch("${api}/v1/deployments", { credentials: "include" }).then(r => r.text()),
            fetch("${api}/v1/deployments", { method: "POST", mode: "no-cors", credentials: "include", headers: { "content-type": "text/plain" }, body: ${JSON.stringify(csrf)} })
          ]).then(all => all.map(r => r.status))
        </script>`)
      })
      await new Promise<void>(resolve => foreign.listen(0, '127.0.0.1', resolve))
      try {
        await page.goto(`http://127.0.0.1:${(foreign.address() as AddressInfo).port}/`)
        assert.deepEqual(await page.evaluate('window.results'), ['rejected', 'fulfilled'], 'the read fails; the no-cors post gets an opaque answer')
        const names = JSON.parse((await runCli(['ls', '--home', bot.ready.home, '--json'])).stdout).map((d: { name: string }) => d.name)
        assert.deepEqual(names.map((name: string) => name.replace(/-\w+$/, '')), ['pool-default-0', 'pool-default-1'], 'the grown pool\'s namespaces, no "csrf"')
      } finally {
        foreign.close()
      }

      // the pool removed from the page: its namespaces deleted, their contracts cancelled
      await page.goto(`${api}/#/storage`)
      page.once('dialog', dialog => { void dialog.accept() })
      await page.click('[data-pool=default] button[name=remove]')
      await page.waitForSelector('text=No storage pool yet', { timeout: 60_000 })
      assert.deepEqual(JSON.parse((await runCli(['ls', '--home', bot.ready.home, '--json'])).stdout), [])

      // the session gone (expired, the daemon restarted) while a page is open: at its next call the
      // UI asks for a login link and shows nothing else, as it does on a load without a session
      await page.goto(`${api}/#/mesh`)
      await page.waitForSelector('table tbody tr')
      await browser.clearCookies()
      await page.waitForSelector('text=not logged in', { timeout: 10_000 })
      await page.goto(`${api}/#/deployments`)
      await page.waitForSelector('text=not logged in')
      assert.equal(await page.$('nav'), null)
      await shot(page, 'login')
    } finally {
      await browser.close()
    }
  })
})
