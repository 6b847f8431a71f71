import { resolve } from 'node:path'
import { pipeline } from 'node:stream/promises'
import { Readable } from 'node:stream'
import type { Command } from 'commander'
import type { BuildResult, FlistEntryView, FlistFetchProgress, Progress, PinnedFlist, PublishResult } from '@p2pcloud/flist'
import { formatSize } from '@p2pcloud/node/home-files'
import { contextOf, daemonClient } from '../context.js'
import { print } from '../output.js'
import { ProgressLine, withProgress } from '../progress.js'

const fetchOrWrite = (p: FlistFetchProgress | Progress): [string, string] => {
  if ('providers' in p) {
    if (p.phase === 'blocks') return [p.phase, `fetching: ${p.blocks}/${p.totalBlocks} blocks, ${formatSize(p.bytes)} of ${formatSize(p.totalBytes)} from ${p.providers} provider(s)`]
    return [p.phase, p.phase === 'manifest' ? 'reading the manifest…' : 'fetched']
  }
  return [p.phase, `writing: ${p.files} files, ${formatSize(p.bytes)}${p.totalBytes != null ? ` of ${formatSize(p.totalBytes)}` : ''}`]
}

const MODE_CHARS = 'rwxrwxrwx'
/** `ls -l` style type and permission bits. */
function modeString (entry: FlistEntryView): string {
  const bits = parseInt(entry.mode, 8)
  const type = { dir: 'd', file: '-', symlink: 'l', hardlink: 'h' }[entry.type]
  return type + [...MODE_CHARS].map((c, i) => (bits & (0o400 >> i)) !== 0 ? c : '-').join('')
}

function entryLine (e: FlistEntryView): string {
  const target = e.target != null ? (e.type === 'symlink' ? ` -> ${e.target}` : ` => ${e.target}`) : ''
  return `${modeString(e)} ${String(e.uid).padStart(5)} ${String(e.gid).padStart(5)} ${formatSize(e.size).padStart(9)} ${e.mtime.slice(0, 16).replace('T', ' ')} ${e.path}${target}`
}

const pinnedLine = (p: PinnedFlist): string => `${p.cid}  ${String(p.entries).padStart(6)} entries  ${formatSize(p.bytes).padStart(9)}  published ${new Date(p.pinnedAtMs).toISOString().slice(0, 16).replace('T', ' ')}`

function registerBuild (flist: Command): void {
  flist
    .command('build')
    .description('build a flist file from a directory, or from an OCI image (--oci)')
    .argument('<source>', 'the directory (or, with --oci, the image tarball)')
    .requiredOption('-o, --output <file>', 'the flist file to write (a CAR archive of every block)')
    .option('--oci', 'the source is an OCI image layout or `docker save` tarball: layers applied in order, whiteouts honoured, entrypoint/env/workdir kept')
    .addHelpText('after', '\nNeeds no daemon. Then `p2pcloud flist publish FILE` makes it fetchable by farmers.')
    .action(async (source: string, options: { output: string, oci?: boolean }, command: Command) => {
      const context = contextOf(command)
      const line = new ProgressLine(context.json)
      const onProgress = (p: Progress): void => { line.update(p.phase, `${p.phase}: ${p.files} files, ${formatSize(p.bytes)}${p.totalBytes != null ? ` of ${formatSize(p.totalBytes)}` : ''}`) }
      const { buildFromDirectory, buildFromOciImage } = await import('@p2pcloud/flist')
      let result: BuildResult
      try {
        result = await (options.oci === true ? buildFromOciImage : buildFromDirectory)(resolve(source), resolve(options.output), { onProgress })
      } finally {
        line.done()
      }
      print(context, { ...result, cid: result.cid.toString(), output: resolve(options.output) }, r => [
        `${r.cid}`,
        `  ${r.entries} entries, ${r.files} files, ${formatSize(r.bytes)} of content in ${r.blocks} blocks (${formatSize(r.uniqueBytes)} once deduplicated)${r.skipped > 0 ? `; ${r.skipped} device/fifo/socket entries left out` : ''}`,
        `  written to ${r.output}`
      ])
    })
}

/** `p2pcloud flist …`: build, publish, list, read and fetch flists. */
export function registerFlist (program: Command): void {
  const flist = program.command('flist').description('container images as flists: build, publish, list, read, fetch')
  registerBuild(flist)

  flist
    .command('publish')
    .description('store a flist file\'s blocks in this peer and provide it in the DHT, so that farmers can fetch it')
    .argument('<file>', 'the flist file (from `flist build`)')
    .action(async (file: string, _options, command: Command) => {
      const context = contextOf(command)
      const result = await withProgress<{ blocks: number, bytes: number }, PublishResult>(context, 'POST', '/v1/flists', { path: resolve(file) },
        p => ['import', `importing: ${p.blocks} blocks, ${formatSize(p.bytes)}`])
      print(context, result, r => [
        r.cid,
        `  ${r.entries} entries, ${r.blocks} blocks, ${formatSize(r.bytes)}; pinned`,
        r.provided ? '  provided in the DHT' : '  not yet provided in the DHT (no DHT peer reachable); it is provided again at the next start'
      ])
    })

  flist
    .command('ls')
    .description('the entries of a directory in a flist; without a CID, the flists this peer published')
    .argument('[cid]', 'the flist')
    .argument('[path]', 'a directory (or file) in it', '/')
    .action(async (cid: string | undefined, path: string, _options, command: Command) => {
      const context = contextOf(command)
      const client = await daemonClient(context)
      if (cid === undefined) {
        print(context, await client.request<PinnedFlist[]>('GET', '/v1/flists'), pins => pins.length === 0 ? ['no flist published on this peer'] : pins.map(pinnedLine))
        return
      }
      const listing = await client.request<{ entries: FlistEntryView[] }>('GET', `/v1/flists/${encodeURIComponent(cid)}/ls?path=${encodeURIComponent(path)}`)
      print(context, listing, l => l.entries.length === 0 ? ['(empty directory)'] : l.entries.map(entryLine))
    })

  flist
    .command('cat')
    .description('print a file of a flist (fetching only its blocks)')
    .argument('<cid>', 'the flist')
    .argument('<path>', 'the file in it')
    .action(async (cid: string, path: string, _options, command: Command) => {
      const client = await daemonClient(contextOf(command))
      await pipeline(Readable.from(client.bytes('GET', `/v1/flists/${encodeURIComponent(cid)}/file?path=${encodeURIComponent(path)}`)), process.stdout, { end: false })
    })

  flist
    .command('get')
    .description('fetch a flist from the mesh and write its tree into a directory')
    .argument('<cid>', 'the flist')
    .argument('<dir>', 'where to write it (must not exist, or be empty)')
    .addHelpText('after', '\nOwners, setuid bits and device-free trees are restored as in the flist; run as root to keep owners.')
    .action(async (cid: string, dir: string, _options, command: Command) => {
      const context = contextOf(command)
      const result = await withProgress<FlistFetchProgress | Progress, { cid: string, dir: string, entries: number, bytes: number }>(
        context, 'POST', `/v1/flists/${encodeURIComponent(cid)}/get`, { dir: resolve(dir) }, fetchOrWrite)
      print(context, result, r => [`${r.cid}: ${r.entries} entries, ${formatSize(r.bytes)} written to ${r.dir}`])
    })

  flist
    .command('unpin')
    .description('stop keeping and providing a flist this peer published')
    .argument('<cid>', 'the flist')
    .action(async (cid: string, _options, command: Command) => {
      const context = contextOf(command)
      const client = await daemonClient(context)
      print(context, await client.request('DELETE', `/v1/flists/${encodeURIComponent(cid)}`), () => [`${cid} unpinned`])
    })
}
