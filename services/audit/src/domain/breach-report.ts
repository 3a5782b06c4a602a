import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { EntityManager } from '@ecar/db';
import { customerTouches, type CustomerTouch } from '../data/customer-touches.ts';
import { arabicDraft, frenchDraft } from './notification-drafts.ts';

export interface BreachQuery {
  /** The compromised account (user id), or */
  account?: string;
  /** the address the attacker used; either or both. */
  ip?: string;
  from: Date;
  to: Date;
}

export interface Touch {
  at: string;
  eventId: string;
  type: string;
  action: 'access' | 'create' | 'update' | 'delete';
  /** Personal-data fields read or changed, as named by the event. */
  fields: string[];
}

export interface AffectedCustomer {
  customerId: string;
  firstAt: string;
  lastAt: string;
  read: boolean;
  changed: boolean;
  fields: string[];
  touches: Touch[];
}

export interface BreachReport {
  query: { account: string | null; ip: string | null; from: string; to: string };
  generatedAt: string;
  affectedCustomers: AffectedCustomer[];
}

function fieldsOf(touch: CustomerTouch): string[] {
  const fields = new Set<string>();
  const data = JSON.parse(touch.data) as Record<string, unknown>;
  if (Array.isArray(data['fields'])) for (const field of data['fields']) if (typeof field === 'string') fields.add(field);
  if (touch.changes) for (const field of Object.keys(JSON.parse(touch.changes) as Record<string, unknown>)) fields.add(field);
  return [...fields].sort();
}

/**
 * INC-3: every customer whose data the account (or address) read or changed in the window, with
 * what and when — the list of people to notify, and what to tell each of them.
 */
export async function breachReport(db: EntityManager, query: BreachQuery): Promise<BreachReport> {
  if (!query.account && !query.ip) throw new RangeError('a breach report needs an account or an IP address');
  if (!(query.from < query.to)) throw new RangeError('the window must end after it starts');
  const byCustomer = new Map<string, AffectedCustomer>();
  for (const touch of await customerTouches(db, query)) {
    const fields = fieldsOf(touch);
    const entry = byCustomer.get(touch.customerId) ?? {
      customerId: touch.customerId,
      firstAt: touch.occurredAt,
      lastAt: touch.occurredAt,
      read: false,
      changed: false,
      fields: [],
      touches: [],
    };
    entry.touches.push({ at: touch.occurredAt, eventId: touch.eventId, type: touch.type, action: touch.action as Touch['action'], fields });
    entry.read ||= touch.action === 'access';
    entry.changed ||= touch.action !== 'access';
    entry.fields = [...new Set([...entry.fields, ...fields])].sort();
    if (touch.occurredAt < entry.firstAt) entry.firstAt = touch.occurredAt;
    if (touch.occurredAt > entry.lastAt) entry.lastAt = touch.occurredAt;
    byCustomer.set(touch.customerId, entry);
  }
  return {
    query: { account: query.account ?? null, ip: query.ip ?? null, from: query.from.toISOString(), to: query.to.toISOString() },
    generatedAt: new Date().toISOString(),
    affectedCustomers: [...byCustomer.values()],
  };
}

const SAFE_NAME = /^[A-Za-z0-9._-]{1,128}$/;

/**
 * Writes `breach-report.json` and, per affected customer, notification drafts in French and
 * Arabic (`<customerId>.fr.txt`, `<customerId>.ar.txt`) for the garage to complete and send.
 */
export async function writeBreachReport(report: BreachReport, outputDir: string, garage = 'ECAR'): Promise<string[]> {
  await mkdir(outputDir, { recursive: true, mode: 0o700 });
  const written = [join(outputDir, 'breach-report.json')];
  await writeFile(written[0]!, `${JSON.stringify(report, null, 2)}\n`, { mode: 0o600 });
  for (const customer of report.affectedCustomers) {
    // Customer ids come from events; never let one name a path outside the output directory.
    const name = SAFE_NAME.test(customer.customerId) ? customer.customerId : Buffer.from(customer.customerId).toString('hex').slice(0, 64);
    for (const [language, draft] of [['fr', frenchDraft(customer, report, garage)], ['ar', arabicDraft(customer, report, garage)]] as const) {
      const path = join(outputDir, `${name}.${language}.txt`);
      await writeFile(path, `${draft}\n`, { mode: 0o600 });
      written.push(path);
    }
  }
  return written;
}
