import assert from 'node:assert/strict'
import { readFile, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { peerIdFromString } from '@libp2p/peer-id'
import { multiaddr } from '@multiformats/multiaddr'
import { parseDeploymentSpec } from '@p2pcloud/twin'
import { ZdbClient } from '@p2pcloud/zdb'
import { CONTRACT_PROTOCOL, ZDB_PROTOCOL } from '@p2pcloud/wire'
import { waitFor } from '@p2pcloud/test-utils'
import { declaredFamilies, families, farmerHome, parsePrometheus, sampleSum, spawnDaemon, startMarketPeer, type Sample } from './helpers/index.js'

const MiB = 2 ** 20

async function scrape (url: string, token?: string): Promise<{ status: number, type: string | null, samples: Sample[] }> {
  const res = await fetch(url, { headers: token != null ? { authorization: `Bearer ${token}` } : {} })
  const text = await res.text()
  return { status: res.status, type: res.headers.get('content-type'), samples: res.status === 200 ? parsePrometheus(text) : [] }
}

describe('metrics', () => {
  it('a farmer daemon\'s /metrics parses, on the API behind its token and on metrics.listen without one, and its values move with a zdb deploy and its use', async () => {
    const home = await farmerHome('metrics-farmer', { cru: 2, mru: '4G', sru: '1G', hru: '1G' }, { capabilities: ['zdb'] })
    const configPath = join(home, 'config.json')
    const config = JSON.parse(await readFile(configPath, 'utf8'))
    await writeFile(configPath, JSON.stringify({ ...config, metrics: { listen: '127.0.0.1:0' } }))
    const daemon = await spawnDaemon(home)
    const twin = await startMarketPeer()
    try {
      const { url, token } = JSON.parse(await readFile(join(home, 'api.json'), 'utf8'))
      assert.equal((await scrape(`${url}/metrics`)).status, 401, 'the API\'s /metrics needs its token')
      assert.ok(daemon.ready.metrics != null, 'start --json names the metrics.listen URL')
      const open = await scrape(daemon.ready.metrics)
      assert.equal(open.status, 200)
      assert.match(open.type ?? '', /^text\/plain; version=0\.0\.4/)
      assert.equal((await fetch(daemon.ready.metrics.replace(/\/metrics$/, '/v1/id'))).status, 404, 'metrics.listen serves /metrics only')
      // every family the sample dashboard queries is one the daemon declares
      const declared = declaredFamilies(await (await fetch(daemon.ready.metrics)).text())
      const dashboard = await readFile(new URL('../../docs/grafana-dashboard.json', import.meta.url), 'utf8')
      for (const [name] of dashboard.matchAll(/\b(p2pcloud|libp2p|nodejs|process)_[a-z0-9_]+/g)) {
        assert.ok(declared.has(name.replace(/_bucket$/, '')), `the dashboard's ${name} is declared by the daemon`)
      }

      const before = (await scrape(`${url}/metrics`, token)).samples
      const names = families(before)
      for (const family of ['libp2p_connection_manager_connections', 'nodejs_heap_size_used_bytes', 'nodejs_eventloop_lag_p99_seconds', 'process_resident_memory_bytes',
        'p2pcloud_directory_farmers', 'p2pcloud_capacity', 'p2pcloud_flist_cache_bytes', 'p2pcloud_workload_disk_bytes', 'p2pcloud_dht_routing_table_size']) {
        assert.ok(names.has(family), `${family} is exposed`)
      }
      assert.equal(sampleSum(before, 'p2pcloud_capacity', { resource: 'hru', use: 'total' }), 2 ** 30)
      assert.equal(sampleSum(before, 'p2pcloud_capacity', { resource: 'hru', use: 'reserved' }), 0)
      assert.equal(sampleSum(before, 'p2pcloud_workloads'), 0)
      assert.equal(sampleSum(before, 'p2pcloud_contracts'), 0)

      await twin.node.dial(multiaddr(daemon.ready.addresses[0]))
      await waitFor('the farmer\'s advert', async () => twin.market.directory.size > 0)
      const farmerId = peerIdFromString(daemon.ready.peerId)
      const deployed = await twin.twin.deploy(parseDeploymentSpec('name: objects\nlease: 1h\nworkloads:\n  - {name: shards, type: zdb, size: 16M}\n'))
      const db = new ZdbClient(twin.node, { farmer: farmerId, contractId: deployed.contractId, namespace: 'shards' })
      await db.set(Buffer.from('key'), Buffer.alloc(MiB, 7))

      const after = (await scrape(`${url}/metrics`, token)).samples
      assert.equal(sampleSum(after, 'p2pcloud_contracts', { state: 'active' }), 1)
      assert.equal(sampleSum(after, 'p2pcloud_workloads', { type: 'zdb', state: 'ok' }), 1)
      assert.equal(sampleSum(after, 'p2pcloud_capacity', { resource: 'hru', use: 'reserved' }), 16 * MiB)
      assert.equal(sampleSum(after, 'p2pcloud_capacity', { resource: 'hru', use: 'free' }), 2 ** 30 - 16 * MiB)
      assert.ok(sampleSum(after, 'p2pcloud_workload_disk_bytes', { type: 'zdb' }) > MiB, 'the namespace\'s data file holds the value')
      assert.ok(sampleSum(after, 'p2pcloud_rpc_requests_total', { protocol: CONTRACT_PROTOCOL }) >= 2, 'a quote and a proposal')
      assert.equal(sampleSum(after, 'p2pcloud_rpc_requests_total', { protocol: ZDB_PROTOCOL }), 1)
      assert.equal(sampleSum(after, 'p2pcloud_rpc_request_seconds_count', { protocol: ZDB_PROTOCOL }), 1)
      assert.ok(sampleSum(after, 'libp2p_connection_manager_connections') >= 1)
      assert.ok(families(after).has('p2pcloud_streams'), 'the twin\'s connection has streams open')

      // a stranger's zdb request is an error answer, counted by its code
      const stranger = await startMarketPeer()
      try {
        await stranger.node.dial(multiaddr(daemon.ready.addresses[0]))
        await assert.rejects(new ZdbClient(stranger.node, { farmer: farmerId, contractId: deployed.contractId, namespace: 'shards' }).get(Buffer.from('key')), { name: 'RemoteError' })
      } finally {
        await stranger.node.stop()
      }
      const refused = (await scrape(daemon.ready.metrics)).samples
      assert.equal(sampleSum(refused, 'p2pcloud_rpc_requests_total', { protocol: ZDB_PROTOCOL }), 2)
      assert.equal(sampleSum(refused, 'p2pcloud_rpc_errors_total'), sampleSum(after, 'p2pcloud_rpc_errors_total') + 1)

      await twin.twin.delete('objects')
      await waitFor('the contract to be over and its workloads gone', async () => {
        const gone = (await scrape(`${url}/metrics`, token)).samples
        return sampleSum(gone, 'p2pcloud_contracts', { state: 'active' }) === 0 && sampleSum(gone, 'p2pcloud_workloads') === 0 &&
          sampleSum(gone, 'p2pcloud_capacity', { resource: 'hru', use: 'reserved' }) === 0
      })
    } finally {
      await twin.node.stop()
      assert.equal(await daemon.stop(), 0)
      await rm(home, { recursive: true, force: true })
    }
  })
})
