import fc from 'fast-check'

/**
 * Runs per fuzzed decoder: P2PCLOUD_FUZZ_RUNS, or 400 (each property also stops after
 * FUZZ_TIME_MS, so that the whole suite adds well under a minute).
 */
export const FUZZ_RUNS = Number(process.env.P2PCLOUD_FUZZ_RUNS ?? 400)
/** Longest one decoder is fuzzed for (P2PCLOUD_FUZZ_TIME_MS, default 3 s). */
export const FUZZ_TIME_MS = Number(process.env.P2PCLOUD_FUZZ_TIME_MS ?? 3000)
/** Longest one input may take: a decoder that takes longer on any input hangs (async decoders only). */
const PER_INPUT_MS = 2000

/**
 * Bytes like `valid` ones: each as it is, truncated, extended, with bytes flipped or overwritten,
 * spliced with another, or random bytes; what reaches a decoder's deeper checks, which random
 * bytes alone rarely do.
 */
export function bytesLike (valid: Uint8Array[], maxRandomBytes = 512): fc.Arbitrary<Uint8Array> {
  const base = fc.constantFrom(...valid)
  const at = (bytes: Uint8Array, i: number): number => bytes.byteLength === 0 ? 0 : i % bytes.byteLength
  return fc.oneof(
    base,
    fc.tuple(base, fc.nat()).map(([bytes, n]) => bytes.slice(0, at(bytes, n))),
    fc.tuple(base, fc.uint8Array({ minLength: 1, maxLength: 64 })).map(([bytes, tail]) => Uint8Array.from([...bytes, ...tail])),
    fc.tuple(base, fc.array(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 255 })), { minLength: 1, maxLength: 8 })).map(([bytes, flips]) => {
      const out = bytes.slice()
      for (const [i, mask] of flips) if (out.byteLength > 0) out[at(out, i)] ^= mask
      return out
    }),
    fc.tuple(base, fc.nat(), fc.uint8Array({ minLength: 1, maxLength: 16 })).map(([bytes, i, patch]) => {
      const out = bytes.slice()
      out.set(patch.subarray(0, Math.max(0, out.byteLength - at(out, i))), at(out, i))
      return out
    }),
    fc.tuple(base, base, fc.nat(), fc.nat()).map(([a, b, i, j]) => Uint8Array.from([...a.subarray(0, at(a, i)), ...b.subarray(at(b, j))])),
    fc.uint8Array({ maxLength: maxRandomBytes })
  )
}

/** What a fuzzed decoder did: how many inputs it took, how many it accepted, and its refusals by error name. */
export interface FuzzReport {
  decoder: string
  runs: number
  accepted: number
  refused: Record<string, number>
}

/**
 * Feed `decode` generated inputs; it must return or throw one of the `typed` errors (by
 * `name`), never anything else (a TypeError, a RangeError from a bad length…) and, when
 * async, never take over 2 s on one input. Fails with the smallest input found; returns the
 * counts (printed, for the record of how much each decoder was fuzzed).
 */
export async function fuzzDecoder<T> (decoder: string, inputs: fc.Arbitrary<T>, decode: (input: T) => unknown, typed: string[]): Promise<FuzzReport> {
  const report: FuzzReport = { decoder, runs: 0, accepted: 0, refused: {} }
  await fc.assert(fc.asyncProperty(inputs, async input => {
    report.runs++
    try {
      await decode(input)
      report.accepted++
    } catch (err: any) {
      if (!typed.includes(err?.name)) throw new Error(`${decoder} threw ${err?.name ?? typeof err} (not one of ${typed.join(', ')}): ${err?.message ?? String(err)}`)
      report.refused[err.name] = (report.refused[err.name] ?? 0) + 1
    }
  }), { numRuns: FUZZ_RUNS, plugins: [fc.timeout(PER_INPUT_MS), fc.interruptAfterTimeLimit(FUZZ_TIME_MS)] })
  console.log(`fuzz ${decoder}: ${report.runs} inputs, ${report.accepted} accepted, refused ${JSON.stringify(report.refused)}`)
  return report
}

/** fast-check itself, for tests that build their own inputs. */
export { fc }

/** What a protocol vector file gives a fuzzer as seeds: the hex `encoded` payloads and signed envelopes of its vectors of `message` (all when not given), and each envelope's signer. */
export function vectorSeeds (file: { vectors: Array<{ message?: string, encoded?: string, envelope?: { encoded: string, signer: string } }> }, message?: string): { payloads: Uint8Array[], envelopes: Array<{ bytes: Uint8Array, signer: string }> } {
  const chosen = file.vectors.filter(v => message == null || v.message === message)
  const unhex = (text: string): Uint8Array => new Uint8Array(Buffer.from(text, 'hex'))
  return {
    payloads: chosen.flatMap(v => v.encoded != null ? [unhex(v.encoded)] : []),
    envelopes: chosen.flatMap(v => v.envelope != null ? [{ bytes: unhex(v.envelope.encoded), signer: v.envelope.signer }] : [])
  }
}

/**
 * For `sealRecord(…).catch(tooLargeToSend)`: a fuzzed payload too large to seal is refused
 * before it could be sent (a SignedRecordError TOO_LARGE), so it is no input; anything else is thrown.
 */
export function tooLargeToSend (err: any): undefined {
  if (err?.problem !== 'TOO_LARGE') throw err
  return undefined
}
