/**
 * The backup service's answers as clients read them (JSON: instants are ISO strings). One place
 * for the web app's types; services/backup/src/api/route-table.ts builds each answer as one of
 * these, so the type check fails when what the service sends and what the web app reads drift
 * apart. Types only: nothing here reaches a bundle.
 */

export type RunStatus = 'running' | 'succeeded' | 'failed';
export type BackupTrigger = 'schedule' | 'catch-up' | 'manual';
export type UploadStatus = 'none' | 'disabled' | 'pending' | 'uploaded' | 'deleted';

/** GET /api/v1/backups/:id, rows of GET /api/v1/backups */
export interface BackupRunResponse {
  id: string;
  trigger: BackupTrigger;
  status: RunStatus;
  startedAt: string;
  finishedAt: string | null;
  error: string | null;
  sizeBytes: number | null;
  keyId: string | null;
  files: Array<{ name: string; kind: 'database' | 'documents'; size: number; sha256: string }>;
  local: { status: 'none' | 'stored' | 'deleted'; verifiedAt: string | null };
  upload: { status: UploadStatus; attempts: number; nextAttemptAt: string | null; error: string | null; uploadedAt: string | null };
}

/** Rows of GET /api/v1/backups/drills: a restore drill into a scratch database. */
export interface DrillResponse {
  id: string;
  backupId: string | null;
  status: RunStatus;
  startedAt: string;
  finishedAt: string | null;
  error: string | null;
  mismatches: string[];
}

/** One copy's check in GET /api/v1/backups/:id/verify. */
export type VerifySideResponse = { status: 'ok' } | { status: 'failed'; problems: string[] } | { status: 'absent' } | { status: 'unreachable'; problems: string[] };

/** GET /api/v1/backups/:id/verify */
export interface VerifySetResponse {
  id: string;
  local: VerifySideResponse;
  remote: VerifySideResponse;
}

/** POST /api/v1/backups (202) */
export interface BackupStartedResponse {
  id: string;
  status: 'running';
}
