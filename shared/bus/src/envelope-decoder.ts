import { envelopeSchema, MAX_ENVELOPE_BYTES, type EventEnvelope } from '@ecar/contracts';

export type RejectionReason = 'too_large' | 'invalid_json' | 'invalid_envelope';

export type DecodeResult = { ok: true; envelope: EventEnvelope } | { ok: false; reason: RejectionReason; error: string };

/** Reads a message body as an event envelope; anything else is rejected with the reason why. */
export function decodeEnvelope(content: Buffer): DecodeResult {
  if (content.length > MAX_ENVELOPE_BYTES) {
    return { ok: false, reason: 'too_large', error: `${content.length} bytes, more than ${MAX_ENVELOPE_BYTES}` };
  }
  let json: unknown;
  try {
    json = JSON.parse(content.toString('utf8'));
  } catch (error) {
    return { ok: false, reason: 'invalid_json', error: error instanceof Error ? error.message : String(error) };
  }
  const parsed = envelopeSchema.safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`);
    return { ok: false, reason: 'invalid_envelope', error: issues.join('; ') };
  }
  return { ok: true, envelope: parsed.data };
}
