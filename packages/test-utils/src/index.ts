export * from './temp-dir.js'
export * from './wait-for.js'
export * from './vectors.js'
