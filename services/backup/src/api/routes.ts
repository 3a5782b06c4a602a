import express, { type Router } from 'express';
import { z } from 'zod';
import { principalOf, requireAuth, type AccessTokenVerifier } from '@ecar/auth-client';
import { notFound, parseInput } from '@ecar/errors';
import { clientInfo } from '@ecar/http';
import type { BackupCatalogue, BackupRun } from '../domain/catalogue.ts';
import type { BackupDeps } from '../domain/deps.ts';
import { verifySet } from '../domain/verify-set.ts';
import type { BackupJobs } from '../jobs/backup-jobs.ts';

export const MAX_PAGE_SIZE = 100;
const BACKUP_ID = /^\d{8}T\d{6}Z-[0-9a-f]{6}$/;

const listQuery = z
  .object({
    cursor: z.string().regex(BACKUP_ID).optional(),
    limit: z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).default(20),
  })
  .strict();
const emptyBody = z.object({}).strict();
const drillsQuery = z.object({ limit: z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).default(10) }).strict();

function view(run: BackupRun) {
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

function backupId(raw: string | string[] | undefined): string {
  if (typeof raw !== 'string' || !BACKUP_ID.test(raw)) throw notFound('No such backup set');
  return raw;
}

/** Super-admin only, checked here too although the gateway already restricts /api/v1/backups. */
export function backupRoutes(deps: BackupDeps, catalogue: BackupCatalogue, jobs: BackupJobs, verifier: AccessTokenVerifier): Router {
  const router = express.Router();
  router.use('/api/v1/backups', requireAuth(verifier, ['super-admin']));

  router.post('/api/v1/backups', async (req, res) => {
    parseInput(emptyBody, req.body ?? {}, 'body');
    const principal = principalOf(res);
    const { ip, userAgent } = clientInfo(req);
    const { id } = await jobs.requestBackup('manual', {
      userId: principal.userId,
      role: principal.role,
      ...(ip ? { ip } : {}),
      ...(userAgent ? { userAgent: userAgent.slice(0, 512) } : {}),
    });
    res.status(202).location(`/api/v1/backups/${id}`).json({ id, status: 'running' });
  });

  router.get('/api/v1/backups', async (req, res) => {
    const query = parseInput(listQuery, req.query, 'query');
    const page = await catalogue.sets(query.cursor, query.limit);
    res.setHeader('Cache-Control', 'no-store');
    res.json({ items: page.items.map(view), nextCursor: page.nextCursor });
  });

  router.get('/api/v1/backups/drills', async (req, res) => {
    const query = parseInput(drillsQuery, req.query, 'query');
    const drills = await catalogue.drills(query.limit);
    res.setHeader('Cache-Control', 'no-store');
    res.json({
      items: drills.map((drill) => ({
        id: drill.id,
        backupId: drill.backupId,
        status: drill.status,
        startedAt: drill.startedAt.toISOString(),
        finishedAt: drill.finishedAt?.toISOString() ?? null,
        error: drill.error,
        mismatches: drill.mismatches ?? [],
      })),
    });
  });

  router.get('/api/v1/backups/:id', async (req, res) => {
    const run = await catalogue.set(backupId(req.params['id']));
    res.setHeader('Cache-Control', 'no-store');
    res.json(view(run));
  });

  router.post('/api/v1/backups/:id/verify', async (req, res) => {
    parseInput(emptyBody, req.body ?? {}, 'body');
    res.setHeader('Cache-Control', 'no-store');
    res.json(await verifySet(deps, backupId(req.params['id'])));
  });

  return router;
}
