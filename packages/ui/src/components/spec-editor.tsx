import { errorPlace } from '../wizard-spec.js'

/**
 * The spec as YAML, editable, with line numbers; the line a spec error names is marked, so
 * that the daemon's `line:column` points somewhere the user can see.
 */
export function SpecEditor ({ yaml, error, onChange }: { yaml: string, error?: Error, onChange: (yaml: string) => void }) {
  const place = error?.name === 'SpecError' ? errorPlace(error.message) : undefined
  const count = yaml.split('\n').length
  return (
    <div class="editor">
      <pre class="gutter" aria-hidden="true">
        {Array.from({ length: count }, (_, i) => <span key={i} class={place?.line === i + 1 ? 'bad' : ''}>{i + 1}{'\n'}</span>)}
      </pre>
      <textarea name="spec" spellcheck={false} rows={count + 1} value={yaml} onInput={e => { onChange(e.currentTarget.value) }} />
    </div>
  )
}
