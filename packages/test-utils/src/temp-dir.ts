import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/** What registers a clean-up: a node:test TestContext. */
export interface Cleanup {
  after: (fn: () => Promise<void>) => void
}

/**
 * A fresh directory `p2pcloud-<name>-XXXXXX` under the system's temp directory. With `t`, it is
 * removed after the test; without, it stays (the daemons of test/ may still write into it until
 * their own after hooks stop them).
 */
export async function tempDir (name: string, t?: Cleanup): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), `p2pcloud-${name}-`))
  t?.after(async () => { await rm(dir, { recursive: true, force: true }) })
  return dir
}
