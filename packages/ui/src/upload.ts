import { DaemonError, LOGGED_OUT } from './api.js'

/**
 * POST a file as the request body, reporting the bytes sent: fetch cannot tell how far an upload
 * got, XMLHttpRequest can. The daemon reads the body only as fast as it stores it, so the bytes
 * sent follow the bytes stored. The answer is NDJSON; its `done` line is the result.
 */
export async function upload<R> (path: string, file: File, onSent: (sent: number, total: number) => void): Promise<R> {
  const xhr = new XMLHttpRequest()
  xhr.open('POST', path)
  xhr.upload.onprogress = event => { onSent(event.loaded, event.total) }
  const text = await new Promise<string>((resolve, reject) => {
    xhr.onload = () => { resolve(xhr.responseText) }
    xhr.onerror = () => { reject(new DaemonError(0, 'DaemonUnreachable', 'the upload was cut off; is "p2pcloud start" still running?')) }
    xhr.send(file)
  })
  if (xhr.status === 401) dispatchEvent(new Event(LOGGED_OUT))
  const values = text.split('\n').filter(line => line.trim() !== '').map(line => {
    try {
      return JSON.parse(line)
    } catch {
      throw new DaemonError(xhr.status, 'InvalidResponse', `the daemon answered ${xhr.status} with something that is not JSON`)
    }
  })
  const last = values.at(-1)
  if (last?.error != null) throw new DaemonError(xhr.status, last.error.name, last.error.message)
  if (last?.done === undefined) throw new DaemonError(xhr.status, 'InvalidResponse', 'the upload\'s answer ended without its result')
  return last.done as R
}
