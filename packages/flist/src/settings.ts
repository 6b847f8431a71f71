import { sizeSetting } from '@p2pcloud/node'

/** Bytes of flists a farmer keeps for its containers unless config.json says otherwise: 10 GiB. */
export const DEFAULT_FLIST_CACHE_BYTES = 10 * 2 ** 30

/** The field of config.json's `farmer` section that bounds the flist cache its containers start from (README "Settings"). */
export const flistCacheSettingsFields = {
  /** Bytes of flists (their blocks and materialised trees) a farmer keeps for containers; unused ones are evicted above it. */
  flistCacheBytes: sizeSetting.default(DEFAULT_FLIST_CACHE_BYTES)
}
