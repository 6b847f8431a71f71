// node-forge ships no types; the tests use it only to make self-signed certificates (test-certificates.ts).
declare module 'node-forge' {
  const forge: any
  export default forge
}
