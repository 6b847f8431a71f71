import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { generateKeyPair, generateKeyPairFromSeed, publicKeyToProtobuf } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { RecordEnvelope } from '@libp2p/peer-record'
import { Uint8ArrayList } from 'uint8arraylist'
import { fromString } from 'uint8arrays/from-string'
import { toString } from 'uint8arrays/to-string'
import {
  MAX_ERROR_MESSAGE_BYTES, SignedRecordError, openRecord, sealRecord, wireMessage,
  type RecordKind, type SignedRecordProblem
} from '../src/index.js'

const NOTE: RecordKind = { domain: 'p2pcloud-example', payloadType: '/p2pcloud/example/note', maxBytes: 1024 }

/** A payload we can find again inside the marshalled envelope. */
const PAYLOAD = fromString('a p2pcloud test payload, long enough to be found again')

function rejectsWith (problem: SignedRecordProblem): (err: unknown) => boolean {
  return (err: unknown) => {
    assert.ok(err instanceof SignedRecordError, `expected a SignedRecordError, got ${String(err)}`)
    assert.equal(err.name, 'SignedRecordError')
    assert.equal(err.problem, problem, `expected ${problem}, got ${err.problem}: ${err.message}`)
    return true
  }
}

function indexOf (haystack: Uint8Array, needle: Uint8Array): number {
  outer: for (let i = 0; i + needle.length <= haystack.length; i++) {
    for (let j = 0; j < needle.length; j++) {
      if (haystack[i + j] !== needle[j]) continue outer
    }
    return i
  }
  return -1
}

describe('signed envelopes', () => {
  it('seal then open gives back the signer, the exact payload bytes and the envelope as received', async () => {
    const key = await generateKeyPair('Ed25519')
    const envelope = await sealRecord(NOTE, PAYLOAD, key)
    const opened = await openRecord(NOTE, envelope)
    assert.ok(opened.signer.equals(peerIdFromPrivateKey(key)))
    assert.deepEqual(opened.payload, PAYLOAD)
    assert.deepEqual(opened.envelope, envelope)
  })

  it('opens an envelope given as a Uint8ArrayList (as read from a stream)', async () => {
    const key = await generateKeyPair('Ed25519')
    const envelope = await sealRecord(NOTE, PAYLOAD, key)
    const list = new Uint8ArrayList(envelope.subarray(0, 10), envelope.subarray(10))
    const opened = await openRecord(NOTE, list)
    assert.ok(opened.signer.equals(peerIdFromPrivateKey(key)))
    assert.deepEqual(opened.payload, PAYLOAD)
    assert.deepEqual(opened.envelope, envelope)
  })

  it('reproduces the worked example of protocols/README.md §5.3 byte for byte', async () => {
    const seed = Uint8Array.from({ length: 32 }, (_, i) => i)
    const key = await generateKeyPairFromSeed('Ed25519', seed)
    assert.equal(peerIdFromPrivateKey(key).toString(), '12D3KooWA4Xop1JaT3MHxwYMkCepYsv4iPVopMXwCz5iHYdBfeSB')
    assert.equal(toString(publicKeyToProtobuf(key.publicKey), 'base16'), '0801122003a107bff3ce10be1d70dd18e74bc09967e4d6309ba50d5f1ddc8664125531b8')
    const payload = fromString('080112026869', 'base16')
    const envelope = await sealRecord(NOTE, payload, key)
    assert.equal(envelope.byteLength, 136)
    const signature = 'de613cd0ca84c3121c9245baf819cab0c6a02d04afb6a1808ad79e3bbce8433f' +
      '8274c287a8ddf51a45606a2aa0511e20d62045acc51c2b942448650609110901'
    assert.equal(toString(envelope, 'base16'),
      '0a24' + '0801122003a107bff3ce10be1d70dd18e74bc09967e4d6309ba50d5f1ddc8664125531b8' +
      '1216' + toString(fromString('/p2pcloud/example/note'), 'base16') +
      '1a06' + '080112026869' +
      '2a40' + signature)
    const opened = await openRecord(NOTE, envelope)
    assert.deepEqual(opened.payload, payload)
    await assert.rejects(openRecord({ ...NOTE, domain: 'p2pcloud-other' }, envelope), rejectsWith('BAD_SIGNATURE'))
  })

  it('a flipped payload byte fails the signature', async () => {
    const key = await generateKeyPair('Ed25519')
    const envelope = await sealRecord(NOTE, PAYLOAD, key)
    const at = indexOf(envelope, PAYLOAD)
    assert.ok(at > 0)
    const tampered = envelope.slice()
    tampered[at + 5] ^= 0x01
    await assert.rejects(openRecord(NOTE, tampered), rejectsWith('BAD_SIGNATURE'))
  })

  it('a flipped signature byte fails the signature', async () => {
    const key = await generateKeyPair('Ed25519')
    const envelope = await sealRecord(NOTE, PAYLOAD, key)
    const tampered = envelope.slice()
    tampered[tampered.length - 1] ^= 0x80 // the signature is the last field
    await assert.rejects(openRecord(NOTE, tampered), rejectsWith('BAD_SIGNATURE'))
  })

  it('a payload re-signed by another key under the first key fails the signature', async () => {
    const alice = await generateKeyPair('Ed25519')
    const mallory = await generateKeyPair('Ed25519')
    const real = RecordEnvelope.createFromProtobuf(await sealRecord(NOTE, PAYLOAD, alice))
    const forged = RecordEnvelope.createFromProtobuf(await sealRecord(NOTE, PAYLOAD, mallory))
    const mixed = new RecordEnvelope({ publicKey: real.publicKey, payloadType: real.payloadType, payload: real.payload, signature: forged.signature })
    await assert.rejects(openRecord(NOTE, mixed.marshal()), rejectsWith('BAD_SIGNATURE'))
  })

  it('a signature of another length than 64 bytes (none, short, long) is BAD_SIGNATURE, not a TypeError from the verifier', async () => {
    const real = RecordEnvelope.createFromProtobuf(await sealRecord(NOTE, PAYLOAD, await generateKeyPair('Ed25519')))
    for (const signature of [new Uint8Array(0), real.signature.subarray(0, 63), Uint8Array.from([...real.signature, 0])]) {
      const odd = new RecordEnvelope({ publicKey: real.publicKey, payloadType: real.payloadType, payload: real.payload, signature })
      await assert.rejects(openRecord(NOTE, odd.marshal()), rejectsWith('BAD_SIGNATURE'))
    }
  })

  it('an envelope sealed for another domain fails the signature', async () => {
    const key = await generateKeyPair('Ed25519')
    const envelope = await sealRecord({ ...NOTE, domain: 'p2pcloud-other' }, PAYLOAD, key)
    await assert.rejects(openRecord(NOTE, envelope), rejectsWith('BAD_SIGNATURE'))
  })

  it('an envelope of another payload type is refused as PAYLOAD_TYPE', async () => {
    const key = await generateKeyPair('Ed25519')
    const envelope = await sealRecord({ ...NOTE, payloadType: '/p2pcloud/example/other' }, PAYLOAD, key)
    await assert.rejects(openRecord(NOTE, envelope), rejectsWith('PAYLOAD_TYPE'))
    // a prefix of the expected type is not the expected type either
    const prefix = await sealRecord({ ...NOTE, payloadType: '/p2pcloud/example/not' }, PAYLOAD, key)
    await assert.rejects(openRecord(NOTE, prefix), rejectsWith('PAYLOAD_TYPE'))
  })

  it('an envelope over maxBytes is refused as TOO_LARGE before any decoding', async () => {
    const key = await generateKeyPair('Ed25519')
    const envelope = await sealRecord(NOTE, PAYLOAD, key)
    await assert.rejects(openRecord({ ...NOTE, maxBytes: envelope.byteLength - 1 }, envelope), rejectsWith('TOO_LARGE'))
    // exactly at the limit is fine
    await openRecord({ ...NOTE, maxBytes: envelope.byteLength }, envelope)
    // garbage over the limit is TOO_LARGE, not MALFORMED: the size is checked first
    const garbage = new Uint8Array(NOTE.maxBytes + 1).fill(0xff)
    await assert.rejects(openRecord(NOTE, garbage), rejectsWith('TOO_LARGE'))
    await assert.rejects(openRecord(NOTE, new Uint8ArrayList(garbage)), rejectsWith('TOO_LARGE'))
  })

  it('sealing a payload whose envelope would be over maxBytes is refused as TOO_LARGE', async () => {
    const key = await generateKeyPair('Ed25519')
    await assert.rejects(sealRecord(NOTE, new Uint8Array(NOTE.maxBytes), key), rejectsWith('TOO_LARGE'))
  })

  it('bytes that are not an envelope are refused as MALFORMED', async () => {
    for (const garbage of [
      new Uint8Array([0xff, 0xff, 0xff, 0xff]),
      fromString('not an envelope at all'),
      new Uint8Array([0x0a, 0x7f, 0x01]) // field 1 claims 127 bytes, 1 follows
    ]) {
      await assert.rejects(openRecord(NOTE, garbage), rejectsWith('MALFORMED'))
    }
  })

  it('an envelope signed with a secp256k1 key is refused as KEY_TYPE, even with a valid signature', async () => {
    const key = await generateKeyPair('secp256k1')
    const sealed = await RecordEnvelope.seal({
      domain: NOTE.domain,
      codec: fromString(NOTE.payloadType),
      marshal: () => PAYLOAD,
      equals: () => false
    }, key)
    assert.equal(await sealed.validate(NOTE.domain), true)
    await assert.rejects(openRecord(NOTE, sealed.marshal()), rejectsWith('KEY_TYPE'))
  })
})

describe('wireMessage', () => {
  it('keeps an ordinary message as is', () => {
    assert.equal(wireMessage('only 2 of 4 cores free'), 'only 2 of 4 cores free')
    assert.equal(wireMessage('überfüllt – 满了 ✓'), 'überfüllt – 满了 ✓')
  })

  it('replaces C0 control characters and DEL with spaces', () => {
    assert.equal(wireMessage('a\u0000b\nc\rd\te\u001b[31mred\u007f'), 'a b c d e [31mred ')
    for (let code = 0; code < 0x20; code++) {
      assert.equal(wireMessage(`x${String.fromCharCode(code)}y`), 'x y')
    }
  })

  it('strips C1 control characters too (U+0080..U+009F; U+009B is a CSI on some terminals)', () => {
    assert.equal(wireMessage('a\u009b31mred\u0085b'), 'a 31mred b')
  })

  it('leaves a message of exactly the limit untouched', () => {
    const text = 'x'.repeat(MAX_ERROR_MESSAGE_BYTES)
    assert.equal(wireMessage(text), text)
  })

  it('truncates a long message to at most 1024 bytes, ending in "..."', () => {
    const out = wireMessage('y'.repeat(5000))
    assert.equal(new TextEncoder().encode(out).byteLength, MAX_ERROR_MESSAGE_BYTES)
    assert.ok(out.endsWith('...'))
    assert.equal(out, 'y'.repeat(MAX_ERROR_MESSAGE_BYTES - 3) + '...')
  })

  it('never cuts a multi-byte character in half', () => {
    for (const char of ['é', '€', '😀']) {
      for (let pad = 0; pad < 4; pad++) {
        const out = wireMessage('a'.repeat(pad) + char.repeat(1000))
        const bytes = new TextEncoder().encode(out).byteLength
        assert.ok(bytes <= MAX_ERROR_MESSAGE_BYTES, `${bytes} bytes`)
        assert.ok(bytes > MAX_ERROR_MESSAGE_BYTES - 8, `${bytes} bytes`)
        assert.ok(!out.includes('\uFFFD'), 'no replacement character')
        assert.ok(out.endsWith(char + '...'))
      }
    }
  })

  it('strips control characters before measuring, so the result is clean and bounded', () => {
    const out = wireMessage('\u001b'.repeat(3000))
    assert.equal(out, ' '.repeat(MAX_ERROR_MESSAGE_BYTES - 3) + '...')
  })
})
