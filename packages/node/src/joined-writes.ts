import type { ConnectionEncrypter, MessageStream } from '@libp2p/interface'

/**
 * @libp2p/tcp gives each buffer of a list a socket write of its own, and noise hands it every
 * message as a list of two (its length, then its ciphertext): two syscalls, and with
 * TCP_NODELAY two segments, per message. Joined first, a message is one write.
 */
function joinWrites (connection: MessageStream): MessageStream {
  const send = connection.send.bind(connection)
  connection.send = data => send(data instanceof Uint8Array ? data : data.subarray())
  return connection
}

/** A connection encrypter (noise) whose every message reaches the transport as one write. */
export function joinedWrites<C> (encrypter: (components: C) => ConnectionEncrypter): (components: C) => ConnectionEncrypter {
  return components => {
    const inner = encrypter(components)
    const secureInbound = inner.secureInbound.bind(inner)
    const secureOutbound = inner.secureOutbound.bind(inner)
    inner.secureInbound = async (connection, options) => await secureInbound(joinWrites(connection), options)
    inner.secureOutbound = async (connection, options) => await secureOutbound(joinWrites(connection), options)
    return inner
  }
}
