import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { adminPage, assertAccessible, assertNoHorizontalOverflow, browserSuite, openAdminScreen, screenshot } from '../support/browser.ts';
import { createVehicle, openWorkOrder } from '../support/self-fixtures.ts';
import { createCustomer, createTechnician, type Account } from '../support/web-stack.ts';

/**
 * Issue 14, planning in Chromium: the super-admin adds a bay and a technician's weekly hours on
 * the resources screen, an appointment booked on them shows as a block in the technician's row
 * and in the bay's row of the day board, and as a list on a phone (Arabic, 360 px, no overflow,
 * accessible); the same screens at tablet and desktop widths.
 */

let technician: Account;
let customerId: string;
let workOrderId: string;

/** A date some days ahead, in Tunis. */
const day = new Date(Date.now() + 3 * 86_400_000 + 3_600_000).toISOString().slice(0, 10);

const suite = browserSuite('webplanning', async (stack) => {
  technician = await createTechnician(stack, 'Karim Ben Ali');
  customerId = (await createCustomer(stack, 'Sami Trabelsi')).customerId;
  const vehicle = await createVehicle(stack, customerId, 'Renault', 'Clio');
  workOrderId = await openWorkOrder(stack, { customerId, vehicleId: vehicle.id, complaint: 'Vidange' });
});

describe('planning screens in Chromium (issue 14)', () => {
  it('adds a bay and working hours on screen; a booking shows as blocks on the board', async () => {
    const watched = await adminPage(suite, { language: 'en' });
    const { page } = watched;
    await openAdminScreen(page, suite.stack, 'planning/resources');
    const bayForm = page.locator('[data-testid=bay-form]');
    await bayForm.getByLabel('Bay name').fill('Pont 1');
    await page.click('[data-testid=bay-save]');
    await page.waitForSelector('[data-testid=bay]:has-text("Pont 1")');
    await page.locator('[data-testid=hours-technician]').selectOption({ label: 'Karim Ben Ali' });
    const hours = page.locator('[data-testid=hours-form]');
    await hours.getByLabel('Monday').fill('08:00-12:00,');
    await hours.getByLabel('Tuesday').fill('8h to noon');
    await page.click('[data-testid=hours-save]');
    await page.waitForSelector('[data-testid=hours-form] [aria-invalid=true]');
    for (const name of ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday']) await hours.getByLabel(name).fill('08:00-12:00, 13:00-18:00');
    await page.click('[data-testid=hours-save]');
    await page.waitForSelector('[data-testid=hours-saved]');
    await page.locator('[data-testid=online-mode]').selectOption('planning');
    await page.click('[data-testid=online-save]');
    await page.waitForSelector('[data-testid=online-booking] [role=status]');
    assert.equal((await suite.stack.api('/api/v1/planning/settings')).body['onlineBooking'], 'planning');
    const schedule = await suite.stack.api(`/api/v1/technicians/${technician.id}/schedule`);
    assert.equal((schedule.body['hours'] as unknown[]).length, 14);

    const bays = (await suite.stack.api('/api/v1/bays')).body as unknown as Array<{ id: string; name: string }>;
    const bay = bays.find((row) => row.name === 'Pont 1')!;
    const booked = await suite.stack.api('/api/v1/appointments', { method: 'POST', json: { customerId, slotStart: `${day}T09:00:00+01:00`, technicianId: technician.id, bayId: bay.id, durationMinutes: 90 } });
    assert.equal(booked.status, 201, JSON.stringify(booked.body));
    const clash = await suite.stack.api('/api/v1/appointments', { method: 'POST', json: { customerId, slotStart: `${day}T10:00:00+01:00`, technicianId: technician.id, bayId: bay.id, durationMinutes: 30 } });
    assert.equal(clash.status, 409);

    await openAdminScreen(page, suite.stack, 'planning');
    await page.getByLabel('Day').fill(day);
    await page.waitForSelector('[data-testid=booking-block]');
    assert.equal(await page.locator('[data-testid=technician-row] [data-testid=booking-block]').count(), 1);
    assert.equal(await page.locator('[data-testid=bay-row] [data-testid=booking-block]').count(), 1);
    assert.match((await page.locator('[data-testid=technician-row]').first().textContent()) ?? '', /Karim Ben Ali/);
    assert.equal(await page.locator('[data-testid=board-list]').isVisible(), false, 'the list is the phone view');
    await assertAccessible(page, 'planning board');

    // The work order's schedule form offers only free times of that technician and bay.
    await openAdminScreen(page, suite.stack, `work-orders/${workOrderId}`);
    const form = page.locator('[data-testid=schedule]');
    await form.getByLabel('Day').fill(day);
    await form.getByLabel('Duration').selectOption('60');
    await page.waitForSelector('[data-testid=schedule-start]:not([disabled])');
    const offered = await page.locator('[data-testid=schedule-start] option').evaluateAll((options) => options.map((option) => (option as unknown as { value: string }).value));
    const taken = (start: string) => Date.parse(start) < Date.parse(`${day}T10:30:00+01:00`) && Date.parse(start) + 3_600_000 > Date.parse(`${day}T09:00:00+01:00`);
    assert.ok(offered.length > 0 && !offered.some(taken), `a taken time is offered: ${offered.join(', ')}`);
    await page.locator('[data-testid=schedule-start]').selectOption(`${day}T09:30:00.000Z`);
    await page.click('[data-testid=schedule-save]');
    await page.waitForSelector('[data-testid=schedule] [role=status]:has-text("Booked")');
    const board = await suite.stack.api(`/api/v1/planning/day?date=${day}`);
    const bookings = board.body['bookings'] as Array<{ workOrderId: string | null; startsAt: string }>;
    assert.equal(bookings.find((item) => item.workOrderId === workOrderId)?.startsAt, `${day}T09:30:00.000Z`, '10:30 in Tunis');
    await watched.assertClean();
    await watched.close();
  });

  it('every planning screen at every width and language: no overflow, accessible; a list of bookings on phones', async () => {
    for (const [viewport, language] of [
      ['phone', 'ar'],
      ['phone', 'fr'],
      ['tablet', 'fr'],
      ['desktop', 'en'],
    ] as const) {
      const watched = await adminPage(suite, { viewport, language });
      await openAdminScreen(watched.page, suite.stack, 'planning');
      await watched.page.locator('main input[type=date]').fill(day);
      await watched.page.waitForSelector(viewport === 'phone' ? '[data-testid=booking-item]' : '[data-testid=booking-block]');
      if (viewport === 'phone') assert.equal(await watched.page.locator('[data-testid=board]').isVisible(), false);
      await screenshot(watched.page, `planning-${viewport}-${language}`);
      await assertNoHorizontalOverflow(watched.page, `planning (${language}, ${viewport})`);
      await assertAccessible(watched.page, `planning (${language}, ${viewport})`);
      await openAdminScreen(watched.page, suite.stack, 'planning/resources');
      await watched.page.waitForSelector('[data-testid=hours-form]');
      await screenshot(watched.page, `planning-resources-${viewport}-${language}`);
      await assertNoHorizontalOverflow(watched.page, `planning resources (${language}, ${viewport})`);
      await assertAccessible(watched.page, `planning resources (${language}, ${viewport})`);
      await watched.assertClean();
      await watched.close();
    }
  });

  it('hours that shrink over booked jobs: the screen lists them by reference; changed anyway, they are listed to re-plan on the board', async () => {
    const watched = await adminPage(suite, { language: 'en' });
    const { page } = watched;
    await openAdminScreen(page, suite.stack, 'planning/resources');
    await page.locator('[data-testid=hours-technician]').selectOption({ label: 'Karim Ben Ali' });
    const hours = page.locator('[data-testid=hours-form]');
    for (const name of ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday']) await hours.getByLabel(name).fill('13:00-18:00');
    await page.click('[data-testid=hours-save]');
    const prompt = page.getByTestId('replan-prompt');
    await prompt.waitFor();
    const references = await prompt.locator('[data-testid=displaced] bdi').allTextContents();
    assert.equal(references.length, 2, 'the morning appointment and work order');
    assert.ok(references.every((reference) => /^(RDV|OR)-\d{4}-\d{6}$/.test(reference)), references.join(', '));
    assert.equal(((await suite.stack.api(`/api/v1/technicians/${technician.id}/schedule`)).body['hours'] as unknown[]).length, 14, 'nothing changed yet');
    await page.mouse.move(0, 0);
    await assertAccessible(page, 'refused change of hours');
    await screenshot(page, 'planning-replan-prompt-en-desktop');
    await page.click('[data-testid=replan-proceed]');
    await page.waitForSelector('[data-testid=hours-saved]');
    assert.equal(((await suite.stack.api(`/api/v1/technicians/${technician.id}/schedule`)).body['hours'] as unknown[]).length, 7);
    await openAdminScreen(page, suite.stack, 'planning');
    await page.waitForSelector('[data-testid=replanning] [data-testid=replan-item]');
    assert.deepEqual((await page.locator('[data-testid=replan-item]').allTextContents()).sort(), [...references].sort());
    await page.getByLabel('Day').fill(day);
    await page.waitForSelector('[data-testid=technician-row] [data-testid=booking-block][data-replan=outside_hours]');
    assert.equal(await page.locator('[data-testid=technician-row] [data-replan=outside_hours]').count(), 2, 'the board marks both bookings to re-plan');
    await assertAccessible(page, 'bookings to re-plan');
    await screenshot(page, 'planning-replanning-en-desktop');
    await watched.assertClean();
    await watched.close();
  });
});
