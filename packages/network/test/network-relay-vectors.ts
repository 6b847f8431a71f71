import { networkRelayMessages, vectorKit } from '@p2pcloud/wire'
import type { VectorFiles } from '@p2pcloud/test-utils'

/**
 * The generator of the network relay's vectors (protocols/vectors/network-relay/messages.json),
 * which vectors.test.ts checks. Deterministic: fixed fields. Run by `npm run vectors`.
 */

type Json = vectorKit.Json
const { hex, unhex } = vectorKit

const NETWORK_ID = '00112233445566778899aabbccddeeff'
const PUBLIC_KEY = '0e5cc1ed5ee0c1e3a1b4a7b70c4b1f9d43e2a1f5d6c7b8a99aabbccddeeff001'
/** A WireGuard handshake initiation is 148 bytes: type 1, three reserved zeros, then 144 bytes. */
const HANDSHAKE_INITIATION = '01000000' + '5a'.repeat(144)

interface Message { name: string, message: 'RelayOpen' | 'RelayAccept', fields: Json, value: any }

const messages: Message[] = [
  { name: 'open', message: 'RelayOpen', fields: { network_id: NETWORK_ID, public_key: PUBLIC_KEY }, value: { networkId: unhex(NETWORK_ID), publicKey: unhex(PUBLIC_KEY) } },
  { name: 'accept', message: 'RelayAccept', fields: {}, value: {} },
  {
    name: 'refuse-not-found',
    message: 'RelayAccept',
    fields: { error: { code: 'NOT_FOUND', message: 'no such network here, or you are not a member of it' } },
    value: { error: { code: 'NOT_FOUND', message: 'no such network here, or you are not a member of it', retryAfterMs: 0 } }
  }
]

export async function generateVectors (): Promise<VectorFiles> {
  return {
    'network-relay/messages.json': {
      protocol: '/p2pcloud/network-relay/1.0.0',
      description: 'The handshake messages of the network relay (network-relay.md §5) with their stream frames, and one datagram frame: a 148-byte WireGuard handshake initiation behind its uvarint length.',
      vectors: [
        ...messages.map(({ name, message, fields, value }) => ({ name, message, fields, ...vectorKit.encodedAndFrame(networkRelayMessages[message].encode(value)) })),
        { name: 'datagram-handshake-initiation', message: 'datagram', fields: { datagram: HANDSHAKE_INITIATION }, frame: hex(vectorKit.frame(unhex(HANDSHAKE_INITIATION))) }
      ]
    }
  }
}
