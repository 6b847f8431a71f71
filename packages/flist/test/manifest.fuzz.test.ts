import { describe, it } from 'node:test'
import type { CID } from 'multiformats/cid'
import { bytesLike, fc, fuzzDecoder, readVectors } from '@p2pcloud/test-utils'
import { BlockNotFoundError, blockCid, loadFlist, manifestCid, validateEntries, type FlistEntry } from '../src/index.js'

/**
 * A farmer loads the manifests of flists that any twin names, from blocks any provider sends:
 * every manifest like the vectors' (truncated, flipped, spliced) and every list of entries
 * (paths with '..', '/', duplicates, links to nowhere) is an InvalidFlistError, a missing page
 * a BlockNotFoundError, or a flist, and never anything else.
 */
describe('flist manifests, fuzzed', () => {
  const manifests = readVectors('flist/manifest.json').vectors
    .filter((v: any) => v.message === 'Manifest')
    .map((v: any) => new Uint8Array(Buffer.from(v.encoded, 'hex')))
  it('loadFlist of manifest blocks like the vectors\'', async () => {
    await fuzzDecoder('loadFlist (manifest bytes)', bytesLike(manifests), async bytes => {
      const cid = await manifestCid(bytes)
      const getter = {
        get: async (wanted: CID) => {
          if (wanted.equals(cid)) return bytes
          throw new BlockNotFoundError(wanted.toString())
        }
      }
      await loadFlist(getter, cid)
    }, ['InvalidFlistError', 'BlockNotFoundError'])
  })

  it('validateEntries of generated entry lists', async () => {
    const block = await blockCid(new TextEncoder().encode('hello\n'))
    const segment = fc.constantFrom('a', 'b', 'etc', '.', '..', '', ' ', 'x\u0000y', 'é')
    const path = fc.array(segment, { minLength: 1, maxLength: 4 }).map(parts => parts.join('/'))
    const entry: fc.Arbitrary<FlistEntry> = fc.record({
      path,
      type: fc.constantFrom('dir', 'file', 'symlink', 'hardlink'),
      mode: fc.oneof(fc.constantFrom(0o755, 0o644, 0o7777), fc.integer({ min: -1, max: 0o17777 })),
      uid: fc.oneof(fc.constant(0), fc.integer({ min: -1, max: 2 ** 32 })),
      gid: fc.oneof(fc.constant(0), fc.integer({ min: -1, max: 2 ** 32 })),
      mtimeMs: fc.integer({ min: -1, max: 2 ** 48 }),
      size: fc.oneof(fc.constant(0), fc.constant(6), fc.integer({ min: -1, max: 2 ** 40 })),
      blocks: fc.array(fc.constant(block), { maxLength: 3 }),
      target: fc.option(fc.oneof(path, fc.constant('/etc/passwd')), { nil: undefined })
    })
    await fuzzDecoder('validateEntries (generated)', fc.array(entry, { maxLength: 12 }), entries => { validateEntries(entries) }, ['InvalidFlistError'])
  })
})
