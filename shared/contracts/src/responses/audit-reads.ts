/**
 * GET /api/v1/audit/me/reads (issue 15): who read the signed-in customer's data. No internal ids,
 * no addresses: the reader's role and, for staff, the display name their account had.
 */
export interface OwnReadResponse {
  /** The record's position in the log (also the paging cursor). */
  id: string;
  occurredAt: string;
  reader: { role: 'super-admin' | 'technician' | 'customer' | 'system'; name: string | null };
  /** What was read: field names (never values) and why, as the reading service recorded them. */
  fields: string[];
  purpose: string | null;
  /** The event type, e.g. `garage.customer.accessed`, `garage.document.downloaded`. */
  kind: string;
}

export interface OwnReadsPage {
  items: OwnReadResponse[];
  nextCursor: string | null;
}
