import { chmod, chown, link, lutimes, mkdir, symlink, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import type * as FlistTestHelpers from '../../packages/flist/dist/test/helpers.js'

/*
 * packages/flist's own test helpers (describe a tree the way a flist keeps it): they are not
 * among the package's exports, so they are loaded from its build, which tsc --build makes
 * before this project (the CLI this project references depends on it).
 */
const flistTestHelpers: typeof FlistTestHelpers = await import(new URL('../../../packages/flist/dist/test/helpers.js', import.meta.url).href)
export const { describe: describeTree, withoutInodes, pattern } = flistTestHelpers

/** What a materialised tree must equal: everything a flist keeps but the inode numbers. */
export const treeOf = async (dir: string): Promise<ReturnType<typeof withoutInodes>> => withoutInodes(await describeTree(dir))

export const MiB = 2 ** 20
const T = Date.UTC(2025, 2, 3, 4, 5, 6, 789)

/**
 * A tree with every kind of entry a flist keeps: setuid, setgid and sticky modes, other owners,
 * an absolute and a relative symlink, a hard link, an empty directory, an empty file and a file
 * of 1.5 MiB + 3 bytes (four 512 KiB blocks, the last one short). `seed` changes the big file's
 * bytes, so that trees of different seeds are different flists.
 */
export async function makeEveryKindTree (dir: string, seed = 0): Promise<void> {
  await mkdir(join(dir, 'data/empty-dir'), { recursive: true })
  await mkdir(join(dir, 'bin'))
  await mkdir(join(dir, 'tmp'))
  await writeFile(join(dir, 'data/big.bin'), pattern(1.5 * MiB + 3, seed))
  await writeFile(join(dir, 'data/empty'), '')
  await writeFile(join(dir, 'bin/tool'), '#!/bin/sh\necho tool\n')
  await link(join(dir, 'bin/tool'), join(dir, 'bin/tool-link'))
  await symlink('/etc/hostname', join(dir, 'hostname'))
  await symlink('../bin/tool', join(dir, 'data/tool'))
  // owner before mode: chown clears setuid and setgid
  await chown(join(dir, 'bin/tool'), 1000, 1001)
  await chmod(join(dir, 'bin/tool'), 0o4755)
  await chown(join(dir, 'data'), 33, 33)
  await chmod(join(dir, 'data'), 0o2750)
  await chmod(join(dir, 'tmp'), 0o1777)
  await chmod(join(dir, 'data/empty'), 0o600)
  // fixed times, each its own: a materialised tree must carry every one over
  const paths = ['data/big.bin', 'data/empty', 'bin/tool', 'hostname', 'data/tool', 'data/empty-dir', 'data', 'bin', 'tmp']
  for (const [i, path] of paths.entries()) await lutimes(join(dir, path), new Date(T + i * 1000), new Date(T + i * 1000))
}
