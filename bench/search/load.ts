// autocannon in its own process (the load generator does not share the measured event loop),
// cycling through the given paths; prints {requests, non2xx, errors, p50, p95, p99} as JSON.
// p95 is computed from every response time (autocannon's own summary has p90 and p97.5, not p95).
// Usage: node --import tsx bench/search/load.ts <base url> <seconds> <connections> <token> <path> [path ...]
import { createRequire } from 'node:module';

interface Instance extends PromiseLike<{ requests: { average: number }; non2xx: number; errors: number }> {
  on(event: 'response', listener: (client: unknown, status: number, bytes: number, responseTime: number) => void): void;
}
type Autocannon = (options: Record<string, unknown>) => Instance;
// autocannon ships no types; it is loaded as the CommonJS module it is.
const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;

const [base, seconds, connections, token, ...paths] = process.argv.slice(2);
const times: number[] = [];
const instance = autocannon({
  url: base!,
  duration: Number(seconds),
  connections: Number(connections),
  headers: { authorization: `Bearer ${token!}` },
  requests: paths.map((path) => ({ method: 'GET', path })),
});
instance.on('response', (_client, _status, _bytes, responseTime) => times.push(responseTime));
const result = await instance;
times.sort((a, b) => a - b);
const at = (q: number) => Number((times[Math.min(times.length - 1, Math.floor(q * times.length))] ?? NaN).toFixed(1));
process.stdout.write(`${JSON.stringify({ requests: times.length, rps: result.requests.average, non2xx: result.non2xx, errors: result.errors, p50: at(0.5), p95: at(0.95), p99: at(0.99) })}\n`);
