export * from './wait.js'
export * from './cli.js'
export * from './netns.js'
export * from './market.js'
