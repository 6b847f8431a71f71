import { multiaddr, type Multiaddr } from '@multiformats/multiaddr'
import { InvalidMultiaddrError } from './errors.js'

/** Parse a multiaddr typed by a person, with an error that quotes it. */
export function parseMultiaddr (text: string): Multiaddr {
  try {
    return multiaddr(text)
  } catch (err: any) {
    throw new InvalidMultiaddrError(`invalid multiaddr "${text}": ${err.message}`)
  }
}

/** Parse a multiaddr that must name its peer (`.../p2p/<peer id>`), as dial targets and bootstrap entries do. */
export function parsePeerMultiaddr (text: string): Multiaddr {
  const ma = parseMultiaddr(text)
  if (ma.getComponents().find(c => c.name === 'p2p') == null) {
    throw new InvalidMultiaddrError(`multiaddr "${text}" has no /p2p/<peer id> part; a peer address must name the peer`)
  }
  return ma
}

/** For validators: the error message, or undefined when the text is a valid multiaddr. */
export function multiaddrProblem (text: string, needsPeerId: boolean): string | undefined {
  try {
    if (needsPeerId) parsePeerMultiaddr(text)
    else parseMultiaddr(text)
    return undefined
  } catch (err: any) {
    return err.message
  }
}
