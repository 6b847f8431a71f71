export * from './cli.js'
export * from './market.js'
export * from './specs.js'
export * from './prometheus.js'
