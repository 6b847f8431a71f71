export * from './rootfs-source.js'
export * from './busybox-rootfs.js'
export * from './oci-spec.js'
