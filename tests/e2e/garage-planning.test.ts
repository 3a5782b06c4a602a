import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { queryRows } from '@ecar/db';
import { createCustomer, expectStatus } from '../support/garage-fixtures.ts';
import { startGarageStack, type GarageStack } from '../support/garage-stack.ts';

/**
 * Issue 14, planning: bays, technicians' hours and absences, bookings of appointments and work
 * orders on one technician and one bay. Overlaps on a bay or a technician are refused (409
 * problem+json, also for two requests at the same moment: exactly one wins; the planning lock
 * serialises writers and the database's exclusion constraints refuse any overlap a writer would
 * still make, checked here by writing one directly); bookings outside hours or during an absence are refused; the
 * free-slot query never offers a taken slot (property test over random schedules, checked against
 * the database with PostgreSQL's own Africa/Tunis arithmetic). Real PostgreSQL.
 */

let stack: GarageStack;
let admin: string;
let customerId: string;
let customerUserId: string;

const post = (path: string, json?: unknown, token = admin) => stack.call(path, { method: 'POST', token, ...(json === undefined ? {} : { json }) });
const put = (path: string, json: unknown) => stack.call(path, { method: 'PUT', token: admin, json });

/** A Monday at least 40 days ahead (Tunis dates), plus `days`. */
function day(days: number): string {
  const base = new Date(Date.now() + 40 * 86_400_000);
  const monday = new Date(Date.UTC(base.getUTCFullYear(), base.getUTCMonth(), base.getUTCDate() + ((8 - base.getUTCDay()) % 7)));
  return new Date(monday.getTime() + days * 86_400_000).toISOString().slice(0, 10);
}
/** Tunis wall-clock time (UTC+01:00 all year since 2009). */
const at = (date: string, time: string) => `${date}T${time}:00+01:00`;

const WEEK = [1, 2, 3, 4, 5].flatMap((weekday) => [
  { weekday, start: '08:00', end: '12:00' },
  { weekday, start: '13:00', end: '17:00' },
]);

async function bay(name = `Pont ${randomUUID().slice(0, 8)}`): Promise<string> {
  return String((await expectStatus(post('/api/v1/bays', { name }), 201))['id']);
}
async function technician(hours = WEEK): Promise<string> {
  const id = randomUUID();
  await expectStatus(put(`/api/v1/technicians/${id}/hours`, { hours }), 200);
  return id;
}
async function appointment(slotStart: string, placement: Record<string, unknown> = {}) {
  return post('/api/v1/appointments', { customerId, slotStart, ...placement });
}

describe('garage planning: bays, hours, absences, bookings, free slots', () => {
  before(async () => {
    // This file books many appointments for one customer: the per-customer cap (issue 12, finding 5) is tested in garage-business-limits.
    stack = await startGarageStack('garageplanning', { garageEnv: { MAX_OPEN_APPOINTMENTS_PER_CUSTOMER: '100' } });
    admin = stack.token('super-admin');
    customerUserId = randomUUID();
    customerId = String((await createCustomer(stack, admin, { userId: customerUserId }))['id']);
  });
  after(async () => {
    await stack?.stop();
  });

  it('keeps bays: unique names, out of service, deleted only when never booked; every change is an event', async () => {
    const name = `Pont ${randomUUID().slice(0, 6)}`;
    const id = await bay(name);
    const twice = await post('/api/v1/bays', { name: name.toUpperCase() });
    assert.equal(twice.status, 409);
    assert.match(String(twice.body['type']), /^urn:ecar:problem:/);
    const renamed = await expectStatus(stack.call(`/api/v1/bays/${id}`, { method: 'PATCH', token: admin, json: { name: `${name} bis`, note: 'Élévateur 3 t' } }), 200);
    assert.equal(renamed['note'], 'Élévateur 3 t');
    const listed = (await stack.call('/api/v1/bays', { token: admin })).body as unknown as Array<{ id: string }>;
    assert.ok(listed.some((row) => row.id === id));
    assert.equal((await stack.call(`/api/v1/bays/${id}`, { method: 'DELETE', token: admin })).status, 204);
    assert.equal((await stack.call(`/api/v1/bays/${id}`, { method: 'DELETE', token: admin })).status, 404);

    const used = await bay();
    const tech = await technician();
    await expectStatus(appointment(at(day(0), '09:00'), { technicianId: tech, bayId: used, durationMinutes: 60 }), 201);
    assert.equal((await stack.call(`/api/v1/bays/${used}`, { method: 'DELETE', token: admin })).status, 409, 'a booked bay is kept');
    assert.equal((await stack.call(`/api/v1/bays/${used}`, { method: 'PATCH', token: admin, json: { active: false } })).status, 409, 'upcoming bookings keep it in service');
    const types = await queryRows<{ type: string }>(stack.garage.domain.dataSource, `SELECT DISTINCT type FROM outbox_events WHERE type LIKE 'garage.bay.%' OR type LIKE 'garage.schedule.%'`);
    assert.deepEqual(types.map((row) => row.type).sort(), ['garage.bay.created', 'garage.bay.deleted', 'garage.bay.updated', 'garage.schedule.booked', 'garage.schedule.hours_set']);
  });

  it('refuses a second booking overlapping on the same bay or the same technician (409), accepts back-to-back', async () => {
    const bayA = await bay();
    const bayB = await bay();
    const tech1 = await technician();
    const tech2 = await technician();
    const date = day(1);
    await expectStatus(appointment(at(date, '09:00'), { technicianId: tech1, bayId: bayA, durationMinutes: 90 }), 201);
    const sameBay = await appointment(at(date, '10:00'), { technicianId: tech2, bayId: bayA, durationMinutes: 60 });
    assert.equal(sameBay.status, 409);
    assert.match(String(sameBay.body['detail']), /bay is already booked/);
    assert.equal(sameBay.body['type'], 'urn:ecar:problem:conflict');
    const sameTechnician = await appointment(at(date, '10:00'), { technicianId: tech1, bayId: bayB, durationMinutes: 60 });
    assert.equal(sameTechnician.status, 409);
    assert.match(String(sameTechnician.body['detail']), /technician is already booked/);
    await expectStatus(appointment(at(date, '10:30'), { technicianId: tech1, bayId: bayA, durationMinutes: 60 }), 201);

    // A work order is booked the same way, and the same refusals apply across appointments and work orders.
    const vehicle = await expectStatus(post('/api/v1/vehicles', { customerId, plate: `${100 + Math.floor(Math.random() * 899)} TU ${1000 + Math.floor(Math.random() * 8999)}`, make: 'Peugeot', model: '208', year: 2021, mileageKm: 1000 }), 201);
    const order = await expectStatus(post('/api/v1/work-orders', { customerId, vehicleId: vehicle['id'], complaint: 'Vidange' }), 201);
    const clash = await post(`/api/v1/work-orders/${String(order['id'])}/schedule`, { technicianId: tech2, bayId: bayA, start: at(date, '11:00'), durationMinutes: 30 });
    assert.equal(clash.status, 409);
    const booked = await expectStatus(post(`/api/v1/work-orders/${String(order['id'])}/schedule`, { technicianId: tech2, bayId: bayB, start: at(date, '11:00'), durationMinutes: 30 }), 200);
    const detail = await expectStatus(stack.call(`/api/v1/work-orders/${String(order['id'])}`, { token: admin }), 200);
    assert.ok((detail['technicianIds'] as string[]).includes(tech2), 'scheduling assigns the technician');
    // Moving the booking keeps one booking (no overlap with itself); cancelling frees the bay.
    await expectStatus(post(`/api/v1/work-orders/${String(order['id'])}/schedule`, { technicianId: tech2, bayId: bayB, start: at(date, '11:15'), durationMinutes: 30 }), 200);
    await expectStatus(post(`/api/v1/bookings/${String(booked['id'])}/cancel`), 200);
    await expectStatus(appointment(at(date, '11:30'), { technicianId: tech2, bayId: bayB, durationMinutes: 30 }), 201);
  });

  it('two concurrent bookings of one bay, or of one technician: exactly one wins, the other gets 409', async () => {
    const date = day(2);
    const shared = await bay();
    const techs = await Promise.all(Array.from({ length: 6 }, () => technician()));
    const byBay = await Promise.all(techs.map((tech) => appointment(at(date, '14:00'), { technicianId: tech, bayId: shared, durationMinutes: 60 })));
    assert.deepEqual(byBay.map((answer) => answer.status).sort(), [201, 409, 409, 409, 409, 409]);
    const oneTech = await technician();
    const bays = await Promise.all(Array.from({ length: 6 }, () => bay()));
    const byTechnician = await Promise.all(bays.map((id, index) => appointment(at(date, index % 2 ? '09:00' : '09:30'), { technicianId: oneTech, bayId: id, durationMinutes: 60 })));
    assert.deepEqual(byTechnician.map((answer) => answer.status).sort(), [201, 409, 409, 409, 409, 409]);
    for (const answer of [...byBay, ...byTechnician].filter((item) => item.status === 409)) assert.match(String(answer.body['type']), /^urn:ecar:problem:conflict/);
    const [live] = await queryRows<{ count: number }>(
      stack.garage.domain.dataSource,
      `SELECT count(*)::int AS count FROM schedule_bookings WHERE cancelled_at IS NULL AND (bay_id = $1 OR technician_id = $2)`,
      [shared, oneTech],
    );
    assert.equal(live!.count, 2);
    // The database itself refuses an overlap, whatever the code in front of it does.
    const [row] = await queryRows<{ appointment_id: string }>(stack.garage.domain.dataSource, `SELECT appointment_id FROM schedule_bookings WHERE bay_id = $1 AND cancelled_at IS NULL`, [shared]);
    await assert.rejects(
      queryRows(
        stack.garage.domain.dataSource,
        `INSERT INTO schedule_bookings (id, technician_id, bay_id, starts_at, ends_at, appointment_id, created_by) VALUES ($1, $2, $3, $4, $5, $6, $2)`,
        [randomUUID(), randomUUID(), shared, at(date, '14:30'), at(date, '15:00'), row!.appointment_id],
      ),
      (error: { code?: string; driverError?: { code?: string } }) => (error.code ?? error.driverError?.code) === '23P01',
    );
  });

  it('refuses bookings outside working hours and during an absence; an absence can be removed', async () => {
    const date = day(3);
    const place = await bay();
    const tech = await technician();
    const lunch = await appointment(at(date, '11:30'), { technicianId: tech, bayId: place, durationMinutes: 60 });
    assert.equal(lunch.status, 409);
    assert.match(String(lunch.body['detail']), /working hours/);
    const sunday = await appointment(at(day(6), '09:00'), { technicianId: tech, bayId: place, durationMinutes: 30 });
    assert.equal(sunday.status, 409);
    const absence = await expectStatus(post(`/api/v1/technicians/${tech}/absences`, { startsAt: at(date, '08:00'), endsAt: at(date, '10:00'), reason: 'Rendez-vous médical' }), 201);
    const away = await appointment(at(date, '09:30'), { technicianId: tech, bayId: place, durationMinutes: 60 });
    assert.equal(away.status, 409);
    assert.match(String(away.body['detail']), /absent/);
    const schedule = await expectStatus(stack.call(`/api/v1/technicians/${tech}/schedule`, { token: admin }), 200);
    assert.equal((schedule['hours'] as unknown[]).length, 10);
    assert.equal((schedule['absences'] as Array<{ reason: string }>)[0]?.reason, 'Rendez-vous médical');
    assert.equal((await stack.call(`/api/v1/technicians/${tech}/absences/${String(absence['id'])}`, { method: 'DELETE', token: admin })).status, 204);
    await expectStatus(appointment(at(date, '09:30'), { technicianId: tech, bayId: place, durationMinutes: 60 }), 201);
    const bad = await put(`/api/v1/technicians/${tech}/hours`, { hours: [{ weekday: 1, start: '08:00', end: '12:00' }, { weekday: 1, start: '11:00', end: '13:00' }] });
    assert.equal(bad.status, 400, 'overlapping intervals of one day');
  });

  it('online booking by the planning: customers get free slots without technician or bay, and are placed automatically', async () => {
    await expectStatus(put('/api/v1/planning/settings', { onlineBooking: 'planning', bookingMinutes: 60 }), 200);
    try {
      const date = day(7);
      const customer = stack.token('customer', customerUserId);
      const slots = await stack.call(`/api/v1/planning/free-slots?from=${encodeURIComponent(at(date, '00:00'))}&to=${encodeURIComponent(at(date, '23:59'))}`, { token: customer });
      assert.equal(slots.status, 200);
      const rows = slots.body as unknown as Array<Record<string, unknown>>;
      assert.ok(rows.length > 0);
      assert.ok(rows.every((row) => !('technicianId' in row) && !('bayId' in row)), 'customers do not see who or where');
      const chosen = String(rows[0]!['start']);
      const booked = await expectStatus(post('/api/v1/appointments', { customerId, slotStart: chosen }, customer), 201);
      const [booking] = await queryRows<{ count: number }>(stack.garage.domain.dataSource, `SELECT count(*)::int AS count FROM schedule_bookings WHERE appointment_id = $1 AND cancelled_at IS NULL`, [booked['id']]);
      assert.equal(booking!.count, 1);
      const chooses = await post('/api/v1/appointments', { customerId, slotStart: chosen, technicianId: randomUUID() }, customer);
      assert.equal(chooses.status, 403);
      // Cancelling frees the technician and the bay.
      await expectStatus(post(`/api/v1/appointments/${String(booked['id'])}/cancel`, undefined, customer), 200);
      const [left] = await queryRows<{ count: number }>(stack.garage.domain.dataSource, `SELECT count(*)::int AS count FROM schedule_bookings WHERE appointment_id = $1 AND cancelled_at IS NULL`, [booked['id']]);
      assert.equal(left!.count, 0);
    } finally {
      await expectStatus(put('/api/v1/planning/settings', { onlineBooking: 'capacity', bookingMinutes: 60 }), 200);
    }
  });

  it('property: the free-slot query never offers a taken slot, nor one outside hours or during an absence; an offered slot can be booked', async () => {
    let run = 0;
    const interval = fc
      .record({ weekday: fc.integer({ min: 1, max: 7 }), startHalf: fc.integer({ min: 12, max: 38 }), halves: fc.integer({ min: 1, max: 12 }) })
      .map(({ weekday, startHalf, halves }) => ({ weekday, start: startHalf * 30, end: Math.min(48, startHalf + halves) * 30 }));
    const schedule = fc.record({
      technicians: fc.array(fc.array(interval, { maxLength: 4 }), { minLength: 1, maxLength: 3 }),
      bays: fc.integer({ min: 1, max: 2 }),
      bookings: fc.array(fc.record({ tech: fc.nat(), bay: fc.nat(), day: fc.integer({ min: 0, max: 2 }), half: fc.integer({ min: 14, max: 40 }), halves: fc.integer({ min: 1, max: 6 }) }), { maxLength: 8 }),
      absences: fc.array(fc.record({ tech: fc.nat(), day: fc.integer({ min: 0, max: 2 }), half: fc.integer({ min: 12, max: 40 }), halves: fc.integer({ min: 1, max: 16 }) }), { maxLength: 3 }),
      duration: fc.constantFrom(30, 60, 90, 120),
    });
    await expectStatus(put('/api/v1/planning/settings', { onlineBooking: 'planning', bookingMinutes: 60 }), 200);
    const clock = (minute: number) => `${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`;
    await fc.assert(
      fc.asyncProperty(schedule, async (world) => {
        run += 1;
        // Each run plans its own three days, weeks apart, so runs do not see each other's bookings.
        const first = day(14 + run * 7);
        const techs: string[] = [];
        for (const week of world.technicians) {
          const hours = week.filter((item, index) => week.findIndex((other) => other.weekday === item.weekday && other.start < item.end && item.start < other.end) === index);
          techs.push(await technician(hours.map((item) => ({ weekday: item.weekday, start: clock(item.start), end: clock(item.end) }))));
        }
        const bays = await Promise.all(Array.from({ length: world.bays }, () => bay()));
        const dateOf = (offset: number) => new Date(Date.parse(`${first}T00:00:00Z`) + offset * 86_400_000).toISOString().slice(0, 10);
        for (const absence of world.absences) {
          const date = dateOf(absence.day);
          const end = Math.min(48, absence.half + absence.halves) * 30;
          await expectStatus(post(`/api/v1/technicians/${techs[absence.tech % techs.length]!}/absences`, { startsAt: at(date, clock(absence.half * 30)), endsAt: at(date, end === 1440 ? '23:59' : clock(end)), reason: 'Congé' }), 201);
        }
        for (const booking of world.bookings) {
          const answer = await appointment(at(dateOf(booking.day), clock(booking.half * 30)), { technicianId: techs[booking.tech % techs.length]!, bayId: bays[booking.bay % bays.length]!, durationMinutes: booking.halves * 30 });
          assert.ok([201, 409].includes(answer.status), JSON.stringify(answer.body));
        }
        const from = at(first, '00:00');
        const to = at(dateOf(3), '00:00');
        const answer = await stack.call(`/api/v1/planning/free-slots?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}&durationMinutes=${world.duration}`, { token: admin });
        assert.equal(answer.status, 200, JSON.stringify(answer.body));
        const slots = answer.body as unknown as Array<{ start: string; end: string; technicianId: string; bayId: string }>;
        // The database's own view of each offered slot: taken, absent, or outside the technician's hours (Tunis wall clock).
        const wrong = await queryRows<{ start: string; why: string }>(
          stack.garage.domain.dataSource,
          `WITH s AS (SELECT * FROM jsonb_to_recordset($1::jsonb) AS x(start timestamptz, "end" timestamptz, "technicianId" uuid, "bayId" uuid))
           SELECT s.start::text, CASE
             WHEN EXISTS (SELECT 1 FROM schedule_bookings b WHERE b.cancelled_at IS NULL AND (b.technician_id = s."technicianId" OR b.bay_id = s."bayId")
                           AND tstzrange(b.starts_at, b.ends_at, '[)') && tstzrange(s.start, s."end", '[)')) THEN 'taken'
             WHEN EXISTS (SELECT 1 FROM technician_absences a WHERE a.technician_id = s."technicianId" AND a.starts_at < s."end" AND a.ends_at > s.start) THEN 'absent'
             WHEN NOT EXISTS (SELECT 1 FROM technician_hours h WHERE h.technician_id = s."technicianId"
                           AND h.weekday = extract(isodow FROM s.start AT TIME ZONE 'Africa/Tunis')
                           AND (s.start AT TIME ZONE 'Africa/Tunis')::date = ((s."end" - interval '1 minute') AT TIME ZONE 'Africa/Tunis')::date
                           AND h.start_minute <= extract(epoch FROM (s.start AT TIME ZONE 'Africa/Tunis')::time) / 60
                           AND h.end_minute >= extract(epoch FROM (s.start AT TIME ZONE 'Africa/Tunis')::time) / 60 + extract(epoch FROM s."end" - s.start) / 60) THEN 'outside hours'
             WHEN NOT EXISTS (SELECT 1 FROM bays WHERE id = s."bayId" AND active) THEN 'no bay'
             WHEN s."end" - s.start <> make_interval(mins => $2) THEN 'duration'
           END AS why FROM s`,
          [JSON.stringify(slots), world.duration],
        );
        assert.deepEqual(wrong.filter((row) => row.why !== null), [], 'offered slots that are not free');
        if (slots.length > 0) {
          const pick = slots[Math.floor(slots.length / 2)]!;
          await expectStatus(appointment(pick.start, { technicianId: pick.technicianId, bayId: pick.bayId, durationMinutes: world.duration }), 201);
        }
      }),
      { numRuns: 12 },
    );
    await expectStatus(put('/api/v1/planning/settings', { onlineBooking: 'capacity', bookingMinutes: 60 }), 200);
  });

  it('hours that shrink, or an absence, over booked jobs: refused with a 409 listing them by reference (nothing changed), or made with replan: true and the bookings flagged until moved', async () => {
    const date = day(7);
    const place = await bay();
    const tech = await technician();
    const morning = await expectStatus(appointment(at(date, '09:00'), { technicianId: tech, bayId: place, durationMinutes: 60 }), 201);
    const afternoon = await expectStatus(appointment(at(date, '14:00'), { technicianId: tech, bayId: place, durationMinutes: 60 }), 201);
    const bookingOf = async (appointmentId: string) => {
      const [row] = await queryRows<{ id: string }>(stack.garage.domain.dataSource, `SELECT id FROM schedule_bookings WHERE appointment_id = $1 AND cancelled_at IS NULL`, [appointmentId]);
      return row!.id;
    };
    const [morningBooking, afternoonBooking] = [await bookingOf(String(morning['id'])), await bookingOf(String(afternoon['id']))];

    // Mondays become mornings only: the 14:00 job no longer fits.
    const mornings = [{ weekday: 1, start: '08:00', end: '12:00' }, ...WEEK.filter((interval) => interval.weekday !== 1)];
    const refused = await put(`/api/v1/technicians/${tech}/hours`, { hours: mornings });
    assert.equal(refused.status, 409);
    assert.equal(refused.body['type'], 'urn:ecar:problem:conflict');
    const conflicts = refused.body['conflicts'] as Array<Record<string, unknown>>;
    assert.deepEqual(conflicts.map((item) => [item['bookingId'], item['reference'], item['reason']]), [[afternoonBooking, afternoon['number'], 'outside_hours']]);
    assert.match(String(refused.body['detail']), new RegExp(String(afternoon['number'])));
    const unchanged = await expectStatus(stack.call(`/api/v1/technicians/${tech}/schedule`, { token: admin }), 200);
    assert.equal((unchanged['hours'] as unknown[]).length, 10, 'the refused change was not made');

    // An absence over the morning job: refused the same way, then recorded on purpose.
    const absence = { startsAt: at(date, '08:00'), endsAt: at(date, '10:30'), reason: 'Formation' };
    const away = await post(`/api/v1/technicians/${tech}/absences`, absence);
    assert.equal(away.status, 409);
    assert.deepEqual((away.body['conflicts'] as Array<Record<string, unknown>>).map((item) => [item['reference'], item['reason']]), [[morning['number'], 'absent']]);
    assert.equal(((await expectStatus(stack.call(`/api/v1/technicians/${tech}/schedule`, { token: admin }), 200))['absences'] as unknown[]).length, 0);
    await expectStatus(post(`/api/v1/technicians/${tech}/absences`, { ...absence, replan: true }), 201);
    await expectStatus(put(`/api/v1/technicians/${tech}/hours`, { hours: mornings, replan: true }), 200);

    const flagged = await expectStatus(stack.call('/api/v1/planning/replanning?limit=100', { token: admin }), 200);
    const mine = (flagged['items'] as Array<Record<string, unknown>>).filter((item) => item['technicianId'] === tech);
    assert.deepEqual(mine.map((item) => [item['reference'], item['replanReason']]).sort(), [
      [afternoon['number'], 'outside_hours'],
      [morning['number'], 'absent'],
    ].sort());
    const board = await expectStatus(stack.call(`/api/v1/planning/day?date=${date}`, { token: admin }), 200);
    assert.deepEqual(
      (board['bookings'] as Array<Record<string, unknown>>).filter((item) => item['technicianId'] === tech).map((item) => item['replanReason']).sort(),
      ['absent', 'outside_hours'],
      'the day board shows them flagged',
    );
    const events = await queryRows<{ payload: string }>(stack.garage.domain.dataSource, `SELECT payload FROM outbox_events WHERE type = 'garage.schedule.replanning_needed' AND payload LIKE $1`, [`%${tech}%`]);
    assert.equal(events.length, 2, 'each flagged booking is an event');

    // Moving a flagged booking to a time that fits re-plans it: its flag goes.
    await expectStatus(post(`/api/v1/appointments/${String(afternoon['id'])}/schedule`, { technicianId: tech, bayId: place, start: at(date, '11:00'), durationMinutes: 60 }), 200);
    const after = await expectStatus(stack.call('/api/v1/planning/replanning?limit=100', { token: admin }), 200);
    assert.deepEqual(
      (after['items'] as Array<Record<string, unknown>>).filter((item) => item['technicianId'] === tech).map((item) => item['id']),
      [morningBooking],
    );
  });
});
