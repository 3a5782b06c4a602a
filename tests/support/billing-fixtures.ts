import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { buildEvent, type EventEnvelope } from '@ecar/contracts';
import type { presentCreditNote, presentInvoice } from '../../services/billing/src/api/present.ts';
import { call, type BillingStack, type JsonResponse } from './billing-stack.ts';

/** The JSON the billing API answers, typed from its presenters (dates arrive as strings, which they already are). */
export type InvoiceJson = ReturnType<typeof presentInvoice>;
export type CreditNoteJson = ReturnType<typeof presentCreditNote>;

export const asInvoice = (body: Record<string, unknown>) => body as unknown as InvoiceJson;
export const asCreditNote = (body: Record<string, unknown>) => body as unknown as CreditNoteJson;

export const COMPANY_BUYER = { name: 'Transports Salah SARL', kind: 'company', taxId: '7654321B/A/M/000', address: '5 avenue Habib Bourguiba, Sfax', stampExempt: false };
export const PERSON_BUYER = { name: 'Amira Ben Salem', kind: 'person', cin: '01234567', address: 'Ariana', stampExempt: false };

export const SAMPLE_LINES = [
  { kind: 'labour', description: 'Vidange et main-d’œuvre', quantityMilli: 1500, unitPriceMillimes: 45_000, vatRateBp: 1900 },
  { kind: 'part', description: 'Filtre à huile', quantityMilli: 1000, unitPriceMillimes: 18_500, vatRateBp: 1900 },
  { kind: 'part', description: 'Pièce à taux réduit', quantityMilli: 2000, unitPriceMillimes: 10_000, vatRateBp: 700 },
];

export function expectStatus(response: JsonResponse, status: number, what: string): Record<string, unknown> {
  assert.equal(response.status, status, `${what}: ${JSON.stringify(response.body)}`);
  return response.body;
}

export async function createDraft(stack: BillingStack, admin: string, body: Record<string, unknown> = {}): Promise<string> {
  const response = await call(stack.gateway.url, '/api/v1/invoices', { method: 'POST', token: admin, json: { buyer: COMPANY_BUYER, lines: SAMPLE_LINES, ...body } });
  return String(expectStatus(response, 201, 'create draft')['id']);
}

export async function issue(stack: BillingStack, admin: string, invoiceId: string): Promise<Record<string, unknown>> {
  return expectStatus(await call(stack.gateway.url, `/api/v1/invoices/${invoiceId}/issue`, { method: 'POST', token: admin }), 200, 'issue');
}

export async function issuedInvoice(stack: BillingStack, admin: string, body: Record<string, unknown> = {}): Promise<Record<string, unknown>> {
  return issue(stack, admin, await createDraft(stack, admin, body));
}

export function workOrderCompleted(overrides: { workOrderId?: string; customerUserId?: string; workOrderNumber?: string } = {}): EventEnvelope {
  const workOrderId = overrides.workOrderId ?? randomUUID();
  return buildEvent({
    type: 'garage.workorder.completed',
    producer: 'garage',
    correlationId: `wo-${randomUUID()}`,
    actor: { system: 'garage-test' },
    subject: { type: 'work-order', id: workOrderId },
    data: {
      workOrderId,
      ...(overrides.workOrderNumber ? { workOrderNumber: overrides.workOrderNumber } : {}),
      customerId: randomUUID(),
      ...(overrides.customerUserId ? { customerUserId: overrides.customerUserId } : {}),
      buyer: { name: 'Amira Ben Salem', kind: 'person', cin: '01234567', stampExempt: false },
      vehicle: { plate: '123 TU 4567', description: 'Peugeot 208' },
      completedAt: new Date().toISOString(),
      lines: [
        { kind: 'labour', description: 'Diagnostic', quantityMilli: 1000, unitPriceMillimes: 40_000, vatRateBp: 1900 },
        { kind: 'part', description: 'Plaquettes de frein', quantityMilli: 2000, unitPriceMillimes: 35_250, vatRateBp: 1900 },
      ],
    },
  });
}
