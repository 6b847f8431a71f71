export * from './loopback-peers.js'
