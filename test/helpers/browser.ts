import { access } from 'node:fs/promises'
import { chromium, type BrowserContext } from 'playwright-core'
import { tempDir, type Cleanup } from '@p2pcloud/test-utils'

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
