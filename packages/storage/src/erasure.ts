import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { ReedSolomonErasure } from '@digitaldefiance/reed-solomon-erasure.wasm'

/** The erasure code refused a configuration or a stripe. */
export class ErasureError extends Error {
  override name = 'ErasureError'
}

/** GF(2^8) Reed-Solomon: at most 256 shards in all. */
export const MAX_SHARDS = 256

interface RsExports {
  memory: { buffer: ArrayBuffer }
  __wbindgen_malloc: (bytes: number) => number
  __wbindgen_free: (pointer: number, bytes: number) => void
  encode: (shards: number, shardsBytes: number, dataShards: number, parityShards: number) => number
  reconstruct: (shards: number, shardsBytes: number, dataShards: number, parityShards: number, flags: number, flagCount: number) => number
}

let instance: RsExports | undefined
/**
 * The crate compiled to WASM, called directly rather than through the package's JS class: its
 * Node loader looks for __dirname, which ESM has not, and its reconstruct frees the presence
 * flags a second time after the WASM side has taken (and freed) them, which corrupts the WASM
 * heap: every later reconstruct then fails or reads garbage flags.
 */
function rs (): RsExports {
  if (instance == null) {
    const path = createRequire(import.meta.url).resolve('@digitaldefiance/reed-solomon-erasure.wasm/wasm')
    // the WebAssembly global is not in this project's type libraries (no DOM)
    const { Instance, Module } = (globalThis as any).WebAssembly
    instance = new Instance(new Module(readFileSync(path))).exports as RsExports
  }
  return instance
}

/** Copies the stripe into WASM memory, runs `call` on it, and copies the byte range `back` out again. */
function withStripe (stripe: Uint8Array, back: [number, number], call: (pointer: number) => number): number {
  const wasm = rs()
  const pointer = wasm.__wbindgen_malloc(stripe.byteLength)
  try {
    new Uint8Array(wasm.memory.buffer).set(stripe, pointer)
    const code = call(pointer)
    // the memory may have grown during the call: view it again
    if (code === ReedSolomonErasure.RESULT_OK) stripe.set(new Uint8Array(wasm.memory.buffer, pointer + back[0], back[1] - back[0]), back[0])
    return code
  } finally {
    wasm.__wbindgen_free(pointer, stripe.byteLength)
  }
}

const check = (code: number, what: string): void => {
  if (code !== ReedSolomonErasure.RESULT_OK) throw new ErasureError(`${what} failed: ${ReedSolomonErasure.getResultMessage(code)}`)
}

/**
 * A k+m Reed-Solomon code over a stripe: one buffer of k+m equal shards, the first k the data,
 * the last m parity. Any k shards give back all k+m.
 */
export class ErasureCode {
  readonly total: number

  constructor (readonly dataShards: number, readonly parityShards: number) {
    if (!Number.isInteger(dataShards) || dataShards < 1) throw new ErasureError(`data shards: ${dataShards}; at least 1`)
    if (!Number.isInteger(parityShards) || parityShards < 1) throw new ErasureError(`parity shards: ${parityShards}; at least 1`)
    this.total = dataShards + parityShards
    if (this.total > MAX_SHARDS) throw new ErasureError(`${dataShards}+${parityShards} shards; at most ${MAX_SHARDS} in all`)
  }

  private checkStripe (stripe: Uint8Array): void {
    if (stripe.byteLength === 0 || stripe.byteLength % this.total !== 0) {
      throw new ErasureError(`a stripe of ${stripe.byteLength} bytes is not ${this.total} equal, non-empty shards`)
    }
  }

  /** Fills the parity shards from the data shards, in place. */
  encode (stripe: Uint8Array): void {
    this.checkStripe(stripe)
    const shardBytes = stripe.byteLength / this.total
    check(withStripe(stripe, [this.dataShards * shardBytes, stripe.byteLength], pointer => rs().encode(pointer, stripe.byteLength, this.dataShards, this.parityShards)), 'encode')
  }

  /** Fills every shard whose `present` is false (data and parity) from the present ones, in place. */
  reconstruct (stripe: Uint8Array, present: boolean[]): void {
    this.checkStripe(stripe)
    if (present.length !== this.total) throw new ErasureError(`${present.length} presence flags for ${this.total} shards`)
    const count = present.filter(Boolean).length
    if (count < this.dataShards) throw new ErasureError(`${count} shards present; ${this.dataShards} needed to reconstruct`)
    if (present.slice(0, this.dataShards).some(p => !p)) {
      const shardBytes = stripe.byteLength / this.total
      check(withStripe(stripe, [0, this.dataShards * shardBytes], pointer => {
        const wasm = rs()
        // owned by the WASM side from here on: it frees the flags itself
        const flags = wasm.__wbindgen_malloc(this.total)
        new Uint8Array(wasm.memory.buffer).set(present.map(p => p ? 1 : 0), flags)
        return wasm.reconstruct(pointer, stripe.byteLength, this.dataShards, this.parityShards, flags, this.total)
      }), 'reconstruct')
    }
    // the library gives back the data shards only: parity comes from encoding them again
    if (present.slice(this.dataShards).some(p => !p)) this.encode(stripe)
  }
}
