import { ADMIN } from '@ecar/contracts';
import type { BackupRunResponse, BackupStartedResponse, DrillResponse, VerifySetResponse } from '@ecar/contracts/responses/backup';
import { backupListQuery, backupSetParams, drillListQuery } from '@ecar/contracts/requests/backup';
import { route, type Route } from '@ecar/runtime';
import type { BackupCatalogue, BackupRun, DrillRow } from '../domain/catalogue.ts';
import type { BackupDeps } from '../domain/deps.ts';
import { verifySet } from '../domain/verify-set.ts';
import type { BackupJobs } from '../jobs/backup-jobs.ts';

/** The answers are typed by @ecar/contracts/responses/backup, which the web app reads: a drift fails the type check. */
function backupView(run: BackupRun): BackupRunResponse {
  return {
    id: run.id,
    trigger: run.trigger,
    status: run.status,
    startedAt: run.startedAt.toISOString(),
    finishedAt: run.finishedAt?.toISOString() ?? null,
    error: run.error,
    sizeBytes: run.sizeBytes,
    keyId: run.keyId,
    files: run.files?.map((file) => ({ name: file.name, kind: file.kind, size: file.size, sha256: file.sha256 })) ?? [],
    local: { status: run.localStatus, verifiedAt: run.verifiedAt?.toISOString() ?? null },
    upload: {
      status: run.uploadStatus,
      attempts: run.uploadAttempts,
      nextAttemptAt: run.uploadNextAt?.toISOString() ?? null,
      error: run.uploadError,
      uploadedAt: run.uploadedAt?.toISOString() ?? null,
    },
  };
}

function drillView(drill: DrillRow): DrillResponse {
  return {
    id: drill.id,
    backupId: drill.backupId,
    status: drill.status,
    startedAt: drill.startedAt.toISOString(),
    finishedAt: drill.finishedAt?.toISOString() ?? null,
    error: drill.error,
    mismatches: drill.mismatches ?? [],
  };
}

/** Super-admin only, checked here too although the gateway already restricts /api/v1/backups. */
export function backupRoutes({ deps, catalogue, backups }: { deps: BackupDeps; catalogue: BackupCatalogue; backups: BackupJobs }): Route[] {
  return [
    route({
      method: 'post',
      path: '/api/v1/backups',
      roles: ADMIN,
      success: 202,
      summary: 'Start a backup now (409 while one runs); the set is written, uploaded and kept like a scheduled one',
      async handle({ caller, res }) {
        const { id } = await backups.requestBackup('manual', caller);
        res.location(`/api/v1/backups/${id}`);
        const started: BackupStartedResponse = { id, status: 'running' };
        return started;
      },
    }),
    route({
      method: 'get',
      path: '/api/v1/backups',
      roles: ADMIN,
      query: backupListQuery,
      summary: 'Backup sets, newest first, with their local and SFTP copies',
      async handle({ query }) {
        const page = await catalogue.sets(query.cursor, query.limit);
        return { items: page.items.map(backupView), nextCursor: page.nextCursor };
      },
    }),
    route({
      method: 'get',
      path: '/api/v1/backups/drills',
      roles: ADMIN,
      query: drillListQuery,
      summary: 'Restore drills, newest first',
      async handle({ query }) {
        return { items: (await catalogue.drills(query.limit)).map(drillView) };
      },
    }),
    route({
      method: 'get',
      path: '/api/v1/backups/:id',
      roles: ADMIN,
      params: backupSetParams,
      summary: 'One backup set',
      async handle({ params }) {
        return backupView(await catalogue.set(params.id));
      },
    }),
    route({
      method: 'post',
      path: '/api/v1/backups/:id/verify',
      roles: ADMIN,
      params: backupSetParams,
      summary: 'Check both copies of a set against the sizes and hashes recorded at backup time',
      async handle({ params }) {
        const checked: VerifySetResponse = await verifySet(deps, params.id);
        return checked;
      },
    }),
  ];
}
