export * from './wait.js'
export * from './cli.js'
