/**
 * The audit service's answers to super-admins as clients read them (JSON). One place for the web
 * app's types; services/audit/src/api/response-types.ts fails the type check when what the service
 * sends no longer fits them. Types only: nothing here reaches a bundle. The customer's own
 * records (GET /api/v1/audit/me/reads) are in ./audit-reads.ts.
 */

/** A row of GET /api/v1/audit/events and GET /api/v1/audit/access: one record of the log. */
export interface AuditEventResponse {
  /** The record's position in the chain (also the paging cursor). */
  seq: string;
  eventId: string;
  /** e.g. `garage.customer.updated`. */
  type: string;
  action: string;
  producer: string;
  actor: { id: string | null; role: string | null; email: string | null; system: string | null; ip: string | null; userAgent: string | null };
  correlationId: string;
  subject: { type: string; id: string; ownerId: string | null };
  /** Field → [before, after] for a change; null otherwise. */
  changes: Record<string, [unknown, unknown]> | null;
  data: Record<string, unknown>;
  occurredAt: string;
  recordedAt: string;
  prevHash: string;
  hash: string;
}

export type ChainBreakReason = 'hash_mismatch' | 'prev_hash_mismatch' | 'row_missing' | 'checkpoint_mismatch';

/** GET /api/v1/audit/verify: the whole chain recomputed now. */
export interface ChainVerificationResponse {
  valid: boolean;
  /** `full`: from genesis (or the purge anchor); `incremental`: from the last checkpoint. */
  mode: 'full' | 'incremental';
  checkedRows: number;
  /** The first row from which the chain cannot be trusted (`eventId` null for a forged checkpoint). */
  firstBreak: { seq: string; reason: ChainBreakReason; eventId: string | null; foundSeq?: string } | null;
  /** Where verification started: genesis, or the anchor left by a retention purge. */
  startedFrom: { seq: string; prevHash: string };
  headSeq: string | null;
  verifiedAt: string;
}

/** A row of GET /api/v1/audit/alerts, and the answer of POST /api/v1/audit/alerts/:id/ack. */
export interface AlertResponse {
  id: string;
  rule: string;
  severity: 'warning' | 'critical';
  key: string;
  summary: string;
  triggeringEventId: string | null;
  occurredAt: string;
  raisedAt: string;
  acknowledgedAt: string | null;
  acknowledgedBy: string | null;
  ackNote: string | null;
}
