/**
 * What the front door allows one client, one name and the whole gateway. Every value is a bound
 * against a hostile internet (the tenant and every peer are untrusted): sizes are checked before anything is buffered, and every
 * wait ends.
 */
export interface FrontDoorLimits {
  /** Bytes of one HTTP request head (request line and headers); more is answered 431. */
  maxHeaderBytes: number
  /** Time to receive a whole request head; a slower client (slowloris) gets 408 and is cut. */
  headerTimeoutMs: number
  /** Time to receive a whole request, body included; 0 for none (streamed uploads rely on the idle timeout). */
  requestTimeoutMs: number
  /** A connection with no bytes either way for this long is closed, proxied or not. */
  idleTimeoutMs: number
  /** An idle keep-alive connection waiting for its next request is closed after this. */
  keepAliveTimeoutMs: number
  /** Bytes of a TLS ClientHello (all its records); a bigger one is refused before it is parsed. */
  maxClientHelloBytes: number
  /** Time for the ClientHello to arrive and, for a terminated name, the whole TLS handshake. */
  tlsHandshakeTimeoutMs: number
  /** Backend connections open at once for one name (requests, WebSockets, TLS passthrough); more get 503. */
  maxConnectionsPerName: number
  /** Client connections open at once on each port (HTTP, HTTPS); more are closed as they arrive. */
  maxConnectionsPerPort: number
  /** Time for a backend connection to open; longer is answered 504. */
  backendConnectTimeoutMs: number
  /** An idle backend connection is kept this long for the name's next request (less when the backend says it closes sooner); 0: a connection per request. */
  backendIdleTimeoutMs: number
  /** Time for a backend to start its response once the whole request is sent; longer is answered 504. */
  backendResponseTimeoutMs: number
  /** Seconds a client is told to wait (Retry-After) when a name is at its connection limit. */
  retryAfterSeconds: number
}

export const DEFAULT_LIMITS: Readonly<FrontDoorLimits> = Object.freeze({
  maxHeaderBytes: 16 * 1024,
  headerTimeoutMs: 10_000,
  requestTimeoutMs: 0,
  idleTimeoutMs: 120_000,
  keepAliveTimeoutMs: 5_000,
  maxClientHelloBytes: 16 * 1024,
  tlsHandshakeTimeoutMs: 10_000,
  maxConnectionsPerName: 256,
  maxConnectionsPerPort: 10_000,
  backendConnectTimeoutMs: 10_000,
  backendIdleTimeoutMs: 4_000,
  backendResponseTimeoutMs: 60_000,
  retryAfterSeconds: 5
})
