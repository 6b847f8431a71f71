/** How a command prints: for people by default, exact JSON with --json. */
export interface OutputOptions {
  json?: boolean
}

export function printJson (value: unknown): void {
  process.stdout.write(JSON.stringify(value, null, 2) + '\n')
}

/** Print `value` as JSON when asked, else the lines `human` makes of it. */
export function print<T> (options: OutputOptions, value: T, human: (value: T) => string[]): void {
  if (options.json === true) {
    printJson(value)
  } else {
    process.stdout.write(human(value).join('\n') + '\n')
  }
}

/** One clear line on stderr naming the problem; the stack only when debugging. */
export function printError (err: any): void {
  const message = typeof err?.message === 'string' ? err.message : String(err)
  process.stderr.write(`error: ${message}\n`)
  if (process.env.P2PCLOUD_DEBUG != null && err?.stack != null) {
    process.stderr.write(`${err.stack}\n`)
  }
}
