import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { HttpJsonSmsGateway } from '../src/channels/sms.ts';
import { timeOrderedId } from '../src/domain/ids.ts';
import { channelsOf, refusal } from '../src/domain/messages.ts';
import { formatMillimes, localDateTime, render, TEMPLATES } from '../src/domain/templates.ts';
import { defaultPreferences } from '../src/domain/types.ts';

describe('notify rules', () => {
  it('marketing needs explicit consent; service messages stop when the customer opts out (law 2004-63)', () => {
    const fresh = defaultPreferences('00000000-0000-4000-8000-000000000001');
    assert.equal(refusal(fresh, 'marketing'), 'no_consent', 'no marketing without consent (off by default)');
    assert.equal(refusal(fresh, 'service'), undefined);
    assert.equal(refusal({ ...fresh, marketingConsent: true }, 'marketing'), undefined);
    assert.equal(refusal({ ...fresh, serviceMessages: false }, 'service'), 'opted_out');
    assert.equal(refusal({ ...fresh, serviceMessages: false, marketingConsent: false }, 'marketing'), 'no_consent');
  });

  it('channel choices', () => {
    assert.deepEqual(channelsOf('auto'), ['sms']);
    assert.deepEqual(channelsOf('sms'), ['sms']);
    assert.deepEqual(channelsOf('email'), ['email']);
    assert.deepEqual(channelsOf('both'), ['sms', 'email']);
  });

  it('every template exists in French, Arabic and English, with the parameters filled in', () => {
    for (const [id, template] of Object.entries(TEMPLATES)) {
      for (const language of ['fr', 'ar', 'en'] as const) {
        assert.ok(template.texts[language], `${id} ${language}`);
        const text = render(id, language, { number: 'FA-2026-000001', total: '12,000 TND', date: '03/12/2026', time: '09:30', ref: 'RDV-2026-000045', amount: '120,000 TND', kind: 'technical_inspection', vehicle: 'Peugeot 208' }, 'Amira');
        assert.ok(text.sms.startsWith('ECAR: ') && text.sms.length <= 160, `${id} ${language}: one SMS (${text.sms.length})`);
        assert.ok(!/undefined/.test(text.sms + text.subject + text.body), `${id} ${language}: a parameter is missing`);
        assert.match(text.body, /Amira/);
      }
    }
    assert.match(render('vehicle_ready', 'ar', {}, '').sms, /سيارتكم جاهزة/);
  });

  it('messages about a work order or an appointment cite its number (issue #14), and read as before without one', () => {
    for (const language of ['fr', 'ar', 'en'] as const) {
      for (const id of ['estimate_ready', 'vehicle_ready'] as const) {
        const text = render(id, language, { ref: 'OR-2026-000123' }, 'Amira');
        assert.match(text.sms, /OR-2026-000123/, `${id} ${language} sms`);
        assert.match(text.body, /OR-2026-000123/, `${id} ${language} body`);
        assert.doesNotMatch(render(id, language, {}, 'Amira').body, /OR-|\(\)|réf\.|ref\./);
      }
      for (const id of ['appointment_confirmed', 'appointment_rescheduled'] as const) {
        const text = render(id, language, { date: '03/12/2026', time: '09:30', ref: 'RDV-2026-000045' }, 'Amira');
        assert.match(text.sms, /RDV-2026-000045/, `${id} ${language} sms`);
        assert.match(text.body, /RDV-2026-000045/, `${id} ${language} body`);
      }
    }
    assert.equal(render('estimate_ready', 'fr', { ref: 'OR-2026-000123' }, '').sms, 'ECAR: votre devis est prêt (réf. OR-2026-000123). Consultez-le et validez-le dans votre espace client.');
  });

  it('reminders name their kind in each language, by date or by mileage (issue 15)', () => {
    const byDate = { kind: 'vignette', vehicle: 'Kia Picanto', date: '02/12/2026' };
    assert.equal(render('reminder_due', 'fr', byDate, '').sms, 'ECAR: La vignette de votre Kia Picanto arrive à échéance le 02/12/2026.');
    assert.equal(render('reminder_due', 'en', byDate, '').subject, 'Reminder: vignette (road tax)');
    assert.equal(render('reminder_due', 'ar', byDate, '').sms, 'ECAR: تذكير: موعد معلوم الجولان (الفينيات) لسيارتكم Kia Picanto يوم 02/12/2026.');
    const byMileage = { kind: 'service', vehicle: 'Kia Picanto', mileage: '60 000 km' };
    assert.equal(render('reminder_due', 'fr', byMileage, '').sms, 'ECAR: L’entretien de votre Kia Picanto est prévu à 60 000 km.');
    assert.equal(TEMPLATES.reminder_due.category, 'service', 'a reminder is a service message, not marketing');
    assert.match(render('approval_requested', 'fr', { amount: '90,000 TND' }, 'Amira').body, /travaux supplémentaires .*\(90,000 TND TTC\)/);
  });

  it('amounts and local times', () => {
    assert.equal(formatMillimes(1_234_560), '1 234,560 TND');
    assert.equal(formatMillimes(5), '0,005 TND');
    assert.deepEqual(localDateTime('2026-07-01T23:30:00.000Z', 'Africa/Tunis'), { date: '02/07/2026', time: '00:30' });
  });

  it('ids sort by creation time (newest-first keyset paging)', () => {
    const older = timeOrderedId(1_764_000_000_000);
    const newer = timeOrderedId(1_764_000_000_001);
    assert.ok(older < newer);
    assert.match(newer, /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('the SMS adapter refuses a host that is not allow-listed (RES-3)', () => {
    assert.throws(() => new HttpJsonSmsGateway('https://sms.example.com/v1', ['api.sms.tn'], { sender: 'ECAR', timeoutMs: 1000 }), /sms\.example\.com is not on OUTBOUND_ALLOWLIST/);
    assert.doesNotThrow(() => new HttpJsonSmsGateway('https://api.sms.tn/v1', ['api.sms.tn'], { sender: 'ECAR', timeoutMs: 1000 }));
  });
});
