import { Twin, type TwinComponents, type TwinOptions } from './twin.js'

/** The 3Bot SDK as a libp2p service; it uses the capacity market and contracts services. */
export function twinService (options: TwinOptions = {}): (components: TwinComponents) => Twin {
  return components => new Twin(components, options)
}
