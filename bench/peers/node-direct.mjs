// The Node per-core ceiling: node:http answering the upstream's bodies itself (no proxying).
import { createServer } from 'node:http'

const small = Buffer.alloc(1024, 'x')
const big = Buffer.alloc(65536, 'x')
const head = (b) => ({ 'content-type': 'application/octet-stream', 'content-length': String(b.length) })
const smallHead = head(small)
const bigHead = head(big)
const server = createServer((req, res) => {
  const big64 = req.url === '/64k'
  res.writeHead(200, big64 ? bigHead : smallHead)
  res.end(big64 ? big : small)
})
server.keepAliveTimeout = 120e3
server.listen(Number(process.env.PORT), '127.0.0.1')
