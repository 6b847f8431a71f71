import { execFile } from 'node:child_process'

export interface CurlResult {
  /** curl's exit code: 0 for a response of any status, other codes for failures (35: TLS handshake, 52: empty reply …). */
  exitCode: number
  status: number
  body: string
  stderr: string
}

/**
 * Runs curl against the front door, with `--resolve` so that names need no DNS; every run is
 * bounded (`--max-time`) and reports the status and body instead of failing on 4xx/5xx.
 */
export async function curl (url: string, args: string[] = [], maxTimeSeconds = 20): Promise<CurlResult> {
  return await new Promise(resolve => {
    execFile('curl', ['--silent', '--show-error', '--max-time', String(maxTimeSeconds), '--write-out', '\n%{http_code}', ...args, url],
      { maxBuffer: 64 * 1024 * 1024 },
      (err, stdout, stderr) => {
        const cut = stdout.lastIndexOf('\n')
        resolve({
          exitCode: err == null ? 0 : (err as any).code ?? -1,
          status: Number(stdout.slice(cut + 1)),
          body: stdout.slice(0, cut),
          stderr
        })
      })
  })
}

/** `--resolve` arguments that send each name to 127.0.0.1 on both front-door ports. */
export function resolveTo127 (names: string[], ports: number[]): string[] {
  return names.flatMap(name => ports.flatMap(port => ['--resolve', `${name}:${port}:127.0.0.1`]))
}
