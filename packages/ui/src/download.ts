import { DaemonError, open } from './api.js'

/**
 * GET raw bytes, reporting the bytes received, then hand them to the browser as a file download.
 * A body cut short (the daemon could not read the rest from the farmers) is an error, never a
 * short file.
 */
export async function download (path: string, name: string, size: number, onReceived: (received: number) => void): Promise<void> {
  const response = await open(path)
  const parts: Uint8Array[] = []
  let received = 0
  const reader = response.body!.getReader()
  try {
    for (let next = await reader.read(); next.done !== true; next = await reader.read()) {
      parts.push(next.value)
      received += next.value.length
      onReceived(received)
    }
  } catch {
    throw new DaemonError(200, 'DownloadCutShort', `the daemon stopped after ${received} of ${size} bytes; see "p2pcloud store status" for the object's shards`)
  }
  if (received !== size) throw new DaemonError(200, 'DownloadCutShort', `the daemon sent ${received} of ${size} bytes`)
  const url = URL.createObjectURL(new Blob(parts as BlobPart[]))
  const link = Object.assign(document.createElement('a'), { href: url, download: name })
  link.click()
  setTimeout(() => { URL.revokeObjectURL(url) }, 60_000)
}
