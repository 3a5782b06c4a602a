import assert from 'node:assert/strict';
import { after, before, describe } from 'node:test';
import type { Role } from '@ecar/contracts';
import type { BackupService } from '../../services/backup/src/service.ts';
import { accessMatrixTests, reach, type MatrixCase } from '../support/access-matrix.ts';
import { startBackupHarness, type BackupHarness } from '../support/backup-harness.ts';

let harness: BackupHarness;
let service: BackupService;
let setId: string;
const tokens = new Map<Role, string>();

/** A finished backup set, the same for every case; no run is in progress when a case starts. */
interface World {
  setId: string;
}

async function world(): Promise<World> {
  await service.domain.backups.runner.idle();
  return { setId };
}

/** The backup API is for super-admins only. */
const adminOnly = (success: number) => reach(success, 'role-denied', 'role-denied');

const MATRIX: Record<string, MatrixCase<World>> = {
  // One run at a time: the super-admin's second request (`own`, sent while the first run goes on) is a 409.
  'POST /api/v1/backups': {
    path: () => '/api/v1/backups',
    isolated: true,
    expect: { ...adminOnly(202), 'super-admin': { other: 202, own: 409 } },
  },
  'GET /api/v1/backups': { path: () => '/api/v1/backups?limit=100', listedId: (w) => w.setId, expect: reach('listed', 'role-denied', 'role-denied') },
  'GET /api/v1/backups/drills': { path: () => '/api/v1/backups/drills', expect: adminOnly(200) },
  'GET /api/v1/backups/:id': { path: (w) => `/api/v1/backups/${w.setId}`, expect: adminOnly(200) },
  'POST /api/v1/backups/:id/verify': { path: (w) => `/api/v1/backups/${w.setId}/verify`, expect: adminOnly(200) },
};

/**
 * The access matrix (AUTH-4, AUTH-6) over every route of the backup route table, as the service
 * mounts it, with real tokens of the auth service: no token, each role, mass assignment and
 * malformed input (a set id that cannot be one is a 400).
 */
describe('backup: access matrix over every route', () => {
  before(async () => {
    harness = await startBackupHarness('bkacl');
    service = await harness.startBackup();
    for (const role of ['super-admin', 'technician', 'customer'] as const) tokens.set(role, await harness.token(role));
    setId = (await service.domain.backups.requestBackup('manual', { system: 'access-matrix', correlationId: 'access-matrix' })).id;
    await service.domain.backups.runner.idle();
    assert.equal((await service.domain.catalogue.set(setId)).status, 'succeeded', 'the fixture backup failed');
  });
  after(async () => {
    await service?.domain.backups.runner.idle();
    await harness?.stop();
  });

  accessMatrixTests({ routes: () => service.routes, urls: () => [service.url], world, token: (role) => tokens.get(role)!, sequential: true }, MATRIX);
});
