export * from './commands.js'
export * from './wireguard-config.js'
export * from './wireguard-device.js'
export * from './wireguard-keys.js'
