import { spawn, type ChildProcess } from 'node:child_process';

const ROOT = new URL('../..', import.meta.url).pathname;

/** The audit service as its own process (`node --import tsx services/audit/src/main.ts`), so a test can SIGKILL it. */
export class AuditProcess {
  private child: ChildProcess | undefined;
  private exited: Promise<void> = Promise.resolve();
  /** The last lines it wrote to stderr, for the failure message of a test. */
  stderr = '';

  constructor(private readonly env: NodeJS.ProcessEnv) {}

  start(): void {
    const child = spawn(process.execPath, ['--import', 'tsx', 'services/audit/src/main.ts'], {
      cwd: ROOT,
      env: { ...process.env, ...this.env },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      this.stderr = (this.stderr + chunk.toString('utf8')).slice(-4000);
    });
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
    this.child = child;
  }

  /** Kills without any chance to clean up (no drain, no ack, no commit). */
  async kill(): Promise<void> {
    this.child?.kill('SIGKILL');
    await this.exited;
    this.child = undefined;
  }

  async stop(): Promise<void> {
    if (!this.child) return;
    this.child.kill('SIGTERM');
    await this.exited;
    this.child = undefined;
  }
}
