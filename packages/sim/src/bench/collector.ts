import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'

/** `gc()` without --expose-gc on the command line (`npm run bench` runs plain node). */
export function collector (): () => void {
  setFlagsFromString('--expose-gc')
  return runInNewContext('gc') as () => void
}
