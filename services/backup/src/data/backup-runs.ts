import { queryRows, type EntityManager } from '@ecar/db';
import type { ManifestFile } from '../crypto/manifest.ts';

export type Trigger = 'schedule' | 'catch-up' | 'manual';

export interface BackupRun {
  id: string;
  trigger: Trigger;
  requestedBy: string | null;
  status: 'running' | 'succeeded' | 'failed';
  startedAt: Date;
  finishedAt: Date | null;
  error: string | null;
  sizeBytes: number | null;
  keyId: string | null;
  files: ManifestFile[] | null;
  localStatus: 'none' | 'stored' | 'deleted';
  uploadStatus: 'none' | 'disabled' | 'pending' | 'uploaded' | 'deleted';
  uploadAttempts: number;
  uploadNextAt: Date | null;
  uploadError: string | null;
  uploadedAt: Date | null;
  verifiedAt: Date | null;
}

const COLUMNS = `id, trigger, requested_by, status, started_at, finished_at, error, size_bytes::text, key_id, files, local_status,
  upload_status, upload_attempts, upload_next_at, upload_error, uploaded_at, verified_at`;

function toRun(row: Record<string, unknown>): BackupRun {
  return {
    id: String(row['id']),
    trigger: row['trigger'] as Trigger,
    requestedBy: row['requested_by'] as string | null,
    status: row['status'] as BackupRun['status'],
    startedAt: row['started_at'] as Date,
    finishedAt: row['finished_at'] as Date | null,
    error: row['error'] as string | null,
    sizeBytes: row['size_bytes'] === null ? null : Number(row['size_bytes']),
    keyId: row['key_id'] as string | null,
    files: row['files'] as ManifestFile[] | null,
    localStatus: row['local_status'] as BackupRun['localStatus'],
    uploadStatus: row['upload_status'] as BackupRun['uploadStatus'],
    uploadAttempts: Number(row['upload_attempts']),
    uploadNextAt: row['upload_next_at'] as Date | null,
    uploadError: row['upload_error'] as string | null,
    uploadedAt: row['uploaded_at'] as Date | null,
    verifiedAt: row['verified_at'] as Date | null,
  };
}

/** TypeORM's `query()` answers an UPDATE … RETURNING with `[rows, count]`; this gives the rows. */
export async function insertRunningRun(db: EntityManager, run: { id: string; trigger: Trigger; requestedBy: string | null }): Promise<void> {
  await db.query(`INSERT INTO backup_runs (id, trigger, requested_by, status) VALUES ($1, $2, $3, 'running')`, [run.id, run.trigger, run.requestedBy]);
}

export async function markRunSucceeded(
  db: EntityManager,
  id: string,
  result: { sizeBytes: number; keyId: string; files: ManifestFile[]; uploadStatus: 'disabled' | 'pending' },
): Promise<void> {
  await db.query(
    `UPDATE backup_runs SET status = 'succeeded', finished_at = now(), size_bytes = $2, key_id = $3, files = $4, local_status = 'stored',
            upload_status = $5, upload_next_at = CASE WHEN $5 = 'pending' THEN now() END, verified_at = now()
      WHERE id = $1`,
    [id, result.sizeBytes, result.keyId, JSON.stringify(result.files), result.uploadStatus],
  );
}

export async function markRunFailed(db: EntityManager, id: string, error: string): Promise<void> {
  await db.query(`UPDATE backup_runs SET status = 'failed', finished_at = now(), error = $2 WHERE id = $1`, [id, error.slice(0, 1000)]);
}

export const ABANDONED = 'the backup process stopped before the run finished';

/** Rows left `running` by a process that died: only called while holding the backup lock. */
export async function failAbandonedRuns(db: EntityManager): Promise<Array<{ id: string; trigger: Trigger; durationMs: number }>> {
  const rows = await queryRows<{ id: string; trigger: Trigger; duration_ms: string }>(
    db,
    `UPDATE backup_runs SET status = 'failed', finished_at = now(), error = $1
      WHERE status = 'running' RETURNING id, trigger, (extract(epoch FROM now() - started_at) * 1000)::bigint::text AS duration_ms`,
    [ABANDONED],
  );
  return rows.map((row) => ({ id: row.id, trigger: row.trigger, durationMs: Number(row.duration_ms) }));
}

export async function markUploaded(db: EntityManager, id: string): Promise<number> {
  const rows = await queryRows<{ upload_attempts: number }>(
    db,
    `UPDATE backup_runs SET upload_status = 'uploaded', uploaded_at = now(), upload_next_at = NULL, upload_error = NULL
      WHERE id = $1 RETURNING upload_attempts`,
    [id],
  );
  return Number(rows[0]?.upload_attempts ?? 1);
}

export async function markUploadFailed(db: EntityManager, id: string, error: string, nextAt: Date): Promise<void> {
  await db.query(`UPDATE backup_runs SET upload_status = 'pending', upload_error = $2, upload_next_at = $3 WHERE id = $1`, [id, error.slice(0, 1000), nextAt]);
}

/** Counts the attempt before it is made, so a crash mid-upload still advances the backoff. */
export async function countUploadAttempt(db: EntityManager, id: string): Promise<number> {
  const rows = await queryRows<{ upload_attempts: number }>(
    db,
    `UPDATE backup_runs SET upload_attempts = upload_attempts + 1 WHERE id = $1 RETURNING upload_attempts`,
    [id],
  );
  return Number(rows[0]?.upload_attempts ?? 1);
}

export async function dueUploads(db: EntityManager, now: Date): Promise<BackupRun[]> {
  const rows: Array<Record<string, unknown>> = await db.query(
    `SELECT ${COLUMNS} FROM backup_runs WHERE upload_status = 'pending' AND local_status = 'stored' AND upload_next_at <= $1 ORDER BY started_at`,
    [now],
  );
  return rows.map(toRun);
}

export async function findRun(db: EntityManager, id: string): Promise<BackupRun | undefined> {
  const rows: Array<Record<string, unknown>> = await db.query(`SELECT ${COLUMNS} FROM backup_runs WHERE id = $1`, [id]);
  return rows[0] ? toRun(rows[0]) : undefined;
}

export async function listRuns(db: EntityManager, options: { before?: string; limit: number }): Promise<BackupRun[]> {
  const rows: Array<Record<string, unknown>> = await db.query(
    `SELECT ${COLUMNS} FROM backup_runs WHERE ($1::text IS NULL OR id < $1) ORDER BY id DESC LIMIT $2`,
    [options.before ?? null, options.limit],
  );
  return rows.map(toRun);
}

export async function storedRuns(db: EntityManager): Promise<BackupRun[]> {
  const rows: Array<Record<string, unknown>> = await db.query(
    `SELECT ${COLUMNS} FROM backup_runs WHERE status = 'succeeded' AND (local_status = 'stored' OR upload_status = 'uploaded') ORDER BY id DESC`,
  );
  return rows.map(toRun);
}

export async function lastSuccessAt(db: EntityManager): Promise<Date | undefined> {
  const rows: Array<{ finished_at: Date }> = await db.query(`SELECT max(finished_at) AS finished_at FROM backup_runs WHERE status = 'succeeded'`);
  return rows[0]?.finished_at ?? undefined;
}

export async function markLocalDeleted(db: EntityManager, ids: readonly string[]): Promise<void> {
  if (ids.length) await db.query(`UPDATE backup_runs SET local_status = 'deleted' WHERE id = ANY($1::text[])`, [ids]);
}

export async function markVerified(db: EntityManager, id: string): Promise<void> {
  await db.query(`UPDATE backup_runs SET verified_at = now() WHERE id = $1`, [id]);
}

export async function countPendingUploads(db: EntityManager): Promise<number> {
  const rows: Array<{ n: string }> = await db.query(`SELECT count(*)::text AS n FROM backup_runs WHERE upload_status = 'pending'`);
  return Number(rows[0]?.n ?? 0);
}
