/**
 * Walks the whole audit hash chain (or, with --incremental, what came after the last checkpoint)
 * and reports the first broken row.
 *   DATABASE_URL=… node --import tsx services/audit/src/cli/verify.ts [--incremental]
 * Exit code 0 = chain valid, 2 = chain broken, 1 = could not verify.
 */
import { SingleBar, Presets } from 'cli-progress';
import { verifyChain } from '../domain/verify.ts';
import { auditChainHasher, openAuditDatabase } from './database.ts';

export async function runVerify(env: NodeJS.ProcessEnv = process.env, out: NodeJS.WritableStream = process.stdout, args: readonly string[] = process.argv.slice(2)): Promise<number> {
  const dataSource = await openAuditDatabase(env);
  const bar = new SingleBar({ format: 'verifying audit chain [{bar}] {value}/{total} rows', stream: process.stderr, noTTYOutput: false }, Presets.shades_classic);
  let started = false;
  try {
    const mode = args.includes('--incremental') ? 'incremental' : 'full';
    const result = await verifyChain(dataSource.manager, auditChainHasher(env), {
      mode,
      onProgress: (checked, total) => {
        if (!started) {
          bar.start(total, 0);
          started = true;
        }
        bar.update(checked);
      },
    });
    if (started) bar.stop();
    out.write(`${JSON.stringify(result, null, 2)}\n`);
    return result.valid ? 0 : 2;
  } finally {
    await dataSource.destroy();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  runVerify().then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(`audit verification failed to run: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exit(1);
    },
  );
}
