// The physical floor of one more hop on this machine: a bare node:http pipe proxy with keep-alive,
// no auth, no rate limit, no metrics (BASELINES.md: "judge the gateway against it").
import http from 'node:http';

const target = new URL(process.env['TARGET'] ?? 'http://127.0.0.1:3001');
const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
const server = http.createServer((req, res) => {
  const upstream = http.request(
    { hostname: target.hostname, port: target.port, path: req.url, method: req.method, headers: req.headers, agent },
    (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    },
  );
  upstream.on('error', () => {
    res.statusCode = 502;
    res.end();
  });
  req.pipe(upstream);
});
server.listen(Number(process.env['PORT'] ?? 8090), '127.0.0.1');
server.on('listening', () => process.stdout.write('ready\n'));
