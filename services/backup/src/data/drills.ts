import type { EntityManager } from '@ecar/db';

export interface DrillRow {
  id: string;
  backupId: string | null;
  status: 'running' | 'succeeded' | 'failed';
  startedAt: Date;
  finishedAt: Date | null;
  error: string | null;
  mismatches: string[] | null;
}

export async function insertDrill(db: EntityManager, id: string, backupId: string | null): Promise<void> {
  await db.query(`INSERT INTO backup_drills (id, backup_id, status) VALUES ($1, $2, 'running')`, [id, backupId]);
}

export async function finishDrill(db: EntityManager, id: string, result: { ok: boolean; error?: string; mismatches: string[] }): Promise<void> {
  await db.query(`UPDATE backup_drills SET status = $2, finished_at = now(), error = $3, mismatches = $4 WHERE id = $1`, [
    id,
    result.ok ? 'succeeded' : 'failed',
    result.error?.slice(0, 1000) ?? null,
    JSON.stringify(result.mismatches),
  ]);
}

function toDrill(row: Record<string, unknown>): DrillRow {
  return {
    id: String(row['id']),
    backupId: row['backup_id'] as string | null,
    status: row['status'] as DrillRow['status'],
    startedAt: row['started_at'] as Date,
    finishedAt: row['finished_at'] as Date | null,
    error: row['error'] as string | null,
    mismatches: row['mismatches'] as string[] | null,
  };
}

/** Newest first; `status` narrows to one outcome. */
export async function listDrills(db: EntityManager, options: { status?: 'succeeded'; limit: number }): Promise<DrillRow[]> {
  const rows: Array<Record<string, unknown>> = await db.query(
    `SELECT id, backup_id, status, started_at, finished_at, error, mismatches FROM backup_drills
      WHERE ($1::text IS NULL OR status = $1) ORDER BY started_at DESC LIMIT $2`,
    [options.status ?? null, options.limit],
  );
  return rows.map(toDrill);
}

export async function lastDrill(db: EntityManager, status?: 'succeeded'): Promise<DrillRow | undefined> {
  return (await listDrills(db, { ...(status ? { status } : {}), limit: 1 }))[0];
}
