import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { MemoryDatastore } from 'datastore-core'
import { encodeNetworkResult, generateWireguardKeys, type NetworkWorkloadSpec } from '@p2pcloud/network'
import {
  NetworkMembers, NetworkStore, assignAddress, checkRange, defaultRange, memberOf, networkWorkload, networkWorkloadsOf, wgQuickConfig,
  type DeploymentSpec, type NetworkHost, type PrivateNetwork, type TwinDeploymentRecord, type WorkloadSpec
} from '../src/index.js'

const peer = async (): Promise<string> => peerIdFromPrivateKey(await generateKeyPair('Ed25519')).toString()
const key = (): string => generateWireguardKeys().publicKey

const network = (members: PrivateNetwork['members'] = []): PrivateNetwork =>
  ({ name: 'backend', networkId: '00'.repeat(16), range: '10.20.0.0/16', createdAt: 0, members })

describe('network address plan', () => {
  it('gives a new network a free 10.n.0.0/16, and says so when none is left', () => {
    const taken = Array.from({ length: 255 }, (_, n) => `10.${n}.0.0/16`)
    assert.equal(defaultRange(taken), '10.255.0.0/16')
    assert.equal(defaultRange(['10.0.0.0/16'], () => 0), '10.1.0.0/16')
    assert.throws(() => defaultRange([...taken, '10.255.0.0/16']), { name: 'NetworkSpecError', message: /every \/16 of 10\.0\.0\.0\/8 is taken/ })
  })

  it('checks a given range: a private /16 that no other network of the twin has', () => {
    assert.equal(checkRange('172.16.0.0/16', []), '172.16.0.0/16')
    assert.throws(() => checkRange('10.20.0.0/24', []), { name: 'NetworkSpecError', message: /--range: "10\.20\.0\.0\/24" is not a \/16/ })
    assert.throws(() => checkRange('8.8.0.0/16', []), { name: 'NetworkSpecError', message: /not a private range/ })
    assert.throws(() => checkRange('10.20.0.0/16', [network()]), { name: 'NetworkSpecError', message: /range of network "backend" already/ })
  })

  it('gives a new member the lowest free /24 and keeps a member\'s own', async () => {
    const [a, b, c] = [await peer(), await peer(), await peer()]
    const net = network([{ peerId: a, kind: 'farmer', subnet: 1, endpoints: [], deployments: ['x'] }, { peerId: b, kind: 'farmer', subnet: 3, endpoints: [], deployments: ['y'] }])
    assert.equal(memberOf(net, b, 'farmer').subnet, 3)
    assert.equal(memberOf(net, c, 'farmer').subnet, 2)
    const full = network(Array.from({ length: 254 }, (_, i) => ({ peerId: `p${i}`, kind: 'farmer' as const, subnet: i + 1, endpoints: [], deployments: [] })))
    assert.throws(() => memberOf(full, c, 'farmer'), { name: 'NetworkFull', message: new RegExp(`no /24 left for ${c}`) })
  })

  it('gives a container the address asked for when it is free in the farmer\'s /24, else the lowest free one', () => {
    assert.equal(assignAddress('10.20.0.0/16', 3, [], undefined, 'c'), '10.20.3.2')
    assert.equal(assignAddress('10.20.0.0/16', 3, ['10.20.3.2', '10.20.3.4'], undefined, 'c'), '10.20.3.3')
    assert.equal(assignAddress('10.20.0.0/16', 3, [], '10.20.3.7', 'c'), '10.20.3.7')
    assert.throws(() => assignAddress('10.20.0.0/16', 3, [], '10.20.4.7', 'container "api"'), { name: 'NetworkSpecError', message: /container "api": ip 10\.20\.4\.7 is not in this farmer's 10\.20\.3\.0\/24/ })
    assert.throws(() => assignAddress('10.20.0.0/16', 3, [], '10.20.3.1', 'c'), { name: 'NetworkSpecError', message: /from \.2 to \.254/ })
    assert.throws(() => assignAddress('10.20.0.0/16', 3, ['10.20.3.7'], '10.20.3.7', 'c'), { name: 'NetworkSpecError', message: /taken/ })
    assert.throws(() => assignAddress('10.20.0.0/16', 3, [], '10.20.3.x', 'c'), { name: 'NetworkSpecError', message: /not an IPv4 address/ })
    const all = Array.from({ length: 253 }, (_, i) => `10.20.3.${i + 2}`)
    assert.throws(() => assignAddress('10.20.0.0/16', 3, all, undefined, 'c'), { name: 'NetworkFull' })
  })

  it('tells each member of every other member whose key is known, not of itself', async () => {
    const [a, b, c] = [await peer(), await peer(), await peer()]
    const keyB = key()
    const net = network([
      { peerId: a, kind: 'farmer', subnet: 1, publicKey: key(), endpoints: [], deployments: ['x'] },
      { peerId: b, kind: 'machine', subnet: 2, publicKey: keyB, endpoints: ['198.18.0.2:51820'], deployments: [] },
      { peerId: c, kind: 'farmer', subnet: 3, endpoints: [], deployments: ['z'] }
    ])
    const workload = networkWorkload(net, net.members[0])
    assert.deepEqual(workload, { name: 'net-backend', type: 'network', networkId: net.networkId, range: '10.20.0.0/16', subnet: 1, members: [{ peerId: b, publicKey: keyB, subnet: 2, endpoints: ['198.18.0.2:51820'] }] })
  })
})

describe('NetworkStore', () => {
  it('creates networks with a random id and distinct ranges, refuses a second of one name and bad names', async () => {
    const store = new NetworkStore(new MemoryDatastore())
    const a = await store.create('backend')
    const b = await store.create('front', { range: '192.168.0.0/16' })
    assert.match(a.networkId, /^[0-9a-f]{32}$/)
    assert.notEqual(a.networkId, (await store.create('other')).networkId)
    assert.match(a.range, /^10\.\d+\.0\.0\/16$/)
    assert.equal(b.range, '192.168.0.0/16')
    assert.deepEqual((await store.list()).map(n => n.name), ['backend', 'front', 'other'])
    assert.notEqual((await store.get('other')).range, a.range)
    await assert.rejects(store.create('backend'), { name: 'NetworkExists' })
    await assert.rejects(store.create('Back end'), { name: 'NetworkSpecError', message: /not a network name/ })
    await assert.rejects(store.create('x'.repeat(33)), { name: 'NetworkSpecError' })
    await assert.rejects(store.create('dup', { range: a.range }), { name: 'NetworkSpecError', message: /range of network "backend"/ })
    await assert.rejects(store.get('nope'), { name: 'NetworkNotFound', message: /p2pcloud network create nope/ })
    await assert.rejects(store.get('../pools/default'), { name: 'NetworkNotFound' })
  })

  it('refuses to remove a network deployments use, naming them, unless forced', async () => {
    const store = new NetworkStore(new MemoryDatastore())
    const net = await store.create('backend')
    await store.put({ ...net, members: [{ peerId: await peer(), kind: 'farmer', subnet: 1, endpoints: [], deployments: ['api', 'db'] }] })
    await assert.rejects(store.remove('backend'), { name: 'NetworkInUse', message: /used by deployment\(s\) api, db/ })
    await store.remove('backend', { force: true })
    await assert.rejects(store.get('backend'), { name: 'NetworkNotFound' })
  })

  it('runs changes to one network one at a time, and to others alongside', async () => {
    const store = new NetworkStore(new MemoryDatastore())
    const events: string[] = []
    const step = (name: string, ms: number) => async () => { events.push(`${name}+`); await new Promise(resolve => setTimeout(resolve, ms)); events.push(`${name}-`) }
    await Promise.all([store.serialize(['n'], step('a', 30)), store.serialize(['n', 'm'], step('b', 5)), store.serialize(['o'], step('c', 5))])
    assert.deepEqual(events.filter(e => e.startsWith('a') || e.startsWith('b')), ['a+', 'a-', 'b+', 'b-'])
    assert.ok(events.indexOf('c-') < events.indexOf('a-'), 'another network waits for nothing')
    // a failed change does not stop the next one
    await assert.rejects(store.serialize(['n'], async () => { throw new Error('boom') }), /boom/)
    assert.equal(await store.serialize(['n'], async () => 'next'), 'next')
  })
})

/** A twin's deployments as NetworkMembers sees them: records in a map, each farmer's network result, pushes recorded (or refused). */
class Deployments implements NetworkHost {
  readonly records = new Map<string, TwinDeploymentRecord>()
  readonly keys = new Map<string, string>()
  readonly pushes: string[] = []
  refuse?: string
  /** The peer that joins as a machine. */
  self = ''

  record = async (name: string): Promise<TwinDeploymentRecord | undefined> => this.records.get(name)
  push = async (record: TwinDeploymentRecord, spec: DeploymentSpec): Promise<void> => {
    if (this.refuse === record.farmer) throw new Error('no answer')
    this.pushes.push(record.name)
    this.records.set(record.name, { ...record, spec, version: record.version + 1 })
  }

  results = async (record: TwinDeploymentRecord): Promise<Map<string, Uint8Array>> => {
    const publicKey = this.keys.get(record.farmer) ?? key()
    this.keys.set(record.farmer, publicKey)
    return new Map(networkWorkloadsOf(record.spec.workloads).map(w => [w.name, encodeNetworkResult({ publicKey, endpoints: ['198.18.0.9:51820'], paths: [] })]))
  }

  add (name: string, farmer: string, spec: DeploymentSpec): TwinDeploymentRecord {
    const record = { name, farmer, contractId: name, spec, version: 1, workloadVersions: {}, createdAt: 0 }
    this.records.set(name, record)
    return record
  }
}

const container = (name: string, network?: string, ip?: string): WorkloadSpec =>
  ({ name, type: 'container', flist: 'x', env: {}, cpu: 1, memory: 1, rootfs: 1, mounts: [], restart: 'never', network, ip }) as WorkloadSpec
const spec = (name: string, ...workloads: WorkloadSpec[]): DeploymentSpec => ({ name, where: {}, leaseMs: 3_600_000, workloads })
const net = (s: DeploymentSpec): NetworkWorkloadSpec => networkWorkloadsOf(s.workloads)[0]

describe('NetworkMembers', () => {
  it('puts a network workload into a spec whose containers name a network, and an address into each such container', async () => {
    const host = new Deployments()
    const members = new NetworkMembers(new NetworkStore(new MemoryDatastore()), host)
    await members.store.create('backend', { range: '10.20.0.0/16' })
    const farmer = await peer()
    const prepared = await members.prepare(spec('app', container('api', 'backend'), container('db', 'backend', '10.20.1.9'), container('alone')), farmer)
    assert.deepEqual(net(prepared), { name: 'net-backend', type: 'network', networkId: (await members.store.get('backend')).networkId, range: '10.20.0.0/16', subnet: 1, members: [] })
    const byName = Object.fromEntries(prepared.workloads.map(w => [w.name, w as any]))
    assert.deepEqual([byName.api.network, byName.api.ip, byName.db.network, byName.db.ip, byName.alone.network], ['net-backend', '10.20.1.2', 'net-backend', '10.20.1.9', undefined])
    await assert.rejects(members.prepare(spec('app', container('api', 'nope')), farmer), { name: 'NetworkNotFound' })
    await assert.rejects(members.prepare(spec('app', container('api', 'backend'), container('net-backend')), farmer), { name: 'NetworkSpecError', message: /"net-backend" is taken/ })
    await assert.rejects(members.prepare(spec('app', container('api', 'backend', '10.20.2.5')), farmer), { name: 'NetworkSpecError', message: /deployment "app", container "api" in network "backend": ip 10\.20\.2\.5 is not in this farmer's 10\.20\.1\.0\/24/ })
  })

  it('makes a settled deployment\'s farmer a member, tells the others, keeps addresses apart on one farmer, and removes a member that left', async () => {
    const host = new Deployments()
    const members = new NetworkMembers(new NetworkStore(new MemoryDatastore()), host)
    await members.store.create('backend', { range: '10.20.0.0/16' })
    const [f1, f2] = [await peer(), await peer()]
    const deploy = async (name: string, farmer: string, ...workloads: WorkloadSpec[]): Promise<TwinDeploymentRecord> => {
      const record = host.add(name, farmer, await members.prepare(spec(name, ...workloads), farmer))
      assert.deepEqual(await members.reconcile(record, undefined), [])
      return record
    }
    await deploy('db', f1, container('db', 'backend'))
    const api = await deploy('api', f2, container('api', 'backend'))
    assert.equal(net(api.spec).subnet, 2)
    assert.deepEqual(net(api.spec).members.map(m => [m.peerId, m.subnet, m.publicKey]), [[f1, 1, host.keys.get(f1)]])
    // db is told of api: a new version in which only its network workload changed
    assert.deepEqual(host.pushes, ['db'])
    const db = host.records.get('db') as TwinDeploymentRecord
    assert.deepEqual(net(db.spec).members.map(m => [m.peerId, m.subnet, m.publicKey, m.endpoints]), [[f2, 2, host.keys.get(f2), ['198.18.0.9:51820']]])
    assert.deepEqual(db.spec.workloads.filter(w => w.type === 'container'), (await members.prepare(spec('db', container('db', 'backend')), f1, db)).workloads.filter(w => w.type === 'container'))
    // a second deployment on f1: same /24, the next address; nobody else needs telling
    const cache = await deploy('cache', f1, container('cache', 'backend'))
    assert.equal((cache.spec.workloads.find(w => w.name === 'cache') as any).ip, '10.20.1.3')
    assert.deepEqual(host.pushes, ['db'])
    const shown = await members.show('backend')
    assert.deepEqual(shown.members.map(m => [m.peerId, m.cidr, m.address, m.deployments, m.paths]), [[f1, '10.20.1.0/24', '10.20.1.1', ['cache', 'db'], []], [f2, '10.20.2.0/24', '10.20.2.1', ['api'], []]])
    // api leaves: f2 is no longer a member, and f1's deployments no longer list it
    host.records.delete('api')
    assert.deepEqual(await members.reconcile(undefined, api), [])
    assert.deepEqual((await members.store.get('backend')).members.map(m => m.peerId), [f1])
    assert.deepEqual(net((host.records.get('db') as TwinDeploymentRecord).spec).members, [])
    assert.deepEqual(net((host.records.get('cache') as TwinDeploymentRecord).spec).members, [])
  })

  it('keeps a container\'s address over an update, and an update that takes the last container off the network makes its farmer leave', async () => {
    const host = new Deployments()
    const members = new NetworkMembers(new NetworkStore(new MemoryDatastore()), host)
    await members.store.create('backend', { range: '10.20.0.0/16' })
    const [f1, f2] = [await peer(), await peer()]
    const db = host.add('db', f1, await members.prepare(spec('db', container('db', 'backend')), f1))
    await members.reconcile(db, undefined)
    const first = host.add('api', f2, await members.prepare(spec('api', container('x', 'backend'), container('api', 'backend')), f2))
    await members.reconcile(first, undefined)
    // x leaves, y comes: api keeps .3, y gets the freed .2
    const second = host.add('api', f2, await members.prepare(spec('api', container('y', 'backend'), container('api', 'backend')), f2, first))
    assert.deepEqual(second.spec.workloads.filter(w => w.type === 'container').map(w => [w.name, (w as any).ip]), [['y', '10.20.2.2'], ['api', '10.20.2.3']])
    assert.deepEqual(await members.reconcile(second, first), [])
    // a new container listed before one that keeps its address does not take it; one given an address takes it even from a kept one
    const reordered = await members.prepare(spec('api', container('z', 'backend'), container('api', 'backend'), container('y', 'backend', '10.20.2.2')), f2, second)
    assert.deepEqual(reordered.workloads.filter(w => w.type === 'container').map(w => [w.name, (w as any).ip]), [['z', '10.20.2.4'], ['api', '10.20.2.3'], ['y', '10.20.2.2']])
    const taken = await members.prepare(spec('api', container('api', 'backend'), container('w', 'backend', '10.20.2.3')), f2, second)
    assert.deepEqual(taken.workloads.filter(w => w.type === 'container').map(w => [w.name, (w as any).ip]), [['api', '10.20.2.2'], ['w', '10.20.2.3']])
    // no container in the network any more: no network workload, f2 leaves, db is told
    const third = host.add('api', f2, await members.prepare(spec('api', container('api')), f2, second))
    assert.deepEqual(networkWorkloadsOf(third.spec.workloads), [])
    assert.deepEqual(await members.reconcile(third, second), [])
    assert.deepEqual((await members.store.get('backend')).members.map(m => m.peerId), [f1])
    assert.deepEqual(net((host.records.get('db') as TwinDeploymentRecord).spec).members, [])
  })

  it('names the farmer a new member list could not be pushed to, after a bounded number of tries', async () => {
    const host = new Deployments()
    const members = new NetworkMembers(new NetworkStore(new MemoryDatastore()), host)
    await members.store.create('backend')
    const [f1, f2] = [await peer(), await peer()]
    const db = host.add('db', f1, await members.prepare(spec('db', container('db', 'backend')), f1))
    await members.reconcile(db, undefined)
    host.refuse = f1
    const api = host.add('api', f2, await members.prepare(spec('api', container('api', 'backend')), f2))
    const notes = await members.reconcile(api, undefined)
    assert.deepEqual(notes, [`network "backend": farmer ${f1} (deployment "db") was not told of the new members: no answer`])
    // the next change tells it
    host.refuse = undefined
    host.self = await peer()
    const { notes: joined } = await members.join('backend', key())
    assert.deepEqual(joined, [])
    assert.equal(net((host.records.get('db') as TwinDeploymentRecord).spec).members.length, 2)
  })

  it('does not pass on a farmer\'s report that takes another member\'s key, and shows its paths\' endpoints only when they are endpoints', async () => {
    const host = new Deployments()
    const members = new NetworkMembers(new NetworkStore(new MemoryDatastore()), host)
    await members.store.create('backend')
    const [f1, f2] = [await peer(), await peer()]
    const db = host.add('db', f1, await members.prepare(spec('db', container('db', 'backend')), f1))
    await members.reconcile(db, undefined)
    host.keys.set(f2, host.keys.get(f1) as string)
    const api = host.add('api', f2, await members.prepare(spec('api', container('api', 'backend')), f2))
    assert.deepEqual(await members.reconcile(api, undefined), [`network "backend": farmer ${f2}: it reported the WireGuard key of member ${f1}; the other members are not told of it yet`])
    assert.deepEqual(net((host.records.get('db') as TwinDeploymentRecord).spec).members, [])
    assert.equal((await members.store.get('backend')).members.find(m => m.peerId === f2)?.publicKey, undefined)
    // a hostile endpoint in a path (shown to people) is left out
    host.results = async () => new Map([['net-backend', encodeNetworkResult({ publicKey: key(), endpoints: [], paths: [{ peerId: f2, path: 'direct', endpoint: '\u001b[2Jx' }, { peerId: f2, path: 'relayed', endpoint: '198.18.0.1:9' }] })]])
    const shown = await members.show('backend')
    assert.deepEqual(shown.members.find(m => m.peerId === f1)?.paths, [{ peerId: f2, path: 'direct' }, { peerId: f2, path: 'relayed', endpoint: '198.18.0.1:9' }])
  })

  it('lets a machine join with its public key only, and tells the farmers', async () => {
    const host = new Deployments()
    const members = new NetworkMembers(new NetworkStore(new MemoryDatastore()), host)
    await members.store.create('backend', { range: '10.20.0.0/16' })
    const f1 = await peer()
    const db = host.add('db', f1, await members.prepare(spec('db', container('db', 'backend')), f1))
    await members.reconcile(db, undefined)
    const machine = host.self = await peer()
    const publicKey = key()
    await assert.rejects(members.join('backend', 'not a key\n[Peer]'), { name: 'NetworkSpecError' })
    const join = await members.join('backend', publicKey)
    assert.deepEqual({ ...join, peers: join.peers.map(p => p.peerId) }, { network: 'backend', range: '10.20.0.0/16', subnet: 2, address: '10.20.2.1', peers: [f1], notes: [] })
    assert.deepEqual(net((host.records.get('db') as TwinDeploymentRecord).spec).members, [{ peerId: machine, publicKey, subnet: 2, endpoints: [] }])
    // joining again keeps its /24
    assert.equal((await members.join('backend', key())).subnet, 2)
    // leaving: the farmers drop its key, its /24 is free
    assert.deepEqual(await members.leave('backend'), { left: 'backend', notes: [] })
    assert.deepEqual(net((host.records.get('db') as TwinDeploymentRecord).spec).members, [])
    await assert.rejects(members.leave('backend'), { name: 'NetworkSpecError', message: /not a member/ })
    // joining live needs a peer that runs members
    await assert.rejects(members.join('backend'), { name: 'NetworkUnavailable', message: /this peer runs no machineNetworks service \(@p2pcloud\/network\); join with --wg-config FILE/ })
    // a farmer of the network is not a machine that joined
    host.self = f1
    await assert.rejects(members.join('backend', key()), { name: 'NetworkSpecError', message: /as the farmer of deployment\(s\) db/ })
  })
})

describe('wgQuickConfig', () => {
  it('writes this machine\'s key and address, and each member with its /24 and first endpoint', async () => {
    const keys = generateWireguardKeys()
    const [f1, f2] = [await peer(), await peer()]
    const [k1, k2] = [key(), key()]
    const text = wgQuickConfig(keys.privateKey, { network: 'backend', range: '10.20.0.0/16', subnet: 3, address: '10.20.3.1', peers: [
      { peerId: f1, publicKey: k1, subnet: 1, endpoints: ['198.18.0.10:51820', '198.18.0.11:51820'] },
      { peerId: f2, publicKey: k2, subnet: 2, endpoints: [] }
    ] })
    assert.equal(text, [
      '# p2pcloud network "backend" (10.20.0.0/16): this machine\'s part, made by p2pcloud network join; keep it private',
      '[Interface]', `PrivateKey = ${keys.privateKey}`, 'Address = 10.20.3.1/16', '',
      `# ${f1}`, '[Peer]', `PublicKey = ${k1}`, 'AllowedIPs = 10.20.1.0/24', 'Endpoint = 198.18.0.10:51820', 'PersistentKeepalive = 25', '',
      `# ${f2}`, '[Peer]', `PublicKey = ${k2}`, 'AllowedIPs = 10.20.2.0/24', 'PersistentKeepalive = 25', ''
    ].join('\n'))
  })

  it('refuses a value that would add lines of its own', async () => {
    const join = { network: 'backend', range: '10.20.0.0/16', subnet: 3, address: '10.20.3.1', peers: [{ peerId: await peer(), publicKey: `${key()}\n[Peer]`, subnet: 1, endpoints: [] }] }
    assert.throws(() => wgQuickConfig(generateWireguardKeys().privateKey, join), /no valid WireGuard key/)
    assert.throws(() => wgQuickConfig('x\nPostUp = rm -rf /', { ...join, peers: [] }), /not a WireGuard key/)
    const config = wgQuickConfig(generateWireguardKeys().privateKey, { ...join, peers: [{ ...join.peers[0], publicKey: key(), endpoints: ['1.2.3.4:5\nPostUp = x', '198.18.0.1:1'] }] })
    assert.match(config, /Endpoint = 198\.18\.0\.1:1\n/)
    assert.doesNotMatch(config, /PostUp/)
  })
})
