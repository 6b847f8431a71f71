import type { PeerExtension } from '@p2pcloud/node'
import { Twin, type TwinComponents, type TwinOptions } from './twin.js'

/** The 3Bot SDK as a libp2p service; add it after the capacity and contracts extensions. */
export function twinExtension (options: TwinOptions = {}): PeerExtension {
  return { services: { twin: (components: TwinComponents) => new Twin(components, options) } }
}
