import { open, readdir, rm, type FileHandle } from 'node:fs/promises'
import { join } from 'node:path'
import type { Level } from 'level'

/*
 * A namespace's data file and index, by generation: generation 0 is `data` and the index
 * sublevel `k`; each compaction copies the records of the current values into the next one
 * (`data.1` and `k1`, …), which the namespace's meta then names (protocols/zdb.md §7.3).
 */

/** Where a key's record is in the data file. */
export interface Location { offset: number, length: number }

const LOCATION_BYTES = 12
export const encodeLocation = (at: Location): Uint8Array => {
  const bytes = Buffer.alloc(LOCATION_BYTES)
  bytes.writeBigUInt64BE(BigInt(at.offset), 0)
  bytes.writeUInt32BE(at.length, 8)
  return bytes
}
export const decodeLocation = (bytes: Uint8Array): Location => {
  const view = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  return { offset: Number(view.readBigUInt64BE(0)), length: view.readUInt32BE(8) }
}

export const sublevelOfKeys = (db: Level<Uint8Array, Uint8Array>, generation: number) =>
  db.sublevel<Uint8Array, Uint8Array>(generation === 0 ? 'k' : `k${generation}`, { keyEncoding: 'view', valueEncoding: 'view' })
/** Key → where its record is. */
export type Keys = ReturnType<typeof sublevelOfKeys>
export const dataFile = (generation: number): string => generation === 0 ? 'data' : `data.${generation}`

/** Index entries written per batch while copying: memory stays bounded whatever the number of keys. */
const COPY_BATCH = 1000

/**
 * Copies the record of every key in `keys` from `file` into generation `generation`'s data file
 * and index sublevel, synced. A damaged record is copied as it is (GET still says CORRUPT), never
 * dropped unseen. On failure what was made of the new generation is removed.
 */
export async function writeGeneration (dir: string, db: Level<Uint8Array, Uint8Array>, keys: Keys, file: FileHandle, generation: number): Promise<{ file: FileHandle, keys: Keys, size: number }> {
  const next = sublevelOfKeys(db, generation)
  // appending, as the data file always is (later writes give no position)
  const out = await open(join(dir, dataFile(generation)), 'a+')
  let size = 0
  try {
    await out.truncate(0)
    let ops: Array<{ type: 'put', key: Uint8Array, value: Uint8Array }> = []
    for await (const [key, value] of keys.iterator()) {
      const { offset, length } = decodeLocation(value)
      const bytes = Buffer.alloc(length)
      await file.read(bytes, 0, length, offset)
      await out.write(bytes, 0, length)
      ops.push({ type: 'put', key, value: encodeLocation({ offset: size, length }) })
      size += length
      if (ops.length >= COPY_BATCH) { await next.batch(ops); ops = [] }
    }
    await next.batch(ops)
    await out.datasync()
    await fsyncDirectory(dir)
    return { file: out, keys: next, size }
  } catch (err) {
    await out.close()
    await dropOtherGenerations(dir, db, generation - 1)
    throw err
  }
}

/** Removes the data files and index entries of every generation but `keep` (what an interrupted compaction, or one just finished, left). */
export async function dropOtherGenerations (dir: string, db: Level<Uint8Array, Uint8Array>, keep: number): Promise<void> {
  for (const name of await readdir(dir)) {
    if ((name === 'data' || /^data\.\d+$/.test(name)) && name !== dataFile(keep)) await rm(join(dir, name), { force: true })
  }
  // only the generations next to `keep` can hold entries: older ones were dropped when `keep - 1` became current
  for (const generation of [keep - 1, keep + 1]) {
    if (generation >= 0) await sublevelOfKeys(db, generation).clear()
  }
}

export async function fsyncDirectory (dir: string): Promise<void> {
  const handle = await open(dir, 'r')
  try {
    await handle.sync()
  } finally {
    await handle.close()
  }
}
