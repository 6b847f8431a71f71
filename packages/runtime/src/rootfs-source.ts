/** The image configuration an flist carries (from its OCI image, when it was built from one). */
export interface ImageConfig { entrypoint: string[], cmd: string[], env: string[], workingDir: string, user: string }

/** Where root filesystems come from (the flist cache); the driver never writes to `path`. */
export interface RootfsSource {
  acquire(flist: string /* CID text */, options?: { signal?: AbortSignal }): Promise<{ path: string /* read-only tree, use as overlay lowerdir, never write to it */, config: ImageConfig, release(): Promise<void> }>
}
