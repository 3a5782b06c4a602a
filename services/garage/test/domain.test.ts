import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { estimateTotals, lineNetMillimes } from '../src/domain/estimate.ts';
import { sniffContentType } from '../src/domain/file-types.ts';
import { cinSchema, emailSchema, phoneSchema, plateSchema, taxIdSchema, vinSchema } from '@ecar/contracts';
import { WORK_ORDER_STATUSES } from '@ecar/contracts/requests/garage';
import { allowedTransitions, canTransition } from '../src/domain/work-order-states.ts';

const ok = (schema: { safeParse(value: unknown): { success: boolean; data?: unknown } }, value: string) => {
  const result = schema.safeParse(value);
  assert.ok(result.success, `${value} should be accepted`);
  return result.data;
};
const refused = (schema: { safeParse(value: unknown): { success: boolean } }, value: unknown) => assert.equal(schema.safeParse(value).success, false, `${String(value)} should be refused`);

describe('Tunisian formats', () => {
  it('phone: +216 and 8 digits, separators dropped', () => {
    assert.equal(ok(phoneSchema, '+216 98 765 432'), '+21698765432');
    assert.equal(ok(phoneSchema, '+216-20.123.456'), '+21620123456');
    for (const bad of ['98765432', '+2169876543', '+216987654321', '+33612345678', '+216 9876543a']) refused(phoneSchema, bad);
  });

  it('CIN: exactly 8 digits', () => {
    ok(cinSchema, '01234567');
    for (const bad of ['1234567', '123456789', '1234567a', ' 12345678']) refused(cinSchema, bad);
  });

  it('matricule fiscal: 8 and 13 character forms, slashes optional, control letter not I/O/U', () => {
    assert.equal(ok(taxIdSchema, '1234567/X/A/M/000'), '1234567/X/A/M/000');
    assert.equal(ok(taxIdSchema, '1234567xam000'), '1234567/X/A/M/000');
    assert.equal(ok(taxIdSchema, '1234567X'), '1234567/X');
    for (const bad of ['1234567/I/A/M/000', '1234567/O', '1234567U', '123456/X', '1234567/X/A/M/00', '1234567/X/Z/M/000', '12345678']) refused(taxIdSchema, bad);
  });

  it('plates: "123 TU 4567", RS series and other series; normalised', () => {
    assert.equal(ok(plateSchema, '123 tu 4567'), '123 TU 4567');
    assert.equal(ok(plateSchema, '  1  TU   1 '), '1 TU 1');
    assert.equal(ok(plateSchema, '123456 RS'), '123456 RS');
    assert.equal(ok(plateSchema, '12345 nt'), '12345 NT');
    for (const bad of ['1234 TU 4567', '123 TN 4567', '123 TU 45678', 'RS 123456', '1234567 RS', 'ABC-123', '']) refused(plateSchema, bad);
  });

  it('VIN: 17 characters without I, O or Q', () => {
    assert.equal(ok(vinSchema, 'vf1rfb00x56789012'), 'VF1RFB00X56789012');
    for (const bad of ['VF1RFB00X5678901', 'VF1RFB00X567890123', 'VF1RFB00I56789012', 'VF1RFB00O56789012', 'VF1RFB00Q56789012']) refused(vinSchema, bad);
  });

  it('e-mail is lower-cased so its blind index does not depend on case', () => {
    assert.equal(ok(emailSchema, 'Amira.Ben@Example.TN'), 'amira.ben@example.tn');
    refused(emailSchema, 'not-an-email');
  });
});

describe('work-order state machine', () => {
  const legal = new Set([
    'open>estimate_sent',
    'open>cancelled',
    'estimate_sent>approved',
    'estimate_sent>declined',
    'estimate_sent>open',
    'estimate_sent>cancelled',
    'approved>in_progress',
    'approved>cancelled',
    'declined>open',
    'declined>cancelled',
    'in_progress>completed',
    'in_progress>cancelled',
    'completed>delivered',
    'in_progress>waiting_for_parts',
    'in_progress>quality_check',
    'waiting_for_parts>in_progress',
    'waiting_for_parts>cancelled',
    'quality_check>in_progress',
    'quality_check>completed',
    'quality_check>cancelled',
  ]);

  it('allows exactly the transitions of the life cycle and refuses every other pair', () => {
    for (const from of WORK_ORDER_STATUSES) {
      for (const to of WORK_ORDER_STATUSES) {
        assert.equal(canTransition(from, to), legal.has(`${from}>${to}`), `${from} → ${to}`);
      }
    }
  });

  it('delivered and cancelled are final', () => {
    assert.deepEqual(allowedTransitions('delivered'), []);
    assert.deepEqual(allowedTransitions('cancelled'), []);
  });
});

describe('estimate totals (integer millimes)', () => {
  it('quantity in thousandths × unit price, rounded half up to the millime', () => {
    assert.equal(lineNetMillimes({ quantityMilli: 1500, unitPriceMillimes: 45_000, vatRateBp: 1900 }), 67_500);
    assert.equal(lineNetMillimes({ quantityMilli: 333, unitPriceMillimes: 1_001, vatRateBp: 1900 }), 333);
    assert.equal(lineNetMillimes({ quantityMilli: 1, unitPriceMillimes: 500, vatRateBp: 0 }), 1, '0.5 millime rounds up');
  });

  it('VAT per rate on the sum of the lines at that rate', () => {
    const totals = estimateTotals([
      { quantityMilli: 1000, unitPriceMillimes: 10_003, vatRateBp: 1900 },
      { quantityMilli: 1000, unitPriceMillimes: 10_003, vatRateBp: 1900 },
      { quantityMilli: 2000, unitPriceMillimes: 5_000, vatRateBp: 700 },
    ]);
    assert.deepEqual(totals.vatByRate, [
      { vatRateBp: 700, baseMillimes: 10_000, vatMillimes: 700 },
      { vatRateBp: 1900, baseMillimes: 20_006, vatMillimes: 3_801 },
    ]);
    assert.equal(totals.netMillimes, 30_006);
    assert.equal(totals.vatMillimes, 4_501);
    assert.equal(totals.grossMillimes, 34_507);
  });

  it('large amounts stay exact (computed in BigInt)', () => {
    assert.equal(lineNetMillimes({ quantityMilli: 1_000_003, unitPriceMillimes: 100_000_000_001, vatRateBp: 0 }), 100_000_300_001_000);
  });
});

describe('content sniffing', () => {
  it('recognises PDF, PNG and JPEG by their magic bytes and nothing else', () => {
    assert.equal(sniffContentType(Buffer.from('%PDF-1.4\n')), 'application/pdf');
    assert.equal(sniffContentType(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])), 'image/png');
    assert.equal(sniffContentType(Buffer.from([0xff, 0xd8, 0xff, 0xdb])), 'image/jpeg');
    assert.equal(sniffContentType(Buffer.from('MZ\x90\x00')), undefined);
    assert.equal(sniffContentType(Buffer.from([0x7f, 0x45, 0x4c, 0x46])), undefined);
    assert.equal(sniffContentType(Buffer.from('<svg')), undefined);
  });
});
