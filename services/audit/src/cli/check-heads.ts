/**
 * Checks the live audit chain against the heads published in backup manifests (issue 12, finding 2).
 * The heads come from `scripts/backup-heads.ts`, which prints them only from manifests whose Ed25519
 * signature verifies:
 *   node --import tsx scripts/backup-heads.ts --dir /backups --verify-keys keys.pem \
 *     | DATABASE_URL=… AUDIT_CHAIN_KEY=… node --import tsx services/audit/src/cli/check-heads.ts [heads.json] [--json]
 * Exit code 0 = every head matches, 2 = a head does not, 1 = could not check (or bad input).
 */
import { readFile } from 'node:fs/promises';
import { checkPublishedHeads, type PublishedHead, type PublishedHeadsReport } from '../domain/published-heads.ts';
import { auditChainHasher, openAuditDatabase } from './database.ts';

const SEQ = /^[1-9]\d{0,18}$/;
const HASH = /^[0-9a-f]{64}$/;

/** The heads JSON (`[{source, seq, hash, chainKeyId, recordedAt}]`), refused field by field when malformed. */
export function parseHeads(text: string): PublishedHead[] {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new Error('the heads are not valid JSON');
  }
  if (!Array.isArray(value)) throw new Error('the heads must be a JSON array');
  return value.map((item: unknown, index) => {
    const head = (item ?? {}) as Record<string, unknown>;
    const text = (key: string) => (typeof head[key] === 'string' ? (head[key] as string) : undefined);
    const source = text('source');
    const seq = text('seq');
    const hash = text('hash');
    const recordedAt = text('recordedAt');
    const chainKeyId = head['chainKeyId'] === null ? null : text('chainKeyId');
    if (!source || !seq || !SEQ.test(seq) || !hash || !HASH.test(hash) || !recordedAt || chainKeyId === undefined) {
      throw new Error(`head ${index + 1} is not {source, seq, hash (64 hex), chainKeyId, recordedAt}`);
    }
    return { source, seq, hash, chainKeyId, recordedAt };
  });
}

export function reportLines(report: PublishedHeadsReport): string[] {
  return [...report.checks.map((check) => `${check.status === 'intact' || check.status === 'purged' ? 'OK' : 'BROKEN'} ${check.status}: ${check.message}`), `${report.ok ? 'OK' : 'FAILED'}: ${report.summary}`];
}

export async function runCheckHeads(args: readonly string[], input: () => Promise<string>, out: (line: string) => void, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const file = args.find((arg) => !arg.startsWith('--'));
  let heads: PublishedHead[];
  try {
    heads = parseHeads(file ? await readFile(file, 'utf8') : await input());
  } catch (error) {
    out(`FAILED: ${(error as Error).message}`);
    return 1;
  }
  const hash = auditChainHasher(env);
  const dataSource = await openAuditDatabase(env);
  try {
    const report = await checkPublishedHeads(dataSource.manager, hash, heads);
    if (args.includes('--json')) out(JSON.stringify(report, null, 2));
    else for (const line of reportLines(report)) out(line);
    return report.ok ? 0 : 2;
  } finally {
    await dataSource.destroy();
  }
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  runCheckHeads(process.argv.slice(2), readStdin, (line) => process.stdout.write(`${line}\n`)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(`the head check failed to run: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exit(1);
    },
  );
}
