import type { EntityManager } from '@ecar/db';
import type { LineApproval } from '@ecar/contracts/requests/garage';
import type { FieldCipher } from './field-cipher.ts';
import type { WorkOrderLine } from './work-orders.ts';

/** Estimates (issue #14): line changes and approvals, the customer's answers, the versions sent and approved. */

export type DecisionMethod = 'app' | 'phone' | 'in_person';

export interface EstimateDecision {
  id: string;
  workOrderId: string;
  method: DecisionMethod;
  recordedBy: string;
  /** Who gave the answer (recorded answers only). Personal data: sealed at rest. */
  givenBy: string | null;
  givenAt: Date;
  /** The customer's words (recorded answers only). Sealed at rest. */
  customerWords: string | null;
  ip: string | null;
  createdAt: Date;
}

export interface EstimateVersion {
  id: string;
  workOrderId: string;
  version: number;
  kind: 'sent' | 'decision';
  /** `DV-2026-000045` for a version sent to the customer (the database numbers it), null for a decision. */
  number: string | null;
  decisionId: string | null;
  lines: unknown;
  totals: unknown;
  approvedTotals: unknown;
  createdBy: string;
  createdAt: Date;
}

const LINE_COLUMNS = `id, work_order_id AS "workOrderId", kind, description, quantity_milli AS "quantityMilli",
  unit_price_millimes::float8 AS "unitPriceMillimes", vat_rate_bp AS "vatRateBp", approval, decision_id AS "decisionId",
  added_by AS "addedBy", created_at AS "createdAt", updated_at AS "updatedAt"`;

export async function lineForUpdate(db: EntityManager, workOrderId: string, lineId: string): Promise<WorkOrderLine | undefined> {
  const rows: WorkOrderLine[] = await db.query(`SELECT ${LINE_COLUMNS} FROM work_order_lines WHERE id = $1 AND work_order_id = $2 FOR UPDATE`, [lineId, workOrderId]);
  return rows[0];
}

export async function updateLine(db: EntityManager, line: WorkOrderLine): Promise<void> {
  await db.query(
    `UPDATE work_order_lines SET kind = $2, description = $3, quantity_milli = $4, unit_price_millimes = $5, vat_rate_bp = $6, approval = $7, updated_at = $8
     WHERE id = $1`,
    [line.id, line.kind, line.description, line.quantityMilli, line.unitPriceMillimes, line.vatRateBp, line.approval, line.updatedAt],
  );
}

export async function deleteLine(db: EntityManager, lineId: string): Promise<void> {
  await db.query(`DELETE FROM work_order_lines WHERE id = $1`, [lineId]);
}

/** Moves the order's lines in `from` to `to`; answers the ids moved. */
export async function moveApprovals(db: EntityManager, workOrderId: string, from: readonly LineApproval[], to: LineApproval): Promise<string[]> {
  const rows: Array<{ id: string }> = await db.query(
    `UPDATE work_order_lines SET approval = $3, decision_id = NULL, updated_at = now() WHERE work_order_id = $1 AND approval = ANY($2::text[]) RETURNING id`,
    [workOrderId, from, to],
  );
  return rows.map((row) => row.id);
}

export async function decideLines(db: EntityManager, lineIds: readonly string[], approval: 'approved' | 'declined', decisionId: string): Promise<void> {
  if (lineIds.length === 0) return;
  await db.query(`UPDATE work_order_lines SET approval = $2, decision_id = $3, updated_at = now() WHERE id = ANY($1::uuid[])`, [lineIds, approval, decisionId]);
}

/** Reads and writes the customer's answers, sealing who gave them and their words (ENC-1). */
export class EstimateStore {
  constructor(private readonly cipher: FieldCipher) {}

  async insertDecision(db: EntityManager, decision: EstimateDecision): Promise<void> {
    await db.query(
      `INSERT INTO estimate_decisions (id, work_order_id, method, recorded_by, given_by_sealed, given_at, words_sealed, ip, created_at)
       VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9)`,
      [
        decision.id,
        decision.workOrderId,
        decision.method,
        decision.recordedBy,
        this.cipher.seal('estimate_decisions', 'given_by_sealed', decision.id, decision.givenBy),
        decision.givenAt,
        this.cipher.seal('estimate_decisions', 'words_sealed', decision.id, decision.customerWords),
        decision.ip,
        decision.createdAt,
      ],
    );
  }

  async decisionsOf(db: EntityManager, workOrderId: string): Promise<EstimateDecision[]> {
    const rows: Array<Omit<EstimateDecision, 'givenBy' | 'customerWords'> & { givenBySealed: string | null; wordsSealed: string | null }> = await db.query(
      `SELECT id, work_order_id AS "workOrderId", method, recorded_by AS "recordedBy", given_by_sealed AS "givenBySealed", given_at AS "givenAt",
              words_sealed AS "wordsSealed", ip, created_at AS "createdAt"
       FROM estimate_decisions WHERE work_order_id = $1 ORDER BY created_at, id`,
      [workOrderId],
    );
    return rows.map(({ givenBySealed, wordsSealed, ...row }) => ({
      ...row,
      givenBy: this.cipher.open('estimate_decisions', 'given_by_sealed', row.id, givenBySealed),
      customerWords: this.cipher.open('estimate_decisions', 'words_sealed', row.id, wordsSealed),
    }));
  }
}

/** Appends the next version of the order's estimate (the order row is locked by the caller, so numbers do not race). */
export async function appendVersion(db: EntityManager, version: Omit<EstimateVersion, 'version' | 'number'>): Promise<{ version: number; number: string | null }> {
  const rows: Array<{ version: number; number: string | null }> = await db.query(
    `INSERT INTO estimate_versions (id, work_order_id, version, kind, decision_id, lines, totals, approved_totals, created_by, created_at)
     SELECT $1, $2, COALESCE(MAX(version), 0) + 1, $3, $4, $5::jsonb, $6::jsonb, $7::jsonb, $8, $9 FROM estimate_versions WHERE work_order_id = $2
     RETURNING version, number`,
    [
      version.id,
      version.workOrderId,
      version.kind,
      version.decisionId,
      JSON.stringify(version.lines),
      JSON.stringify(version.totals),
      JSON.stringify(version.approvedTotals),
      version.createdBy,
      version.createdAt,
    ],
  );
  return rows[0]!;
}

export async function versionsOf(db: EntityManager, workOrderId: string): Promise<EstimateVersion[]> {
  return db.query(
    `SELECT id, work_order_id AS "workOrderId", version, kind, number, decision_id AS "decisionId", lines, totals, approved_totals AS "approvedTotals",
            created_by AS "createdBy", created_at AS "createdAt"
     FROM estimate_versions WHERE work_order_id = $1 ORDER BY version`,
    [workOrderId],
  );
}
