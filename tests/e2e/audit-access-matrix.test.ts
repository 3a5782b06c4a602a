import { randomUUID } from 'node:crypto';
import { after, before, describe } from 'node:test';
import type { Role } from '@ecar/contracts';
import { accessMatrixTests, reach, same, type MatrixCase } from '../support/access-matrix.ts';
import { startAuditHarness, type AuditHarness } from '../support/audit-harness.ts';

let h: AuditHarness;

/** One open alert: the only audit object a request changes. */
interface World {
  alertId: string;
}

async function world(): Promise<World> {
  const alertId = randomUUID();
  await h.sql(`INSERT INTO audit_alerts (id, rule, severity, key, summary, occurred_at) VALUES ($1, 'matrix_case', 'warning', $2, 'access matrix fixture', now())`, [
    alertId,
    `matrix:${alertId}`,
  ]);
  return { alertId };
}

/** The audit API is for super-admins only (the log names everyone's actions). */
const adminOnly = (success: number) => reach(success, 'role-denied', 'role-denied');

const MATRIX: Record<string, MatrixCase<World>> = {
  'GET /api/v1/audit/events': { path: () => '/api/v1/audit/events?limit=5', expect: adminOnly(200) },
  'GET /api/v1/audit/access': { path: () => `/api/v1/audit/access?subject=customer:${randomUUID()}`, expect: adminOnly(200) },
  'GET /api/v1/audit/verify': { path: () => '/api/v1/audit/verify', expect: adminOnly(200) },
  'GET /api/v1/audit/alerts': { path: () => '/api/v1/audit/alerts?limit=200', listedId: (w) => w.alertId, expect: reach('listed', 'role-denied', 'role-denied') },
  'POST /api/v1/audit/alerts/:id/ack': { path: (w) => `/api/v1/audit/alerts/${w.alertId}/ack`, body: () => ({ note: 'seen' }), isolated: true, expect: adminOnly(200) },
  // Issue 15: a customer's own records only (tests/e2e/audit-own-reads.test.ts shows two customers apart); staff have the routes above.
  'GET /api/v1/audit/me/reads': { path: () => '/api/v1/audit/me/reads', expect: { 'super-admin': same(403), technician: same(403), customer: same(200) } },
};

const tokenFor = (role: Role) => h.issuer.token({ role });

/**
 * The access matrix (AUTH-4, AUTH-6) over every route of the audit route table, as the service
 * mounts it: no token, each role, mass assignment and malformed input.
 */
describe('audit: access matrix over every route', () => {
  before(async () => {
    h = await startAuditHarness('auditacl');
  });
  after(async () => {
    await h.stop();
  });

  accessMatrixTests({ routes: () => h.audit.routes, urls: () => [h.audit.url], world, token: tokenFor, sequential: true }, MATRIX);
});
