import type { FieldValues, Path, UseFormReturn } from 'react-hook-form';
import { z } from 'zod';
import { parseThousandths } from './ui.tsx';

import '../../shell/zod-jitless.ts';

/**
 * The back office's form schemas: the same rules as the services' request schemas (the services
 * check again and their field errors land on the same fields). Optional text fields are '' when
 * left empty; `compact` drops them before sending.
 */
const optionalText = (max: number) => z.string().trim().max(max);
export const cinField = z.string().trim().regex(/^(\d{8})?$/);
export const phoneField = z.string().trim().regex(/^(\+?[\d\s.-]{8,20})?$/);
export const emailField = z.union([z.literal(''), z.email().max(320)]);
export const amountField = z.string().refine((value) => parseThousandths(value) !== undefined);

export const customerForm = z.object({
  kind: z.enum(['person', 'company']),
  name: z.string().trim().min(1).max(200),
  phone: phoneField,
  email: emailField,
  address: optionalText(500),
  cin: cinField,
  taxId: optionalText(32),
  consentMethod: z.enum(['', 'written-form', 'electronic', 'in-person']),
});
export type CustomerForm = z.infer<typeof customerForm>;

export const vehicleForm = z.object({
  plate: z.string().trim().min(1).max(20),
  vin: z.string().trim().regex(/^([A-HJ-NPR-Z0-9]{17})?$/i),
  make: z.string().trim().min(1).max(60),
  model: z.string().trim().min(1).max(60),
  year: z.string().regex(/^\d{4}$/),
  mileageKm: z.string().regex(/^\d{1,7}$/),
});
export type VehicleForm = z.infer<typeof vehicleForm>;

export const lineForm = z.object({
  kind: z.enum(['labour', 'part']),
  description: z.string().trim().min(1).max(500),
  quantity: amountField,
  unitPrice: amountField,
  vatRateBp: z.enum(['1900', '1300', '700', '0']),
});
export type LineForm = z.infer<typeof lineForm>;

/** Drops empty strings: an optional field left empty is not sent at all. */
export function compact<T extends Record<string, unknown>>(values: T): Partial<T> {
  return Object.fromEntries(Object.entries(values).filter(([, value]) => value !== '' && value !== undefined)) as Partial<T>;
}

/**
 * Checks the request body the form built with the service's own schema (@ecar/contracts): what
 * the service would refuse is shown at the field before anything is sent. `fieldOf` maps a body
 * path to the form field when they differ (`quantityMilli` → `quantity`).
 */
export function checkBody<T extends FieldValues, S extends z.ZodType>(form: UseFormReturn<T>, schema: S, body: unknown, fieldOf: Record<string, string> = {}): z.infer<S> | undefined {
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  const fields = Object.keys(form.getValues());
  for (const issue of result.error.issues) {
    const path = issue.path.map(String).join('.');
    const field = fieldOf[path] ?? path;
    if (fields.includes(field.split('.')[0] ?? '')) form.setError(field as Path<T>, { type: 'server', message: issue.message });
    else form.setError('root.server', { type: 'server', message: path ? `${path}: ${issue.message}` : issue.message });
  }
  return undefined;
}
