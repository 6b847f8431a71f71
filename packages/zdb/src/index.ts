export * from './record.js'
export * from './namespace-store.js'
