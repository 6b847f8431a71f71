/** One sample of a scrape: its metric name, its labels and its value. */
export interface Sample {
  name: string
  labels: Record<string, string>
  value: number
}

const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)(?: \d+)?$/
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"(?:,|$)/y

/**
 * Parse Prometheus text exposition format 0.0.4 strictly: every line a comment (`# HELP`,
 * `# TYPE` with a known type) or a sample whose labels and value parse; anything else throws.
 */
export function parsePrometheus (text: string): Sample[] {
  const samples: Sample[] = []
  for (const [index, line] of text.split('\n').entries()) {
    if (line === '') continue
    const where = `line ${index + 1}: ${line.slice(0, 120)}`
    if (line.startsWith('#')) {
      if (!/^# (HELP [a-zA-Z_:][a-zA-Z0-9_:]* .*|TYPE [a-zA-Z_:][a-zA-Z0-9_:]* (counter|gauge|histogram|summary|untyped))$/.test(line)) throw new Error(`not a HELP or TYPE comment, ${where}`)
      continue
    }
    const match = SAMPLE.exec(line)
    if (match == null) throw new Error(`not a sample, ${where}`)
    const labels: Record<string, string> = {}
    const text = match[2] ?? ''
    LABEL.lastIndex = 0
    while (LABEL.lastIndex < text.length) {
      const label = LABEL.exec(text)
      if (label == null) throw new Error(`labels that do not parse, ${where}`)
      labels[label[1]] = label[2].replace(/\\(.)/g, (_, c: string) => c === 'n' ? '\n' : c)
    }
    // as Prometheus reads it (Go's ParseFloat): NaN and Inf in any case (prom-client writes "Nan")
    const special = match[3].toLowerCase()
    const value = special === 'nan' ? NaN : /^[+-]?inf$/.test(special) ? (special.startsWith('-') ? -Infinity : Infinity) : Number(match[3])
    if (Number.isNaN(value) && special !== 'nan') throw new Error(`a value that is not a number, ${where}`)
    samples.push({ name: match[1], labels, value })
  }
  return samples
}

/** The sum of the samples named `name` whose labels include `labels`. */
export function sampleSum (samples: Sample[], name: string, labels: Record<string, string> = {}): number {
  return samples
    .filter(s => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))
    .reduce((sum, s) => sum + s.value, 0)
}

/** The metric family names (without _bucket/_sum/_count of histograms) in a scrape. */
export function families (samples: Sample[]): Set<string> {
  return new Set(samples.map(s => s.name.replace(/_(bucket|sum|count)$/, '')))
}

/** The metric families a scrape declares (`# TYPE` lines), with or without samples yet. */
export function declaredFamilies (text: string): Set<string> {
  return new Set([...text.matchAll(/^# TYPE (\S+) /gm)].map(match => match[1]))
}
