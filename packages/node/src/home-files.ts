/**
 * What a program needs of a home without starting a peer: where its files are, whether its
 * daemon runs, sizes, the version. Its own entry (`@p2pcloud/node/home-files`) loads none of
 * libp2p, so that a command that only asks the daemon starts in a fraction of the time.
 */
export * from './home.js'
export * from './lock.js'
export * from './sizes.js'
export { VERSION } from './version.js'
