// The load generator of bench/scale, run in its own process (so it does not share the measured
// event loop): `connections` concurrent keep-alive loops for `seconds`, each request taking the
// next URL of the list (round robin: look-ups spread over many plates, phones, vehicles). Prints
// one JSON line: requests, req/s, p50/p95/p99/max latency (ms, from each request's own timing),
// non-2xx and errors. Config as JSON in argv[2]: { urls, headers, seconds, connections }.
import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';

interface Config {
  urls: string[];
  headers: Record<string, string>;
  seconds: number;
  connections: number;
}

const config = JSON.parse(process.argv[2] ?? '{}') as Config;
const agent = new Agent({ keepAlive: true, maxSockets: config.connections });
const latencies: number[] = [];
let next = 0;
let non2xx = 0;
let errors = 0;
const firstStatus = new Map<number, string>();

function once(url: string): Promise<void> {
  return new Promise((resolve) => {
    const started = performance.now();
    const req = request(url, { agent, headers: config.headers }, (res) => {
      const status = res.statusCode ?? 0;
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => {
        if (status >= 300 && chunks.length < 4) chunks.push(chunk);
      });
      res.on('end', () => {
        latencies.push(performance.now() - started);
        if (status < 200 || status >= 300) {
          non2xx++;
          if (!firstStatus.has(status)) firstStatus.set(status, `${url} → ${Buffer.concat(chunks).toString().slice(0, 200)}`);
        }
        resolve();
      });
    });
    req.on('error', () => {
      errors++;
      resolve();
    });
    req.end();
  });
}

const deadline = performance.now() + config.seconds * 1000;
const started = performance.now();
await Promise.all(
  Array.from({ length: config.connections }, async () => {
    while (performance.now() < deadline) await once(config.urls[next++ % config.urls.length]!);
  }),
);
const elapsed = (performance.now() - started) / 1000;
latencies.sort((a, b) => a - b);
const pct = (p: number) => Number((latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] ?? NaN).toFixed(1));
console.log(
  JSON.stringify({
    requests: latencies.length,
    requestsPerSecond: latencies.length / elapsed,
    p50: pct(50),
    p95: pct(95),
    p99: pct(99),
    max: Number((latencies.at(-1) ?? NaN).toFixed(1)),
    non2xx,
    errors,
    firstFailures: Object.fromEntries(firstStatus),
  }),
);
agent.destroy();
