import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { describe, it } from 'node:test'
import * as raw from 'multiformats/codecs/raw'
import { sha256 } from 'multiformats/hashes/sha2'
import { fromString } from 'uint8arrays/from-string'
import { ADVERT_DHT_NAMESPACE } from '@p2pcloud/wire'
import { signAdvert, type Advert } from '../src/advert.js'
import { advertDhtRecords, advertKey, indexKeyCid, indexKeyName, type IndexKey } from '../src/dht-records.js'
import { MINUTE, advertAt, farmer, type Farmer } from './fixtures.js'

/** The DHT checks records against the real clock, so these adverts are issued now. */
function advertOf (peerId: string, overrides: Partial<Advert> = {}): Advert {
  return advertAt(peerId, Date.now(), {
    city: '',
    total: { cru: 8, mru: 16e9, sru: 500e9, hru: 0, ipv4u: 1 },
    free: { cru: 8, mru: 16e9, sru: 500e9, hru: 0, ipv4u: 1 },
    ...overrides
  })
}

async function signedAdvert (f: Farmer, overrides: Partial<Advert> = {}): Promise<Uint8Array> {
  return signAdvert(advertOf(f.peerId, overrides), f.key)
}

const validate = advertDhtRecords.dhtValidators?.[ADVERT_DHT_NAMESPACE]
const select = advertDhtRecords.dhtSelectors?.[ADVERT_DHT_NAMESPACE]

function refusedAs (problem: string): (err: unknown) => boolean {
  return (err: unknown) => {
    assert.ok(err instanceof Error)
    assert.equal(err.name, 'InvalidAdvertError')
    assert.equal((err as Error & { problem: string }).problem, problem, err.message)
    return true
  }
}

describe('advert DHT records', () => {
  it('live under /p2pcloud-adv/<peer id>', async () => {
    const f = await farmer()
    assert.equal(new TextDecoder().decode(advertKey(f.peerId)), `/p2pcloud-adv/${f.peerId}`)
    assert.ok(validate != null && select != null, 'a validator and a selector for the namespace')
    assert.deepEqual(Object.keys(advertDhtRecords.dhtValidators ?? {}), ['p2pcloud-adv'])
    assert.deepEqual(Object.keys(advertDhtRecords.dhtSelectors ?? {}), ['p2pcloud-adv'])
  })

  describe('validator', () => {
    it('accepts a valid advert under its own key', async () => {
      const f = await farmer()
      await validate!(advertKey(f.peerId), await signedAdvert(f))
    })

    it("refuses a valid advert stored under another peer's key", async () => {
      const [owner, other] = await Promise.all([farmer(), farmer()])
      await assert.rejects(async () => { await validate!(advertKey(other.peerId), await signedAdvert(owner)) }, refusedAs('KEY'))
    })

    it('refuses a key that only starts like the right one', async () => {
      const f = await farmer()
      const envelope = await signedAdvert(f)
      for (const key of [`/p2pcloud-adv/${f.peerId}/x`, `/p2pcloud-adv/${f.peerId}x`, `/p2pcloud-adv//${f.peerId}`, `/other/${f.peerId}`]) {
        await assert.rejects(async () => { await validate!(fromString(key), envelope) }, refusedAs('KEY'), key)
      }
    })

    it("refuses an advert about one peer signed by another, even under the subject's key", async () => {
      const [subject, signer] = await Promise.all([farmer(), farmer()])
      const envelope = await signAdvert(advertOf(subject.peerId), signer.key)
      await assert.rejects(async () => { await validate!(advertKey(subject.peerId), envelope) }, refusedAs('SUBJECT'))
      await assert.rejects(async () => { await validate!(advertKey(signer.peerId), envelope) }, refusedAs('SUBJECT'))
    })

    it('refuses expired, tampered and garbage values under the right key', async () => {
      const f = await farmer()
      const past = Date.now() - 60 * MINUTE
      const expired = await signedAdvert(f, { seq: past, issuedAt: past, expiresAt: past + 10 * MINUTE })
      await assert.rejects(async () => { await validate!(advertKey(f.peerId), expired) }, refusedAs('EXPIRED'))
      const tampered = (await signedAdvert(f)).slice()
      tampered[tampered.length - 1] ^= 1
      await assert.rejects(async () => { await validate!(advertKey(f.peerId), tampered) }, refusedAs('BAD_SIGNATURE'))
      await assert.rejects(async () => { await validate!(advertKey(f.peerId), fromString('garbage')) }, refusedAs('MALFORMED'))
      await assert.rejects(async () => { await validate!(advertKey(f.peerId), new Uint8Array(0)) }, (err: unknown) => err instanceof Error)
    })
  })

  describe('selector', () => {
    it('picks the highest seq', async () => {
      const f = await farmer()
      const now = Date.now()
      const records = await Promise.all([now, now + 3, now + 1, now + 2].map(async seq => signedAdvert(f, { seq })))
      assert.equal(await select!(advertKey(f.peerId), records), 1)
      assert.equal(await select!(advertKey(f.peerId), records.slice(2)), 1)
      assert.equal(await select!(advertKey(f.peerId), [records[0]]), 0)
    })

    it('the first of equal seqs wins', async () => {
      const f = await farmer()
      const seq = Date.now()
      const records = [await signedAdvert(f, { seq, city: 'a' }), await signedAdvert(f, { seq, city: 'b' })]
      assert.equal(await select!(advertKey(f.peerId), records), 0)
    })

    it('ignores invalid records, however high their seq', async () => {
      const f = await farmer()
      const other = await farmer()
      const now = Date.now()
      const valid = await signedAdvert(f, { seq: now + 2 })
      const tampered = (await signedAdvert(f, { seq: now + 9 })).slice()
      tampered[tampered.length - 1] ^= 1
      const past = now - 60 * MINUTE
      const expired = await signedAdvert(f, { seq: now + 10, issuedAt: past, expiresAt: past + MINUTE })
      const forged = await signAdvert(advertOf(f.peerId, { seq: now + 11 }), other.key)
      const older = await signedAdvert(f, { seq: now + 1 })
      const records = [fromString('garbage'), tampered, expired, valid, forged, older]
      assert.equal(await select!(advertKey(f.peerId), records), 3)
    })

    it('with no valid record at all, answers index 0 (the DHT validated records before selecting)', async () => {
      const f = await farmer()
      assert.equal(await select!(advertKey(f.peerId), [fromString('garbage'), fromString('more garbage')]), 0)
    })
  })
})

describe('index keys', () => {
  const keys: IndexKey[] = [
    { kind: 'farmers' },
    { kind: 'country', country: 'BE' },
    { kind: 'country', country: 'FR' },
    { kind: 'capability', capability: 'zdb' },
    { kind: 'capability', capability: 'gateway' }
  ]

  it('have readable names', () => {
    assert.deepEqual(keys.map(indexKeyName), [
      'p2pcloud:farmers', 'p2pcloud:country:BE', 'p2pcloud:country:FR', 'p2pcloud:capability:zdb', 'p2pcloud:capability:gateway'
    ])
  })

  it('indexKeyCid is CIDv1, raw, sha2-256 of the UTF-8 name', async () => {
    for (const key of keys) {
      const cid = await indexKeyCid(key)
      assert.equal(cid.version, 1)
      assert.equal(cid.code, raw.code)
      assert.equal(cid.multihash.code, sha256.code)
      const expected = createHash('sha256').update(indexKeyName(key), 'utf8').digest()
      assert.deepEqual(Uint8Array.from(cid.multihash.digest), Uint8Array.from(expected))
    }
    // a fixed value, so that any peer (in any language) finds the same providers
    const farmers = await indexKeyCid({ kind: 'farmers' })
    const digest = createHash('sha256').update('p2pcloud:farmers').digest('hex')
    assert.equal(Buffer.from(farmers.bytes).toString('hex'), `01551220${digest}`)
  })

  it('indexKeyCid is deterministic and differs per key', async () => {
    const first = await Promise.all(keys.map(indexKeyCid))
    const second = await Promise.all(keys.map(async key => indexKeyCid({ ...key })))
    assert.deepEqual(first.map(String), second.map(String))
    assert.equal(new Set(first.map(String)).size, keys.length)
  })
})
