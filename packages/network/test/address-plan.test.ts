import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { formatIpv4, NetworkRange, parseIpv4 } from '../src/index.js'

describe('network address plan', () => {
  it('splits a private /16 into member /24s with a gateway and workload addresses', () => {
    const range = NetworkRange.parse('10.20.0.0/16')
    const subnet = range.subnet(3)
    assert.equal(subnet.toString(), '10.20.3.0/24')
    assert.equal(formatIpv4(subnet.gateway), '10.20.3.1')
    assert.equal(subnet.isWorkloadAddress(parseIpv4('10.20.3.7')), true)
    assert.equal(subnet.isWorkloadAddress(parseIpv4('10.20.3.1')), false, 'the gateway is not a workload address')
    assert.equal(subnet.isWorkloadAddress(parseIpv4('10.20.3.255')), false)
    assert.equal(subnet.isWorkloadAddress(parseIpv4('10.20.4.7')), false)
    assert.equal(formatIpv4(subnet.freeAddress([parseIpv4('10.20.3.2'), parseIpv4('10.20.3.3')]) ?? 0), '10.20.3.4')
    const full = Array.from({ length: 253 }, (_, i) => subnet.base + 2 + i)
    assert.equal(subnet.freeAddress(full), undefined)
    assert.equal(range.subnetOf(parseIpv4('10.20.3.9'))?.index, 3)
    assert.equal(range.subnetOf(parseIpv4('10.21.3.9')), undefined)
    assert.equal(range.subnetOf(parseIpv4('10.20.0.9')), undefined, '.0 is no member\'s')
  })

  it('refuses ranges that are not a private /16 and member numbers outside 1–254, naming the problem', () => {
    assert.throws(() => NetworkRange.parse('10.20.0.0/24'), /not a \/16/)
    assert.throws(() => NetworkRange.parse('10.20.1.0/16'), /host bits set; write 10\.20\.0\.0\/16/)
    assert.throws(() => NetworkRange.parse('8.8.0.0/16'), /not a private range/)
    assert.throws(() => NetworkRange.parse('10.20.0.0/16/1'), /not a \/16/)
    assert.throws(() => NetworkRange.parse('10.256.0.0/16'), /not an IPv4 address/)
    assert.throws(() => NetworkRange.parse('010.20.0.0/16'), /not an IPv4 address/)
    assert.equal(NetworkRange.parse('172.31.0.0/16').toString(), '172.31.0.0/16')
    assert.equal(NetworkRange.parse('192.168.0.0/16').toString(), '192.168.0.0/16')
    assert.throws(() => NetworkRange.parse('172.32.0.0/16'), /not a private range/)
    assert.throws(() => NetworkRange.parse('10.20.0.0/16').subnet(0), /outside 1–254/)
    assert.throws(() => NetworkRange.parse('10.20.0.0/16').subnet(255), /outside 1–254/)
  })
})
