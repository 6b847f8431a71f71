export * from './loopback-peers.js'
export * from './random.js'
export * from './simulation.js'
export * from './socket-bytes.js'
