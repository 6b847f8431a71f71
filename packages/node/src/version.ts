import { readFileSync } from 'node:fs'

/** The p2pcloud software version, from this package's package.json (dist/src/ → ../../). */
export const VERSION: string = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')).version
