#!/usr/bin/env bash
# Installs the Debian packages that p2pcloud's tests use and a fresh machine
# lacks. Idempotent; needs root. Used by .ci/run; run it yourself once on a new
# machine if you want the whole suite (without it, tests that need a package skip).
#   iproute2: `ip netns` for the tests that build their own LAN (mDNS)
#   runc: the OCI runtime the container driver runs workloads with
#   busybox-static: a tiny real root filesystem for container tests, the demo and benchmarks
#   e2fsprogs, mount: mkfs.ext4, e2fsck, resize2fs and losetup for volumes and container root
#     layers, each a loop-mounted ext4 image of its size
#   wireguard-go, wireguard-tools: the data plane of private networks (userspace WireGuard where
#     the kernel has no module) and `wg`, which configures it
#   iptables: the NAT routers of the tests' small internets (and a farmer's egress NAT)
#   iputils-ping: the tests ping across private networks
#   iperf3: the network benchmarks' throughput (npm run bench)
#   pebble: the ACME test server (and pebble-challtestsrv, its DNS) the gateway's certificate tests obtain certificates from
#   curl: the HTTP and TLS client the gateway's tests reach names through (--resolve, --cacert)
#   protobuf-compiler: protoc, which the wire test compiles every protocols/*.proto with, in one namespace
#   chromium: the real browser the web UI's tests drive with playwright-core (no browser download at test time)
set -euo pipefail
packages=(iproute2 runc busybox-static e2fsprogs mount wireguard-go wireguard-tools iptables iputils-ping iperf3 pebble curl protobuf-compiler chromium)
missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "system packages present: ${packages[*]}"
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "missing Debian packages: ${missing[*]}; run this script as root (apt-get install ${missing[*]})" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q --no-install-recommends "${missing[@]}"
