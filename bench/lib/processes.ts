import { spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { repoRoot } from '@ecar/testkit';

export interface LoadResult {
  label: string;
  requestsPerSecond: number;
  p50: number;
  p99: number;
  /** Requests answered in the run (for CPU per request). */
  requests: number;
  non2xx: number;
  errors: number;
}

/** autocannon from its own process, so the load generator does not share the measured event loop. */
export async function autocannon(label: string, url: string, headers: Record<string, string>, seconds: number, connections = 50): Promise<LoadResult> {
  const args = ['autocannon', '-j', '-c', String(connections), '-d', String(seconds)];
  for (const [name, value] of Object.entries(headers)) args.push('-H', `${name}=${value}`);
  args.push(url);
  const child = spawn('npx', args, { cwd: repoRoot, stdio: ['ignore', 'pipe', 'ignore'] });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  await new Promise((resolve) => child.once('exit', resolve));
  const result = JSON.parse(output) as {
    requests: { average: number; total: number };
    latency: { p50: number; p99: number };
    non2xx: number;
    errors: number;
  };
  return { label, requestsPerSecond: result.requests.average, requests: result.requests.total, p50: result.latency.p50, p99: result.latency.p99, non2xx: result.non2xx, errors: result.errors };
}

export function printTable(results: LoadResult[]): void {
  console.log('| target | req/s | p50 ms | p99 ms | non-2xx | errors |');
  console.log('|---|---:|---:|---:|---:|---:|');
  for (const r of results) console.log(`| ${r.label} | ${r.requestsPerSecond.toFixed(0)} | ${r.p50} | ${r.p99} | ${r.non2xx} | ${r.errors} |`);
}

/** Runs a command to completion; its wall time and, unless sent to /dev/null, its stdout. */
export function timed(command: string, args: string[], stdoutTo: 'devnull' | 'pipe'): Promise<{ ms: number; stdout: string }> {
  return new Promise((resolve, reject) => {
    const devnull = openSync('/dev/null', 'w');
    const started = performance.now();
    const child = spawn(command, args, { stdio: ['ignore', stdoutTo === 'devnull' ? devnull : 'pipe', 'inherit'] });
    let stdout = '';
    child.stdout?.setEncoding('utf8').on('data', (text: string) => (stdout += text));
    child.once('error', reject);
    child.once('close', (code) => {
      closeSync(devnull);
      if (code === 0) resolve({ ms: performance.now() - started, stdout });
      else reject(new Error(`${command} exited ${code}: ${stdout.slice(-2000)}`));
    });
  });
}

/**
 * User + system CPU of a process so far, in ms (/proc/<pid>/stat, clock ticks of 10 ms): measured
 * from outside, so the measured process carries no probe. Under a shared machine's load the
 * latencies move by 2×, the CPU a request costs much less.
 */
export function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}
