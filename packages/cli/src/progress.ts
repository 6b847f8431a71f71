/**
 * Progress of long work on stderr, so that stdout stays the result: rewritten in place on a
 * terminal, one line per phase otherwise (logs and scripts). Silent with --json.
 */
export class ProgressLine {
  private shown = ''
  private phase = ''

  constructor (private readonly quiet: boolean) {}

  update (phase: string, text: string): void {
    if (this.quiet) return
    if (process.stderr.isTTY) {
      process.stderr.write(`\r${text.padEnd(this.shown.length)}`)
      this.shown = text
    } else if (phase !== this.phase) {
      process.stderr.write(`${text}\n`)
    }
    this.phase = phase
  }

  /** Ends the line on a terminal before the result is printed. */
  done (): void {
    if (!this.quiet && process.stderr.isTTY && this.shown !== '') process.stderr.write('\n')
    this.shown = ''
  }
}
