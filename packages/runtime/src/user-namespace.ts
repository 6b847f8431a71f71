import { chown } from 'node:fs/promises'
import { CONTAINER_IDS } from '@p2pcloud/wire'

/**
 * Every container runs in its own user namespace whose ids 0…65535 are the
 * host's ids 100000…165535: its root is an unprivileged user on the host, and
 * a host file owned by root (or by anyone outside that range) is `nobody` to
 * it. All containers share this one range, as Docker's userns-remap does: runc
 * 1.1 has no idmapped mounts, so the files a container sees must be owned on
 * disk by the mapped ids, and one range lets the flist cache keep a single
 * tree per flist (materialised with its owners shifted by `hostId`) as the
 * read-only layer of every container of that flist. Containers stay apart by
 * their pid, mount and network namespaces; they cannot signal, trace or reach
 * each other's files through the shared ids.
 */
export const CONTAINER_ID_MAP = { hostId: 100_000, size: CONTAINER_IDS }

/** The host id of the container's id `id` (0 → its root's host id). */
export function hostIdOf (id: number): number {
  return CONTAINER_ID_MAP.hostId + id
}

/** The OCI spec's uid and gid mappings of CONTAINER_ID_MAP. */
export function idMappings (): { uidMappings: object[], gidMappings: object[] } {
  const mapping = { containerID: 0, hostID: CONTAINER_ID_MAP.hostId, size: CONTAINER_ID_MAP.size }
  return { uidMappings: [mapping], gidMappings: [mapping] }
}

/**
 * Give a directory to the container's root (its writable layer, a mounted
 * volume): its capabilities do not reach files of unmapped owners, so a
 * directory of the host's root would be read-only to it.
 */
export async function giveToContainerRoot (path: string): Promise<void> {
  await chown(path, hostIdOf(0), hostIdOf(0))
}
