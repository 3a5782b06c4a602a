import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import { buildEvent, eventCatalogue, EVENT_TYPES, type EventEnvelope, type EventType } from '@ecar/contracts';

/**
 * One valid sample event per catalogue type, built from the type's own data schema, so a type
 * another engineer adds is covered without touching this file. A schema the generator cannot
 * satisfy (an unusual regex, a refinement) needs an entry in SAMPLE_DATA; until it has one,
 * `sampleEvents` throws and names the type: no catalogue type goes untested.
 */
const SAMPLE_DATA: Partial<Record<EventType, () => Record<string, unknown>>> = {};

type AnySchema = z.ZodType & { _zod: { def: Record<string, unknown> & { type: string } }; minValue?: number | null; maxValue?: number | null };

function stringCandidates(): unknown[] {
  return [randomUUID(), new Date().toISOString(), 'sample@ecar.test', '12345678', '2026-01-15', 'sample', '216TU1234', 'a', '1', '0', 'S1', 'sample_value',
    // Shapes of identifiers the catalogue uses (invoice and credit-note numbers, backup ids).
    'FA-2026-000001', 'AV-2026-000001', '20260115T120000Z-abc123'];
}

function sampleOf(schema: AnySchema, depth = 0): unknown {
  const def = schema._zod.def;
  const first = (candidates: unknown[]) => candidates.find((candidate) => schema.safeParse(candidate).success);
  switch (def.type) {
    case 'object': {
      const shape = def['shape'] as Record<string, AnySchema>;
      const out: Record<string, unknown> = {};
      for (const [key, field] of Object.entries(shape)) out[key] = sampleOf(field, depth + 1);
      return out;
    }
    case 'optional':
    case 'nullable':
    case 'default':
    case 'prefault':
    case 'readonly':
    case 'nonoptional':
      return sampleOf(def['innerType'] as AnySchema, depth + 1);
    case 'pipe':
      return sampleOf(def['in'] as AnySchema, depth + 1);
    case 'string':
      return first(stringCandidates());
    case 'number':
    case 'int':
      return first([schema.minValue ?? 1, 1, 0, 100, 1000, schema.maxValue ?? 1]);
    case 'boolean':
      return true;
    case 'enum':
      return Object.values(def['entries'] as Record<string, unknown>)[0];
    case 'literal':
      return (def['values'] as unknown[])[0];
    case 'array': {
      const element = def['element'] as AnySchema;
      const checks = (def['checks'] as Array<{ _zod: { def: { check: string; minimum?: number } } }> | undefined) ?? [];
      const minimum = checks.find((check) => check._zod.def.check === 'min_length')?._zod.def.minimum ?? 1;
      return Array.from({ length: Math.max(1, minimum) }, () => sampleOf(element, depth + 1));
    }
    case 'union':
      return (def['options'] as AnySchema[]).map((option) => sampleOf(option, depth + 1)).find((value) => schema.safeParse(value).success);
    case 'record':
      return {};
    case 'date':
      return new Date();
    default:
      return undefined;
  }
}

export function sampleEvent(type: EventType, overrides: { correlationId?: string } = {}): EventEnvelope {
  const custom = SAMPLE_DATA[type];
  const data = custom ? custom() : (sampleOf(eventCatalogue[type].data as unknown as AnySchema) as Record<string, unknown>);
  return buildEvent({
    type,
    producer: type.split('.')[0]!,
    correlationId: overrides.correlationId ?? `sample-${randomUUID()}`,
    actor: { userId: randomUUID(), role: 'super-admin', email: 'actor@ecar.test', ip: '10.0.0.7', userAgent: 'catalogue-test' },
    subject: { type: type.split('.')[1]!, id: randomUUID(), ownerId: randomUUID() },
    data: data as never,
  }) as EventEnvelope;
}

/** A sample for every type of the catalogue; throws naming each type it cannot build. */
export function sampleEvents(): EventEnvelope[] {
  const failures: string[] = [];
  const events: EventEnvelope[] = [];
  for (const type of EVENT_TYPES) {
    try {
      events.push(sampleEvent(type));
    } catch (error) {
      failures.push(`${type}: ${error instanceof Error ? error.message.slice(0, 300) : String(error)}`);
    }
  }
  if (failures.length > 0) throw new Error(`no valid sample for these catalogue types; add them to SAMPLE_DATA in tests/support/audit-samples.ts:\n${failures.join('\n')}`);
  return events;
}
