import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { Container, LogStore, ociSpec } from '@p2pcloud/runtime'

const MiB = 2 ** 20

export interface BenchContainerInit {
  /** runc's state goes in `<dir>/runc`, the bundle in `<dir>/<name>`. */
  dir: string
  /** The root filesystem (a busybox tree). */
  tree: string
  name: string
  command: string[]
  pidsLimit: number
}

/**
 * A container started by the runtime alone, as the farmer's driver would but without the mesh,
 * the flist cache or the overlay: an OCI bundle over `tree` (64 MiB, 1 core, its root as root)
 * run by `Container`, its output in `<bundle>/logs`. Not started yet.
 */
export async function benchContainer (init: BenchContainerInit): Promise<{ container: Container, logsDir: string }> {
  const bundle = join(init.dir, init.name)
  await mkdir(bundle)
  const id = `p2pcloud-bench-${process.pid}-${init.name}`
  // where the driver puts its containers' cgroups too
  const cgroupsPath = `/p2pcloud/${id}`
  const spec = ociSpec({
    hostname: init.name,
    rootfs: init.tree,
    image: { entrypoint: [], cmd: [], env: [], workingDir: '', user: '' },
    entrypoint: [],
    args: init.command,
    env: [],
    workdir: '',
    user: { uid: 0, gid: 0 },
    cru: 1,
    mru: 64 * MiB,
    pidsLimit: init.pidsLimit,
    cgroupsPath,
    mounts: []
  })
  await writeFile(join(bundle, 'config.json'), JSON.stringify(spec))
  const logsDir = join(bundle, 'logs')
  const container = new Container({ runcRoot: join(init.dir, 'runc'), id, bundle, cgroupsPath, memoryLimit: 64 * MiB, restart: 'never', logs: new LogStore(logsDir), onChange: () => {} })
  return { container, logsDir }
}
