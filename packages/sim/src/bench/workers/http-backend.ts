/**
 * The gateway benchmark's backend: a keep-alive HTTP/1.1 server answering every request with a
 * small fixed body, run in the backend container's network namespace (nsenter), so that the
 * backend is not what limits the gateway (busybox httpd forks per request). Prints "ready" once
 * listening; stops when its parent goes away.
 *
 *   node http-backend.js <port>
 */
import { createServer } from 'node:http'

const BACKEND_BODY = 'hello from the backend\n'

const server = createServer((req, res) => {
  req.resume()
  req.once('end', () => {
    res.writeHead(200, { 'content-type': 'text/plain', 'content-length': Buffer.byteLength(BACKEND_BODY) })
    res.end(BACKEND_BODY)
  })
})
// longer than the gateway keeps an idle pooled connection, so that the gateway closes first
server.keepAliveTimeout = 30_000
server.listen(Number(process.argv[2]), '0.0.0.0', () => { process.stdout.write('ready\n') })
process.stdin.once('end', () => { process.exit(0) })
process.stdin.resume()
