import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';

export interface Spawned {
  child: ChildProcessWithoutNullStreams;
  /** Resolves when the process exits 0; rejects with the tail of its stderr otherwise. */
  done: Promise<void>;
}

/** Spawns a tool (pg_dump, pg_restore, tar) whose failure must fail the caller (STYLE lesson 10). */
export function spawnTool(command: string, args: string[], env: NodeJS.ProcessEnv = {}): Spawned {
  const child = spawn(command, args, { env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (text: string) => {
    stderr = (stderr + text).slice(-2000);
  });
  const done = new Promise<void>((resolve, reject) => {
    child.once('error', (error) => reject(new Error(`${command} could not start: ${error.message}`)));
    child.once('close', (code, signal) => {
      if (code === 0) resolve();
      else reject(new Error(`${command} failed (${signal ? `signal ${signal}` : `exit ${code}`}): ${stderr.trim() || 'no message'}`));
    });
  });
  // The caller may abandon the process on another error; never leave an unhandled rejection.
  done.catch(() => undefined);
  return { child, done };
}

export async function toolVersion(command: string): Promise<string> {
  const { child, done } = spawnTool(command, ['--version']);
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (text: string) => (out += text));
  child.stdin.end();
  await done;
  return out.split('\n')[0]?.trim() ?? '';
}

/** A libpq connection given to a child without the password on its command line (`ps` shows arguments). */
export function libpqTarget(url: string): { dbname: string; env: NodeJS.ProcessEnv } {
  const parsed = new URL(url);
  const password = decodeURIComponent(parsed.password);
  parsed.password = '';
  return { dbname: parsed.toString(), env: password ? { PGPASSWORD: password } : {} };
}

export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}
