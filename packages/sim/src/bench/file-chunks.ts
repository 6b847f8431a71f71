/** What the object store and Helia are given at a time, as a file read would. */
const WRITE_CHUNK = 2 ** 20

export async function * chunksOf (data: Uint8Array): AsyncGenerator<Uint8Array> {
  for (let at = 0; at < data.byteLength; at += WRITE_CHUNK) yield data.subarray(at, at + WRITE_CHUNK)
}
