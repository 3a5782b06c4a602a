import type { DataSource } from '@ecar/db';
import { notFound } from '@ecar/errors';
import { pageById, rowsForPage, type Page } from '@ecar/primitives';
import { findRun, listRuns, type BackupRun } from '../data/backup-runs.ts';
import { listDrills, type DrillRow } from '../data/drills.ts';

export type { BackupRun } from '../data/backup-runs.ts';
export type { DrillRow } from '../data/drills.ts';

/** The backup catalogue as the super-admin API shows it. */
export class BackupCatalogue {
  constructor(private readonly dataSource: DataSource) {}

  /** Newest first; `cursor` is the id of the last set of the previous page. */
  async sets(cursor: string | undefined, limit: number): Promise<Page<BackupRun>> {
    const rows = await listRuns(this.dataSource.manager, { ...(cursor ? { before: cursor } : {}), limit: rowsForPage(limit) });
    return pageById(rows, limit);
  }

  async set(id: string): Promise<BackupRun> {
    const run = await findRun(this.dataSource.manager, id);
    if (!run) throw notFound('No such backup set');
    return run;
  }

  async drills(limit: number): Promise<DrillRow[]> {
    return listDrills(this.dataSource.manager, { limit });
  }
}
