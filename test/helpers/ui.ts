import assert from 'node:assert/strict'
import { access } from 'node:fs/promises'
import { createServer, type AddressInfo } from 'node:net'
import { request as httpRequest } from 'node:http'
import { resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { chromium, type BrowserContext, type Page } from 'playwright-core'
import { tempDir, type Cleanup } from '@p2pcloud/test-utils'
import { runCli } from './cli.js'

/** Debian's Chromium (scripts/install-system-packages.sh): the tests download no browser. */
export const CHROMIUM = process.env.P2PCLOUD_CHROMIUM ?? '/usr/bin/chromium'

/** Why the browser tests cannot run here, or undefined when they can. */
export async function chromiumUnavailable (): Promise<string | undefined> {
  try {
    await access(CHROMIUM)
    return undefined
  } catch {
    return `${CHROMIUM} is missing (apt-get install chromium)`
  }
}

/**
 * Headless Chromium in a fresh profile (no cookies, no cache: a first load is a first load),
 * talking to nothing but the pages a test opens; the profile is removed after test `t`.
 */
export async function launchChromium (t: Cleanup): Promise<BrowserContext> {
  return chromium.launchPersistentContext(await tempDir('chromium-profile', t), {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1280, height: 860 },
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run']
  })
}

/**
 * Where each page's screenshot goes: beside the compiled test, so that a test run leaves the work
 * tree clean; P2PCLOUD_SCREENSHOTS=docs/screenshots refreshes the ones the READMEs show.
 */
const SCREENSHOTS = process.env.P2PCLOUD_SCREENSHOTS != null
  ? pathToFileURL(`${resolve(process.env.P2PCLOUD_SCREENSHOTS)}/`)
  : new URL('../screenshots/', import.meta.url)

interface Answer<Body = string> { status: number, headers: Record<string, string | string[] | undefined>, body: Body }

/** One raw HTTP request: the path goes out as written (no URL normalising), any headers. */
export async function rawBytes (base: string, path: string, headers: Record<string, string> = {}, method = 'GET'): Promise<Answer<Buffer>> {
  const url = new URL(base)
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: url.hostname, port: url.port, path, method, headers }, res => {
      const chunks: Buffer[] = []
      res.on('data', chunk => { chunks.push(chunk) })
      res.on('end', () => { resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }) })
    })
    req.on('error', reject)
    req.end()
  })
}

export async function raw (base: string, path: string, headers: Record<string, string> = {}, method = 'GET'): Promise<Answer> {
  const answer = await rawBytes(base, path, headers, method)
  return { ...answer, body: answer.body.toString() }
}

/** `p2pcloud ui` for a home: the one-time link it prints. */
export async function loginLink (home: string): Promise<string> {
  const result = await runCli(['ui', '--home', home, '--json', '--no-open'])
  assert.equal(result.code, 0, result.stderr)
  const link = JSON.parse(result.stdout)
  assert.match(link.url, /^http:\/\/127\.0\.0\.1:\d+\/ui\/login\?code=[\w-]{43}$/)
  assert.equal(link.opened, false)
  return link.url
}

/** The session cookie a login link sets, as a Cookie header. */
export async function sessionCookie (link: string): Promise<string> {
  const url = new URL(link)
  const answer = await raw(url.origin, url.pathname + url.search)
  assert.equal(answer.status, 303)
  assert.equal(answer.headers.location, '/')
  const cookie = String(answer.headers['set-cookie'])
  assert.match(cookie, new RegExp(`^p2pcloud-session-${url.port}=[\\w-]{43}; HttpOnly; SameSite=Strict; Path=/; Max-Age=86400$`))
  return cookie.split(';')[0]
}

export async function shot (page: Page, name: string): Promise<void> {
  await page.screenshot({ path: new URL(`${name}.png`, SCREENSHOTS).pathname, fullPage: true })
}

/** A TCP port free on 127.0.0.1 now (the kernel's pick), for a daemon's listen setting. */
export async function freeLoopbackPort (): Promise<number> {
  const server = createServer()
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  await new Promise(resolve => server.close(resolve))
  return port
}
