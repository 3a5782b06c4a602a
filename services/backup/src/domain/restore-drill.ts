import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { newEvent } from '@ecar/contracts';
import type { BackupPrivateKey } from '../crypto/key-wrap.ts';
import { finishDrill, insertDrill } from '../data/drills.ts';
import { storedRuns } from '../data/backup-runs.ts';
import { compareChainEnd, compareTables } from './drill-compare.ts';
import { countDocuments, openBackupSet, restoreDatabase, type OpenedBackupSet } from '../storage/backup-reader.ts';
import { withScratchDatabase } from '../storage/scratch-database.ts';
import { checksumsOf } from '../storage/table-checksums.ts';
import { restoredChainEnd } from '../storage/audit-chain-head.ts';
import { messageOf, scheduler, type BackupDeps } from './deps.ts';

export interface DrillResult {
  drillId: string;
  backupId: string | null;
  ok: boolean;
  mismatches: string[];
  error?: string;
}

/** Restores one database of the set into a scratch database and compares it with the manifest. */
async function drillDatabase(adminUrl: string, set: OpenedBackupSet, database: string): Promise<string[]> {
  return withScratchDatabase(adminUrl, async (scratchUrl) => {
    await restoreDatabase(set, database, scratchUrl);
    const expected = set.manifest.tables[database] ?? [];
    const withChecksum = new Set(expected.filter((table) => table.checksum !== null).map((table) => table.table));
    const actual = await checksumsOf(scratchUrl, (table) => withChecksum.has(table));
    const head = set.manifest.auditChain;
    const chain = head?.database === database ? compareChainEnd(head, await restoredChainEnd(scratchUrl)) : [];
    return [...compareTables(database, expected, actual), ...chain];
  });
}

/**
 * Restores every database of an opened set into scratch databases (created and dropped through
 * `adminUrl`, a CREATEDB role), compares each table with the manifest, checks that a restored audit
 * chain ends exactly at the manifest's head, and lists the document archive. Shared by the scheduled drill and `scripts/backup-drill.ts`.
 */
export async function drillSet(set: OpenedBackupSet, adminUrl: string): Promise<{ databases: number; tables: number; mismatches: string[] }> {
  const mismatches: string[] = [];
  let databases = 0;
  let tables = 0;
  for (const [database, expected] of Object.entries(set.manifest.tables)) {
    mismatches.push(...(await drillDatabase(adminUrl, set, database)));
    databases += 1;
    tables += expected.length;
  }
  if ((await countDocuments(set)) < 1) mismatches.push('documents: the archive has no entries');
  return { databases, tables, mismatches };
}

/**
 * The restore drill (INC-6): the newest local set is decrypted with the drill key, every database
 * restored into a scratch database and compared table by table with the manifest (row counts and
 * checksums captured at backup time), the document archive listed; scratch databases are dropped.
 * The result is recorded, published (`backup.drill.succeeded|failed`) and exported as metrics.
 */
export async function runRestoreDrill(deps: BackupDeps, privateKey: BackupPrivateKey): Promise<DrillResult> {
  const started = Date.now();
  const drillId = randomUUID();
  const newest = (await storedRuns(deps.dataSource.manager)).find((run) => run.localStatus === 'stored');
  const backupId = newest?.id ?? null;
  await insertDrill(deps.dataSource.manager, drillId, backupId);
  let mismatches: string[] = [];
  let error: string | undefined;
  let databases = 0;
  let tables = 0;
  try {
    if (!newest) throw new Error('no backup set is stored locally');
    const set = await openBackupSet(join(deps.config.BACKUP_DIR, newest.id), privateKey, deps.verificationKeys);
    ({ databases, tables, mismatches } = await drillSet(set, deps.config.BACKUP_DRILL_ADMIN_URL));
  } catch (caught) {
    error = messageOf(caught);
  }
  mismatches = mismatches.slice(0, 50);
  const ok = !error && mismatches.length === 0;
  const durationMs = Date.now() - started;
  const subject = { type: 'backup-drill', id: drillId };
  const reason = error ?? `${mismatches.length} difference(s) between the restore and the manifest`;
  await deps.unitOfWork.run(async (db) => {
    await finishDrill(db, drillId, { ok, ...(error ? { error } : {}), mismatches });
    const event =
      ok && backupId
        ? newEvent(scheduler(drillId), 'backup.drill.succeeded', subject, { drillId, backupId, databases, tables, durationMs })
        : newEvent(scheduler(drillId), 'backup.drill.failed', subject, { drillId, backupId, durationMs, reason, mismatches });
    return { result: undefined, events: [event] };
  });
  deps.metrics.drills.inc({ result: ok ? 'succeeded' : 'failed' });
  deps.metrics.drillLastResult.set(ok ? 1 : 0);
  if (ok) deps.metrics.drillLastSuccess.set(Date.now() / 1000);
  deps.logger[ok ? 'info' : 'error']('restore drill finished', { drillId, backupId, ok, error, mismatches });
  return { drillId, backupId, ok, mismatches, ...(error ? { error } : {}) };
}
