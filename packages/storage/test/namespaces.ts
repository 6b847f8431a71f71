import { rm } from 'node:fs/promises'
import { join } from 'node:path'
import { NamespaceStore } from '@p2pcloud/zdb'
import { tempDir } from '@p2pcloud/test-utils'
import { namespaceShardStore, type ShardStore } from '../src/index.js'

/** Real zdb namespaces on disk (the farmer's storage engine without the network), gone after the test. */
export interface Namespaces {
  stores: ShardStore[]
  engines: NamespaceStore[]
  /** The data file of namespace i (its append-only records). */
  dataFile: (index: number) => string
  /** A new, empty namespace under this id: the old one's data is lost. */
  empty: (id: string) => Promise<ShardStore>
  /** A namespace under this id that cannot answer: its engine is closed. */
  dead: (id: string) => ShardStore
}

interface TestContext { after: (fn: () => Promise<void>) => void }

export async function openNamespaces (t: TestContext, count: number): Promise<Namespaces> {
  const dir = await tempDir('storage')
  const engines: NamespaceStore[] = []
  const open = async (name: string): Promise<NamespaceStore> => {
    const engine = await NamespaceStore.open(join(dir, name), { mode: 'user', maxBytes: 256 * 2 ** 20 })
    engines.push(engine)
    return engine
  }
  t.after(async () => {
    await Promise.all(engines.map(async e => e.close()))
    await rm(dir, { recursive: true, force: true })
  })
  const stores: ShardStore[] = []
  for (let i = 0; i < count; i++) stores.push(namespaceShardStore(await open(`ns${i}`), `farmer${i}/contract/ns${i}`))
  const closed = await open('closed')
  await closed.close()
  let spares = 0
  return {
    stores,
    engines: engines.slice(0, count),
    dataFile: index => join(dir, `ns${index}`, 'data'),
    empty: async id => namespaceShardStore(await open(`spare${spares++}`), id),
    dead: id => namespaceShardStore(closed, id)
  }
}

export async function * chunked (data: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  for (let at = 0; at < data.byteLength; at += size) yield data.subarray(at, at + size)
}

export async function readAll (source: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const chunks: Uint8Array[] = []
  for await (const chunk of source) chunks.push(chunk)
  return Buffer.concat(chunks)
}
