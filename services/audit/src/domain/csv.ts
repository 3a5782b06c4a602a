import type { AuditEventRow } from '../data/audit-events.ts';

export const CSV_COLUMNS = [
  'seq', 'eventId', 'occurredAt', 'recordedAt', 'type', 'action', 'producer', 'actorId', 'actorRole', 'actorEmail', 'actorSystem',
  'ip', 'userAgent', 'correlationId', 'subjectType', 'subjectId', 'subjectOwner', 'changes', 'data', 'hash',
] as const;

/**
 * One CSV cell, safe to open in a spreadsheet: a cell that starts with a formula trigger
 * (= + - @, tab, carriage return) gets a leading apostrophe (OWASP CSV injection), then the
 * cell is quoted with inner quotes doubled.
 */
export function csvCell(value: unknown): string {
  let text = value === null || value === undefined ? '' : typeof value === 'string' ? value : JSON.stringify(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return `"${text.replace(/"/g, '""')}"`;
}

export function csvLine(row: AuditEventRow): string {
  const values = [
    row.seq, row.eventId, row.occurredAt, row.recordedAt, row.type, row.action, row.producer, row.actor.id, row.actor.role, row.actor.email,
    row.actor.system, row.actor.ip, row.actor.userAgent, row.correlationId, row.subject.type, row.subject.id, row.subject.ownerId,
    row.changes, row.data, row.hash,
  ];
  return `${values.map(csvCell).join(',')}\r\n`;
}

export function csvHeader(): string {
  return `${CSV_COLUMNS.map(csvCell).join(',')}\r\n`;
}
