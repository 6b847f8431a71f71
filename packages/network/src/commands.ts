import { execFile } from 'node:child_process'
import { promisify } from 'node:util'

const execFileAsync = promisify(execFile)

/** A command failed; its message carries the command and what it wrote to stderr. */
export class CommandError extends Error {
  override name = 'CommandError'
}

/** Run `command args…`, inside network namespace `netns` when given (`ip netns exec`); resolves with stdout. */
export async function run (command: string, args: string[], options: { netns?: string } = {}): Promise<string> {
  const [file, argv] = options.netns === undefined ? [command, args] : ['ip', ['netns', 'exec', options.netns, command, ...args]]
  try {
    return (await execFileAsync(file, argv, { maxBuffer: 16 * 2 ** 20 })).stdout
  } catch (err: any) {
    throw new CommandError(`${[command, ...args].join(' ')}: ${String(err.stderr ?? err.message).trim()}`)
  }
}

/** `ip …`, in `netns` when given. */
export async function ip (args: string[], netns?: string): Promise<string> {
  return await run('ip', netns === undefined ? args : ['-n', netns, ...args])
}
