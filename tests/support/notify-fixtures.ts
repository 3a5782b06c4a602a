import assert from 'node:assert/strict';
import { randomInt, randomUUID } from 'node:crypto';
import { buildEvent, type EventData, type EventEnvelope, type EventType } from '@ecar/contracts';
import type { CaughtMail } from './fake-smtp.ts';
import type { NotifyStack } from './notify-stack.ts';

export interface TestCustomer {
  id: string;
  userId: string;
  phone: string;
  email: string;
}

/** A garage customer with a phone, an e-mail and an account, created through garage's API. */
export async function createCustomer(stack: NotifyStack, options: { phone?: boolean } = {}): Promise<TestCustomer> {
  const userId = randomUUID();
  const phone = `+216${String(randomInt(20_000_000, 99_999_999))}`;
  const email = `client.${userId.slice(0, 8)}@notify.ecar.test`;
  const response = await stack.call('/api/v1/customers', {
    method: 'POST',
    token: stack.token('super-admin'),
    json: { kind: 'person', name: 'Amira Ben Salem', ...(options.phone === false ? {} : { phone }), email, userId, consentMethod: 'in-person' },
  });
  assert.equal(response.status, 201, JSON.stringify(response.body));
  return { id: String(response.body['id']), userId, phone, email };
}

/** An event as its producer's relay would publish it. */
export function event<T extends EventType>(type: T, data: EventData<T>, subject: { type: string; id: string } = { type: 'test', id: randomUUID() }): EventEnvelope {
  return buildEvent({ type, producer: type.split('.')[0]!, correlationId: `notify-${randomUUID()}`, actor: { system: 'notify-test' }, subject, data });
}

export function workOrderCompleted(customerId: string, workOrderId = randomUUID(), workOrderNumber?: string): EventEnvelope {
  return event('garage.workorder.completed', {
    workOrderId,
    ...(workOrderNumber ? { workOrderNumber } : {}),
    customerId,
    buyer: { name: 'Amira Ben Salem', kind: 'person', stampExempt: false },
    vehicle: { plate: '123 TU 4567', description: 'Peugeot 208' },
    completedAt: new Date().toISOString(),
    lines: [{ kind: 'labour', description: 'Diagnostic', quantityMilli: 1000, unitPriceMillimes: 40_000, vatRateBp: 1900 }],
  });
}

export function estimateSent(customerId: string): EventEnvelope {
  return event('garage.workorder.status_changed', { workOrderId: randomUUID(), customerId, vehicleId: randomUUID(), status: 'estimate_sent', from: 'open' });
}

export function appointmentConfirmed(customerId: string, slotStart: string): EventEnvelope {
  return event('garage.appointment.confirmed', { appointmentId: randomUUID(), customerId, slotStart, status: 'confirmed' });
}

export interface MessageRow {
  id: string;
  status: string;
  reason: string | null;
  attempts: number;
  channel: string;
  language: string;
  template: string;
}

export async function messagesOf(stack: NotifyStack, customerId: string): Promise<MessageRow[]> {
  return stack.notify.context.dataSource.query(
    `SELECT id, status, reason, attempts, channel, language, template FROM messages WHERE customer_id = $1 ORDER BY id`,
    [customerId],
  );
}

/** A caught e-mail's subject and text, MIME encodings undone (nodemailer writes UTF-8 as base64 or quoted-printable). */
export function decodeMail(mail: CaughtMail): { subject: string; text: string } {
  const [head = '', ...rest] = mail.raw.split(/\r?\n\r?\n/);
  const unfolded = head.replace(/\r?\n[ \t]+/g, ' ');
  const rawSubject = /^Subject: (.*)$/im.exec(unfolded)?.[1] ?? '';
  const subject = rawSubject.replace(/=\?utf-8\?([bq])\?([^?]*)\?=\s*/gi, (_m, kind: string, value: string) =>
    kind.toLowerCase() === 'b' ? Buffer.from(value, 'base64').toString('utf8') : qp(value.replace(/_/g, ' ')),
  );
  const body = rest.join('\n\n');
  const encoding = /^Content-Transfer-Encoding: (.*)$/im.exec(unfolded)?.[1]?.trim().toLowerCase();
  const text = encoding === 'base64' ? Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8') : encoding === 'quoted-printable' ? qp(body.replace(/=\r?\n/g, '')) : body;
  return { subject, text };
}

function qp(value: string): string {
  const bytes: number[] = [];
  for (let i = 0; i < value.length; i += 1) {
    if (value[i] === '=' && /^[0-9A-F]{2}$/i.test(value.slice(i + 1, i + 3))) {
      bytes.push(parseInt(value.slice(i + 1, i + 3), 16));
      i += 2;
    } else bytes.push(...Buffer.from(value[i]!, 'utf8'));
  }
  return Buffer.from(bytes).toString('utf8');
}
