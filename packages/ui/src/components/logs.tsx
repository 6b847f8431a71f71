import { useEffect, useRef, useState } from 'preact/hooks'
import { lines } from '../api.js'
import type { LogLine } from '../types.js'
import { ErrorBox } from './feedback.js'

/** What the page keeps of a log: older output is dropped past this many characters. */
const KEPT_CHARS = 200_000
/** What the daemon sends first: the newest output up to this many bytes, then what comes. */
const TAIL_BYTES = 65_536

function decode (data: string): string {
  return new TextDecoder().decode(Uint8Array.from(atob(data), c => c.charCodeAt(0)))
}

/** A container's output, followed live from the farmer until the page leaves. */
export function Logs ({ deployment, workload }: { deployment: string, workload: string }) {
  const [text, setText] = useState('')
  const [error, setError] = useState<Error>()
  const [following, setFollowing] = useState(false)
  const box = useRef<HTMLPreElement>(null)
  useEffect(() => {
    const stop = new AbortController()
    setText('')
    setError(undefined)
    const path = `/v1/deployments/${encodeURIComponent(deployment)}/logs?workload=${encodeURIComponent(workload)}&follow=1&tail=${TAIL_BYTES}`
    void (async () => {
      setFollowing(true)
      try {
        for await (const line of lines<LogLine>(path, stop.signal)) {
          const chunk = line.stream === 'stderr' ? decode(line.data).replace(/^(?=.)/gm, '! ') : decode(line.data)
          setText(t => (t + chunk).slice(-KEPT_CHARS))
        }
      } catch (err: any) {
        if (!stop.signal.aborted) setError(err)
      } finally {
        if (!stop.signal.aborted) setFollowing(false)
      }
    })()
    return () => { stop.abort() }
  }, [deployment, workload])
  useEffect(() => {
    const el = box.current
    if (el != null) el.scrollTop = el.scrollHeight
  }, [text])
  return (
    <div class="logs">
      <h3>Logs of {workload} {following ? <span class="tag ok">following</span> : <span class="tag">stopped</span>}</h3>
      {error != null && <ErrorBox error={error} />}
      <pre ref={box} data-workload={workload}>{text === '' ? '(no output yet)' : text}</pre>
    </div>
  )
}
